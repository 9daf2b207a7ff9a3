"""Meeting locations: real links pass, lookalikes and tricks fail with a clear message."""

from __future__ import annotations

import pytest

from meetings.links import MeetingLinkError, MeetingLocation, Provider, is_video_provider, validate_meeting_link


@pytest.mark.parametrize(
    ("provider", "value"),
    [
        (Provider.ZOOM, "https://zoom.us/j/1234567890"),
        (Provider.ZOOM, "https://us02web.zoom.us/j/1234567890?pwd=abcDEF123"),
        (Provider.ZOOM, "https://acme.zoom.us/my/ana.lopez"),
        (Provider.ZOOM, "HTTPS://Acme.Zoom.US/j/1"),
        (Provider.TEAMS, "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc%40thread.v2/0?context=%7b%7d"),
        (Provider.TEAMS, "https://teams.live.com/meet/9876543210"),
        (Provider.MEET, "https://meet.google.com/abc-defg-hij"),
        (Provider.FACETIME, "https://facetime.apple.com/join#v=1&p=AbCdEf123&k=XyZ"),
        (Provider.OTHER, "https://whereby.com/mentoring-room"),
    ],
)
def test_good_video_links(provider: Provider, value: str) -> None:
    location = validate_meeting_link(provider, f"  {value} ")
    assert location == MeetingLocation(provider, value, value)


@pytest.mark.parametrize(
    ("provider", "value", "code"),
    [
        (Provider.ZOOM, "https://zoom.us.evil.com/j/1", "wrong_domain"),
        (Provider.ZOOM, "https://evilzoom.us/j/1", "wrong_domain"),
        (Provider.ZOOM, "https://zoom.com.evil/j/1", "wrong_domain"),
        (Provider.ZOOM, "https://zoom.us@evil.com/j/1", "userinfo"),
        (Provider.ZOOM, "https://user:pass@zoom.us/j/1", "userinfo"),
        (Provider.ZOOM, "https://evil.com\\@zoom.us/j/1", "invalid_url"),
        (Provider.ZOOM, "https://evil.com#@zoom.us/j/1", "wrong_domain"),
        (Provider.ZOOM, "https://evil.com?.zoom.us", "wrong_domain"),
        (Provider.ZOOM, "http://zoom.us/j/1", "not_https"),
        (Provider.ZOOM, "javascript:alert(document.cookie)//zoom.us", "not_https"),
        (Provider.ZOOM, "zoom.us/j/1", "not_https"),
        (Provider.ZOOM, "https://zoom.us:8443/j/1", "port"),
        (Provider.ZOOM, "https://zoom.us./j/1", "invalid_host"),
        (Provider.ZOOM, "https://zoom%2eus/j/1", "invalid_host"),
        (Provider.ZOOM, "https://z\u043e\u043em.us/j/1", "invalid_host"),  # Cyrillic o's, a homograph
        (Provider.ZOOM, "https://zoom.us/j/1 2", "invalid_url"),
        (Provider.ZOOM, "https://zoom.us", "missing_path"),
        (Provider.ZOOM, "https://zoom.us/", "missing_path"),
        (Provider.ZOOM, "https://[::1]/j/1", "invalid_host"),
        (Provider.TEAMS, "https://teams.microsoft.com.evil.net/l/meetup-join/1", "wrong_domain"),
        (Provider.TEAMS, "https://evil.teams.microsoft.com.example/l/1", "wrong_domain"),
        (Provider.TEAMS, "https://zoom.us/j/1", "wrong_domain"),
        (Provider.MEET, "https://meet.google.com.evil.com/abc-defg-hij", "wrong_domain"),
        (Provider.MEET, "https://google.com/meet/abc", "wrong_domain"),
        (Provider.MEET, "https://meet.google.com", "missing_path"),
        (Provider.FACETIME, "https://facetime.apple.com/", "wrong_path"),
        (Provider.FACETIME, "https://facetime.apple.com/join", "wrong_path"),
        (Provider.FACETIME, "https://facetime.apple.com.evil.io/join#v=1", "wrong_domain"),
        (Provider.FACETIME, "facetime://ana@example.org", "not_https"),
        (Provider.OTHER, "javascript:alert(1)", "dangerous_scheme"),
        (Provider.OTHER, "  JavaScript:alert(1)", "dangerous_scheme"),
        (Provider.OTHER, "data:text/html;base64,PHNjcmlwdD4=", "dangerous_scheme"),
        (Provider.OTHER, "http://example.org/room", "not_https"),
        (Provider.OTHER, "ftp://example.org/room", "not_https"),
        (Provider.OTHER, "https://user@example.org/room", "userinfo"),
        (Provider.IN_PERSON, "javascript:alert(1)", "dangerous_scheme"),
        (Provider.IN_PERSON, "x" * 301, "too_long"),
        (Provider.IN_PERSON, "Room\x00 4", "invalid_text"),
        (Provider.ZOOM, "https://zoom.us/j/" + "1" * 2000, "too_long"),
        (Provider.ZOOM, "   ", "required"),
        ("skype", "https://join.skype.com/abc", "unknown_provider"),
    ],
)
def test_evil_or_wrong_links_are_refused(provider: Provider | str, value: str, code: str) -> None:
    with pytest.raises(MeetingLinkError) as caught:
        validate_meeting_link(provider, value)
    assert isinstance(caught.value, ValueError)
    assert caught.value.code == code
    assert str(caught.value).endswith(".")


def test_wrong_domain_message_shows_what_a_link_looks_like() -> None:
    with pytest.raises(MeetingLinkError, match=r"This is not a Zoom link\. It should look like https://zoom\.us/j/"):
        validate_meeting_link(Provider.ZOOM, "https://evilzoom.us/j/1")


@pytest.mark.parametrize(
    ("value", "href"),
    [
        ("+49 30 1234567", "tel:+49301234567"),
        ("+1 (415) 555-0100", "tel:+14155550100"),
        ("030 123 456", "tel:030123456"),
        ("+44-20-7946-0958", "tel:+442079460958"),
    ],
)
def test_good_phone_numbers(value: str, href: str) -> None:
    assert validate_meeting_link(Provider.PHONE, value) == MeetingLocation(Provider.PHONE, value, href)


@pytest.mark.parametrize(
    "value",
    ["call me", "1234", "+49 30 1234567 ext. 12", "49+30123456", "+1 (415 555-0100", "1" * 16, "tel:+4930123456"],
)
def test_bad_phone_numbers(value: str) -> None:
    with pytest.raises(MeetingLinkError) as caught:
        validate_meeting_link(Provider.PHONE, value)
    assert caught.value.code == "invalid_phone"


def test_places_and_other_text_are_never_links() -> None:
    assert validate_meeting_link(Provider.IN_PERSON, "Café Einstein, Unter den Linden 42") == MeetingLocation(
        Provider.IN_PERSON, "Café Einstein, Unter den Linden 42", None
    )
    assert validate_meeting_link("other", "Room: 4.12, second floor").href is None
    assert validate_meeting_link("other", "www.example.org").href is None  # text, shown as text


def test_is_video_provider() -> None:
    assert is_video_provider("zoom") and is_video_provider(Provider.FACETIME)
    assert not is_video_provider(Provider.PHONE) and not is_video_provider("in_person")
