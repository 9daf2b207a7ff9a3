"""Meeting pages: who reaches them, what bad input does, and what each person sees."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from meetings import services
from meetings.forms import ScheduleForm
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingFeedback,
    MeetingPrivateNote,
    MeetingSeries,
)
from meetings.recurrence import Ending
from meetings.tests.conftest import NOW, PAIR, PERSONAS, STRANGERS, client_for, meetings_state
from meetings.tests.factories import (
    action_item_form,
    local,
    meeting_form,
    occurrences,
    pair,
    person,
    place,
    running_program,
    schedule_form,
    schedule_once,
    schedule_series,
    wrap_up_form,
)
from mentorship.accounts.models import User
from mentorship.accounts.roles import grant_program_admin
from relationships import services as relationship_services
from relationships.models import Relationship

DT = datetime.datetime
UTC = datetime.UTC


def text_of(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def form_errors(response: Any) -> dict[str, list[str]]:
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


# -- the access matrix ---------------------------------------------------------------------------------------------


@dataclass
class World:
    relationship: Relationship
    series: MeetingSeries
    occurrence: Meeting
    one_off: Meeting
    mentee_topic: AgendaItem
    item: ActionItem
    people: dict[str, User]
    started: Meeting | None = None  # began half an hour before NOW: the one a wrap-up is for


def build_world(people: dict[str, User], relationship: Relationship) -> World:
    series = schedule_series(relationship, ending=Ending.AFTER_COUNT, count=4)
    occurrence = occurrences(series)[0]
    one_off = schedule_once(relationship, DT(2027, 1, 20, 15, 0))
    topic = services.agenda_add(
        meeting=occurrence, side="mentee", actor=relationship.mentee, text="My topic", needs_extra_time=False
    )
    item = services.action_item_add(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        description="Read the guide",
        owner=relationship.mentee,
        due_on=datetime.date(2027, 2, 1),
    )
    started = schedule_once(relationship, DT(2027, 1, 4, 8, 30))  # Berlin time: 07:30 UTC, 30 minutes ago
    return World(relationship, series, occurrence, one_off, topic, item, people, started)


@pytest.fixture
def world(relationship: Relationship) -> World:
    """The same meetings for one test, with only the pair in place."""
    return build_world({"mentee": relationship.mentee, "mentor": relationship.mentor}, relationship)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    args: Callable[[World], list[Any]]
    data: Callable[[World], dict[str, str]] = lambda w: {}
    # Only the mentee wrote the topic, so only she may remove it; the mentor's attempt is refused politely.
    mentee_only: bool = False


ENDPOINTS = [
    Endpoint("schedule", "get", lambda w: [w.relationship.pk]),
    Endpoint("schedule", "post", lambda w: [w.relationship.pk], lambda w: schedule_form()),
    Endpoint("series_edit", "get", lambda w: [w.series.pk]),
    Endpoint("series_edit", "post", lambda w: [w.series.pk], lambda w: schedule_form(start_time="11:00")),
    Endpoint("series_end", "post", lambda w: [w.series.pk]),
    Endpoint("series_ics", "get", lambda w: [w.series.pk]),
    Endpoint("detail", "get", lambda w: [w.occurrence.pk]),
    Endpoint("ics", "get", lambda w: [w.one_off.pk]),
    Endpoint("edit", "get", lambda w: [w.one_off.pk]),
    Endpoint("edit", "post", lambda w: [w.one_off.pk], lambda w: meeting_form()),
    Endpoint("cancel", "post", lambda w: [w.one_off.pk]),
    Endpoint("agenda_add", "post", lambda w: [w.occurrence.pk], lambda w: {"text": "Sneaky topic"}),
    Endpoint("agenda_change", "post", lambda w: [w.mentee_topic.pk, "extra"]),
    Endpoint("agenda_change", "post", lambda w: [w.mentee_topic.pk, "down"]),
    Endpoint("agenda_change", "post", lambda w: [w.mentee_topic.pk, "delete"], mentee_only=True),
    Endpoint("wrap_up", "get", lambda w: [w.started.pk]),
    Endpoint("wrap_up", "post", lambda w: [w.started.pk], lambda w: wrap_up_form(status="held", shared_notes="Hi")),
    Endpoint("action_item_add", "get", lambda w: [w.relationship.pk]),
    Endpoint("action_item_add", "post", lambda w: [w.relationship.pk], lambda w: action_item_form(w.relationship)),
    Endpoint(
        "action_item_add",
        "post",
        lambda w: [w.relationship.pk],
        lambda w: {**action_item_form(w.relationship), "meeting": str(w.occurrence.pk)},
    ),
    Endpoint("action_item_status", "post", lambda w: [w.item.pk], lambda w: {"status": "done"}),
]
# The calendar page belongs to whoever is signed in (tested below), the feed to whoever holds the token.
PER_PERSON = {"calendar_settings"}
# POST-only endpoints: a GET must be refused.
POST_ONLY = sorted({e.name for e in ENDPOINTS if e.method == "post"} - {e.name for e in ENDPOINTS if e.method == "get"})


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method}-{endpoint.name}-{ENDPOINTS.index(endpoint)}"


def call(client: Client, endpoint: Endpoint, world: World) -> Any:
    url = reverse(f"meetings:{endpoint.name}", args=endpoint.args(world))
    return getattr(client, endpoint.method)(url, endpoint.data(world))


def test_the_matrix_covers_every_meetings_url() -> None:
    from meetings.urls import urlpatterns

    names = {pattern.name for pattern in urlpatterns if isinstance(pattern, URLPattern)}
    assert names == {endpoint.name for endpoint in ENDPOINTS} | PER_PERSON


@pytest.fixture(scope="class")
def shared_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """One cast for the whole matrix, inside a transaction rolled back afterwards.

    Each test still runs in its own savepoint, so the pair's writes in one test are gone in the next.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        people = {
            "mentee": person("mia@example.com", "Mia Mentee"),
            "mentor": person("marco@example.com", "Marco Mentor", zone="America/New_York"),
            "other_mentee": person("olga@example.com", "Olga Othermentee"),
            "other_mentor": person("oscar@example.com", "Oscar Othermentor"),
            "program_admin": person("hr@example.com", "Hannah Resources"),
            "other_program_admin": person("hr2@example.com", "Harald Other"),
            "outsider": person("outsider@example.com", "Otto Outsider"),
        }
        grant_program_admin(people["program_admin"])
        grant_program_admin(people["other_program_admin"])
        program = running_program(people["program_admin"], "Engineering Mentoring")
        running_program(people["other_program_admin"], "Sales Mentoring")
        relationship = pair(program, people["mentee"], people["mentor"], created_by=people["program_admin"])
        pair(program, people["other_mentee"], people["other_mentor"])
        world = build_world(people, relationship)
        # A second topic, so that moving the first one down changes something.
        services.agenda_add(
            meeting=world.occurrence, side="mentor", actor=people["mentor"], text="His topic", needs_extra_time=False
        )
        yield world
        transaction.set_rollback(True)


@pytest.mark.usefixtures("db")
class TestAccess:
    @pytest.mark.parametrize("persona", STRANGERS)
    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
    def test_strangers_get_404_and_change_nothing(self, shared_world: World, persona: str, endpoint: Endpoint) -> None:
        before = meetings_state()

        response = call(client_for(shared_world.people[persona]), endpoint, shared_world)

        assert response.status_code == 404
        assert meetings_state() == before

    @pytest.mark.parametrize("persona", PAIR)
    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
    def test_the_two_people_reach_every_page_and_action(
        self, shared_world: World, persona: str, endpoint: Endpoint
    ) -> None:
        before = meetings_state()

        response = call(client_for(shared_world.people[persona]), endpoint, shared_world)

        assert response.status_code == (200 if endpoint.method == "get" else 302)
        if endpoint.method == "post":
            # The write went through (or, for the one refused case, changed nothing).
            allowed = not (endpoint.mentee_only and persona == "mentor")
            assert (meetings_state() != before) is allowed
        if endpoint.name in ("series_ics", "ics"):
            assert response["Content-Type"] == "text/calendar; charset=utf-8"
            assert response.content.startswith(b"BEGIN:VCALENDAR")

    @pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
    def test_anonymous_visitors_are_sent_to_sign_in(self, shared_world: World, endpoint: Endpoint) -> None:
        before = meetings_state()

        response = call(Client(), endpoint, shared_world)

        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
        assert meetings_state() == before

    @pytest.mark.parametrize("name", POST_ONLY)
    def test_a_get_never_changes_anything(self, shared_world: World, name: str) -> None:
        endpoint = next(e for e in ENDPOINTS if e.name == name)
        before = meetings_state()

        response = client_for(shared_world.people["mentee"]).get(
            reverse(f"meetings:{name}", args=endpoint.args(shared_world))
        )

        assert response.status_code == 405
        assert meetings_state() == before

    @pytest.mark.parametrize(
        "url",
        [
            "/meetings/999999/",
            "/meetings/999999/calendar.ics",
            "/meetings/999999/edit/",
            "/meetings/999999/wrap-up/",
            "/meetings/series/999999/edit/",
            "/meetings/series/999999/calendar.ics",
            "/meetings/schedule/999999/",
            "/meetings/0/",
            "/meetings/-1/",
            "/meetings/abc/",
            "/meetings/series/1e3/edit/",
            "/meetings/99999999999999999999999/",
        ],
    )
    def test_garbage_ids_are_404(self, shared_world: World, url: str) -> None:
        assert client_for(shared_world.people["mentee"]).get(url).status_code == 404

    @pytest.mark.parametrize(
        ("url", "data"),
        [
            (lambda w: reverse("meetings:agenda_change", args=[w.mentee_topic.pk, "explode"]), {}),
            (lambda w: reverse("meetings:agenda_change", args=[999999, "up"]), {}),
            (lambda w: reverse("meetings:action_item_status", args=[999999]), {"status": "done"}),
            (lambda w: reverse("meetings:action_item_add", args=[w.relationship.pk]), {"meeting": "abc"}),
            (lambda w: reverse("meetings:action_item_add", args=[w.relationship.pk]), {"meeting": "\u00b2"}),
            (lambda w: reverse("meetings:action_item_add", args=[w.relationship.pk]), {"meeting": "999999"}),
            (lambda w: reverse("meetings:action_item_add", args=[999999]), {}),
        ],
        ids=[
            "unknown-agenda-action",
            "unknown-topic",
            "unknown-item",
            "meeting-not-a-number",
            "meeting-a-superscript-digit",
            "unknown-meeting",
            "unknown-relationship",
        ],
    )
    def test_garbage_in_write_requests_is_404_and_changes_nothing(
        self, shared_world: World, url: Any, data: Any
    ) -> None:
        before = meetings_state()

        response = client_for(shared_world.people["mentee"]).post(
            url(shared_world), {**action_item_form(shared_world.relationship), **data}
        )

        assert response.status_code == 404
        assert meetings_state() == before


def test_an_action_item_cannot_hang_off_the_other_pairs_meeting(
    world: World, other_relationship: Relationship, mentee: User
) -> None:
    theirs = schedule_once(other_relationship, DT(2027, 1, 21, 10, 0))
    before = meetings_state()

    response = client_for(mentee).post(
        reverse("meetings:action_item_add", args=[world.relationship.pk]),
        {**action_item_form(world.relationship), "meeting": str(theirs.pk)},
    )

    assert response.status_code == 404
    assert meetings_state() == before


# -- scheduling through the form -----------------------------------------------------------------------------------


def test_the_schedule_form_suggests_the_agreed_cadence_and_length(relationship: Relationship) -> None:
    relationship_services.agreement_save(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        channels=[{"channel": "Video call", "purpose": "our meetings"}],
        cadence="biweekly",
        meeting_minutes=45,
        mentee_responsibilities="Bring an agenda.",
        mentor_responsibilities="Share what worked for me.",
        desired_outcomes="A promotion case.",
        confidentiality="What we say stays here.",
    )

    response = client_for(relationship.mentor).get(reverse("meetings:schedule", args=[relationship.pk]))

    form = response.context["form"]
    assert form["frequency"].value() == "biweekly"
    assert form["duration_minutes"].value() == 45
    assert form["zone"].value() == "America/New_York"  # the viewer's own zone
    assert "Suggested from your agreement: every two weeks." in text_of(response)


def test_without_an_agreement_the_form_suggests_monthly_and_the_program_length(relationship: Relationship) -> None:
    response = client_for(relationship.mentee).get(reverse("meetings:schedule", args=[relationship.pk]))

    form = response.context["form"]
    assert form["frequency"].value() == "monthly_weekday"
    assert form["duration_minutes"].value() == relationship.program.default_meeting_minutes


def test_scheduling_a_weekly_series_through_the_form(relationship: Relationship) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:schedule", args=[relationship.pk]), schedule_form(ending="after_count", count="6")
    )

    assert response.status_code == 302
    assert response["Location"] == relationship.get_absolute_url() + "#meetings"
    series = MeetingSeries.objects.get()
    assert series.rrule == "FREQ=WEEKLY;BYDAY=MO;COUNT=6"
    assert series.organiser == relationship.mentee
    assert len(occurrences(series)) == 6


def test_scheduling_a_one_off_meeting_through_the_form(relationship: Relationship) -> None:
    response = client_for(relationship.mentor).post(
        reverse("meetings:schedule", args=[relationship.pk]),
        schedule_form(frequency="once", first_date="2027-02-03", start_time="12:15", zone="America/New_York"),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.series is None and not MeetingSeries.objects.exists()
    assert meeting.start == DT(2027, 2, 3, 17, 15, tzinfo=UTC)
    assert meeting.duration_minutes == 45


def test_scheduling_a_custom_rule_that_ends_on_a_date(relationship: Relationship) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:schedule", args=[relationship.pk]),
        schedule_form(
            frequency="custom", custom_rule="FREQ=MONTHLY;BYDAY=2MO", ending="on_date", until_date="2027-06-30"
        ),
    )

    assert response.status_code == 302
    series = MeetingSeries.objects.get()
    assert series.rrule == "FREQ=MONTHLY;BYDAY=2MO;UNTIL=20270630T215959Z"
    assert [local(m.start, "Europe/Berlin").month for m in occurrences(series)] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("provider", "location"),
    [
        ("zoom", "https://acme.zoom.us/j/1234567890"),
        ("teams", "https://teams.microsoft.com/l/meetup-join/19%3ameeting"),
        ("meet", "https://meet.google.com/abc-defg-hij"),
        ("facetime", "https://facetime.apple.com/join#v=1&p=abc"),
        ("phone", "+49 30 1234567"),
        ("in_person", "Café Einstein, Unter den Linden"),
        ("other", "Dial-in details follow by chat"),
    ],
)
def test_every_kind_of_place_can_be_scheduled(relationship: Relationship, provider: str, location: str) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:schedule", args=[relationship.pk]),
        schedule_form(provider=provider, location=location, ending="after_count", count="2"),
    )

    assert response.status_code == 302
    assert set(Meeting.objects.values_list("provider", "location")) == {(provider, location)}


@pytest.mark.parametrize(
    ("changes", "field", "phrase"),
    [
        ({"provider": "zoom", "location": "https://zoom.evil.example/j/1"}, "location", "not a Zoom link"),
        ({"provider": "teams", "location": "https://meet.google.com/abc-defg-hij"}, "location", "not a Microsoft"),
        ({"ending": "on_date", "until_date": "2027-01-01"}, "until_date", "end before its first meeting"),
        ({"ending": "after_count", "count": "0"}, "count", "at least 1"),
        ({"ending": "after_count", "count": "-3"}, "count", "at least 1"),
        ({"ending": "on_date", "until_date": ""}, "until_date", "Pick the date"),
        (
            {"frequency": "custom", "custom_rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"},
            "custom_rule",
            "never produces",
        ),
        (
            {"frequency": "custom", "custom_rule": "FREQ=WEEKLY;UNTIL=20260101T000000Z"},
            "custom_rule",
            "ends before the first meeting",
        ),
        ({"frequency": "custom", "custom_rule": "FREQ=HOURLY"}, "custom_rule", "at most daily"),
        ({"frequency": "custom", "custom_rule": "garbage"}, "custom_rule", "could not be read"),
        ({"first_date": "2027-03-28", "start_time": "02:30", "frequency": "weekly"}, "start_time", "does not exist"),
        ({"first_date": "2027-03-28", "start_time": "02:30", "frequency": "once"}, "start_time", "does not exist"),
        ({"zone": "Mars/Olympus_Mons"}, "zone", "valid choice"),
        ({"first_date": "2027-02-30"}, "first_date", "valid date"),
        ({"duration_minutes": "0"}, "duration_minutes", "greater than or equal to 5"),
        ({"frequency": "monthly_last_day"}, "first_date", "last day"),
        ({"frequency": "fortnightly"}, "frequency", "valid choice"),
        ({"ending": "sometime"}, "ending", "valid choice"),
        ({"ending": "after_count", "count": "many"}, "count", "whole number"),
        ({"start_time": "25:99"}, "start_time", "valid time"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_bad_schedules_are_form_errors_on_their_field(
    relationship: Relationship, changes: dict[str, str], field: str, phrase: str
) -> None:
    form = ScheduleForm(schedule_form(**changes), relationship=relationship, viewer=relationship.mentee)

    assert not form.is_valid()
    assert phrase in " ".join(form.errors.get(field, [])), form.errors


@pytest.mark.parametrize(
    "changes",
    [
        {"provider": "zoom", "location": "https://zoom.evil.example/j/1"},
        {"ending": "on_date", "until_date": "2027-01-01"},
        {"ending": "after_count", "count": "0"},
        {"frequency": "custom", "custom_rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31"},
        {"first_date": "2027-03-28", "start_time": "02:30", "frequency": "once"},
        {"zone": "Mars/Olympus_Mons"},
    ],
    ids=["wrong-domain", "until-before-first", "count-zero", "rule-without-dates", "skipped-hour", "zone"],
)
def test_bad_schedules_come_back_as_a_page_with_errors_and_create_nothing(
    relationship: Relationship, changes: dict[str, str]
) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:schedule", args=[relationship.pk]), schedule_form(**changes)
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'class="invalid-feedback"' in response.content.decode()
    assert not Meeting.objects.exists() and not MeetingSeries.objects.exists()


def test_moving_a_meeting_into_the_skipped_hour_is_a_form_error(world: World, mentee: User) -> None:
    response = client_for(mentee).post(
        reverse("meetings:edit", args=[world.one_off.pk]), meeting_form(date="2027-03-28", start_time="02:30")
    )

    assert response.status_code == 200
    assert "does not exist" in " ".join(form_errors(response)["start_time"])
    world.one_off.refresh_from_db()
    assert world.one_off.sequence == 0


def test_moving_one_occurrence_through_the_form(world: World, mentor: User) -> None:
    response = client_for(mentor).post(
        reverse("meetings:edit", args=[world.occurrence.pk]),
        meeting_form(
            date="2027-01-12", start_time="07:00", zone="America/New_York", provider="phone", location="+1 212 555 0100"
        ),
    )

    assert response.status_code == 302 and response["Location"] == world.occurrence.get_absolute_url()
    world.occurrence.refresh_from_db()
    assert world.occurrence.start == DT(2027, 1, 12, 12, 0, tzinfo=UTC)
    assert world.occurrence.is_override and world.occurrence.zone == "America/New_York"
    assert world.occurrence.original_start == DT(2027, 1, 11, 8, 30, tzinfo=UTC)


def test_the_series_form_shows_the_current_schedule_and_saves_a_new_one(world: World, mentor: User) -> None:
    url = reverse("meetings:series_edit", args=[world.series.pk])
    page = client_for(mentor).get(url)
    form = page.context["form"]
    assert form["custom_rule"].value() == "FREQ=WEEKLY;BYDAY=MO;COUNT=4"
    assert form["start_time"].value() == datetime.time(9, 30)
    assert "once" not in dict(form.fields["frequency"].choices)

    response = client_for(mentor).post(
        url, schedule_form(frequency="custom", custom_rule="FREQ=WEEKLY;BYDAY=MO;COUNT=4", start_time="10:15")
    )

    assert response.status_code == 302
    world.series.refresh_from_db()
    assert world.series.sequence == 1
    assert {local(m.start, "Europe/Berlin").time() for m in occurrences(world.series)} == {datetime.time(10, 15)}
    assert MeetingSeries.objects.get().meetings.count() == 4


def test_stopping_a_series_from_its_page(world: World, mentee: User) -> None:
    response = client_for(mentee).post(reverse("meetings:series_end", args=[world.series.pk]))

    assert response.status_code == 302
    assert set(world.series.meetings.values_list("status", flat=True)) == {"cancelled"}


# -- what people see -----------------------------------------------------------------------------------------------


def test_each_person_sees_the_meeting_in_their_own_zone_with_the_zone_named(world: World) -> None:
    mentee_page = text_of(client_for(world.relationship.mentee).get(world.occurrence.get_absolute_url()))
    mentor_page = text_of(client_for(world.relationship.mentor).get(world.occurrence.get_absolute_url()))

    assert "Monday 11 January 2027, 09:30\u201310:15" in mentee_page and "(Europe/Berlin)" in mentee_page
    assert "Monday 11 January 2027, 03:30\u201304:15" in mentor_page and "(America/New_York)" in mentor_page


@pytest.mark.parametrize(
    ("day", "in_new_york"),
    [
        (datetime.date(2027, 1, 18), "03:30"),
        (datetime.date(2027, 3, 22), "04:30"),  # New York is on summer time already, Berlin not yet
        (datetime.date(2027, 7, 19), "03:30"),
    ],
)
def test_the_series_keeps_0930_in_berlin_all_year_and_new_york_sees_its_own_time(
    relationship: Relationship, day: datetime.date, in_new_york: str
) -> None:
    series = schedule_series(relationship)
    meeting = series.meetings.get(original_start__date=day)

    mentee_page = text_of(client_for(relationship.mentee).get(meeting.get_absolute_url()))
    mentor_page = text_of(client_for(relationship.mentor).get(meeting.get_absolute_url()))

    assert f"{day:%A} {day.day} {day:%B %Y}, 09:30" in mentee_page
    assert f"{day:%A} {day.day} {day:%B %Y}, {in_new_york}" in mentor_page


def test_the_relationship_page_lists_meetings_in_the_viewers_zone(world: World) -> None:
    url = world.relationship.get_absolute_url()
    mentee_page = text_of(client_for(world.relationship.mentee).get(url))
    mentor_page = text_of(client_for(world.relationship.mentor).get(url))

    assert "Mon 11 Jan 2027, 09:30" in mentee_page and "your time zone, Europe/Berlin" in mentee_page
    assert "Mon 11 Jan 2027, 03:30" in mentor_page and "your time zone, America/New_York" in mentor_page


def test_the_home_page_lists_upcoming_meetings_in_my_zone(world: World) -> None:
    page = text_of(client_for(world.relationship.mentor).get("/"))

    assert "Mon 11 Jan, 03:30" in page and "Times in America/New_York." in page


JOIN = re.compile(r'<a class="btn[^"]*" href="https://acme\.zoom\.us/j/1234567890"[^>]*>Join</a>')
PROMINENT_JOIN = re.compile(
    r'<a class="btn btn-primary btn-lg" id="join-button" href="https://acme\.zoom\.us/j/1234567890"'
)
SECONDARY_JOIN = re.compile(
    r'<a class="btn btn-outline-primary" id="join-button" href="https://acme\.zoom\.us/j/1234567890"'
)


@pytest.mark.parametrize(
    ("moment", "visible"),
    [
        (DT(2027, 1, 11, 8, 19, tzinfo=UTC), False),  # 11 minutes before
        (DT(2027, 1, 11, 8, 20, tzinfo=UTC), True),  # 10 minutes before
        (DT(2027, 1, 11, 8, 45, tzinfo=UTC), True),
        (DT(2027, 1, 11, 9, 15, tzinfo=UTC), True),  # the last minute
        (DT(2027, 1, 11, 9, 16, tzinfo=UTC), False),
    ],
)
def test_the_join_button_shows_only_near_the_meeting(
    world: World, clock: time_machine.Coordinates, moment: DT, visible: bool
) -> None:
    clock.move_to(moment)
    client = client_for(world.relationship.mentee)

    detail = client.get(world.occurrence.get_absolute_url()).content.decode()
    panel = client.get(world.relationship.get_absolute_url()).content.decode()
    home = client.get("/").content.decode()

    # The meeting page always offers the link; the Join button stands out from 10 minutes before to the end.
    assert bool(PROMINENT_JOIN.search(detail)) is visible
    assert bool(SECONDARY_JOIN.search(detail)) is not visible
    assert "https://acme.zoom.us/j/1234567890</a>" in detail
    assert bool(JOIN.search(panel)) is visible
    assert bool(JOIN.search(home)) is visible


def test_no_join_button_for_a_meeting_in_person(relationship: Relationship, clock: time_machine.Coordinates) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 5, 10, 0), where=place("in_person", "Room 4.12"))
    clock.move_to(meeting.start)

    page = text_of(client_for(relationship.mentee).get(meeting.get_absolute_url()))

    assert ">Join<" not in page and "In person: Room 4.12" in page


@pytest.mark.parametrize(
    ("location", "button", "host"),
    [
        ("https://webex.example.net/meet/mia", True, "webex.example.net"),
        ("Dial-in details are in the invitation", False, ""),
    ],
)
def test_an_other_link_gets_a_join_button_with_its_host_beside_it(
    relationship: Relationship, clock: time_machine.Coordinates, location: str, button: bool, host: str
) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 5, 10, 0), where=place("other", location))
    clock.move_to(meeting.start)
    client = client_for(relationship.mentee)

    for path in (meeting.get_absolute_url(), relationship.get_absolute_url(), "/"):
        page = text_of(client.get(path))
        assert (f'href="{location}"' in page and ">Join<" in page) is button, path
        assert (f"on {host}</span>" in page) is button, path


def test_a_cancelled_occurrence_stays_listed_as_cancelled(world: World, mentee: User) -> None:
    client = client_for(mentee)
    client.post(reverse("meetings:cancel", args=[world.occurrence.pk]))

    detail = text_of(client.get(world.occurrence.get_absolute_url()))
    panel = text_of(client.get(world.relationship.get_absolute_url()))

    assert "Cancelled" in detail and "Cancel this meeting" not in detail
    assert re.search(r"Mon 11 Jan 2027, 09:30</a> · Mentoring meeting <span class=\"badge[^\"]*\">Cancelled", panel)


def test_the_meeting_page_brings_agenda_items_goals_and_an_icebreaker(world: World) -> None:
    relationship = world.relationship
    relationship_services.goal_save(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        goal=None,
        title="Lead a project",
        category="skills",
    )
    services.agenda_add(
        meeting=world.occurrence, side="mentor", actor=relationship.mentor, text="Hiring plans", needs_extra_time=True
    )

    response = client_for(relationship.mentor).get(world.occurrence.get_absolute_url())
    page = text_of(response)

    assert page.index("Hiring plans") < page.index("My topic")  # extra time goes first
    assert "needs more time: discussed first" in page
    assert "Read the guide" in page and "Lead a project" in page
    assert response.context["icebreaker"] in page


# -- agenda through the pages --------------------------------------------------------------------------------------


def test_agenda_topics_are_added_reordered_flagged_and_removed(world: World) -> None:
    mentee, mentor = world.relationship.mentee, world.relationship.mentor
    meeting = world.occurrence
    client_for(mentor).post(reverse("meetings:agenda_add", args=[meeting.pk]), {"text": "Mentor topic"})
    mentor_topic = meeting.agenda.get(text="Mentor topic")

    def order() -> list[str]:
        return list(meeting.agenda.values_list("text", flat=True))

    assert order() == ["My topic", "Mentor topic"]
    client_for(mentee).post(reverse("meetings:agenda_change", args=[mentor_topic.pk, "up"]))
    assert order() == ["Mentor topic", "My topic"]
    client_for(mentor).post(reverse("meetings:agenda_change", args=[world.mentee_topic.pk, "extra"]))
    assert order() == ["My topic", "Mentor topic"]

    # The mentee cannot remove the mentor's topic; the refusal is a message, not an error page.
    response = client_for(mentee).post(reverse("meetings:agenda_change", args=[mentor_topic.pk, "delete"]), follow=True)
    assert response.status_code == 200 and "Only the person who added a topic can remove it." in text_of(response)
    assert order() == ["My topic", "Mentor topic"]

    client_for(mentor).post(reverse("meetings:agenda_change", args=[mentor_topic.pk, "delete"]))
    assert order() == ["My topic"]


def test_an_empty_topic_is_refused_with_a_message(world: World, mentee: User) -> None:
    response = client_for(mentee).post(
        reverse("meetings:agenda_add", args=[world.occurrence.pk]), {"text": ""}, follow=True
    )

    assert response.status_code == 200 and "Write the topic first" in text_of(response)
    assert world.occurrence.agenda.count() == 1


# -- wrap-up -------------------------------------------------------------------------------------------------------


def test_wrapping_up_records_notes_feedback_and_emails_thanks(
    world: World, clock: time_machine.Coordinates, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    mentee, mentor = world.relationship.mentee, world.relationship.mentor
    clock.move_to(world.occurrence.end)
    url = reverse("meetings:wrap_up", args=[world.occurrence.pk])

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(mentee).post(
            url,
            wrap_up_form(
                shared_notes="We mapped the promotion case.",
                private_note="Mentee secret worry",
                rating="5",
                comment="Mentee candid comment",
                thank_you="Thank you, Marco!",
            ),
        )
    client_for(mentor).post(
        url, wrap_up_form(private_note="Mentor secret hunch", rating="2", comment="Mentor candid comment")
    )

    assert response.status_code == 302
    world.occurrence.refresh_from_db()
    assert world.occurrence.status == "held" and world.occurrence.shared_notes == ""  # the mentor cleared it
    assert MeetingPrivateNote.objects.count() == 2 and MeetingFeedback.objects.count() == 2
    assert [message.to for message in mail.outbox] == [[mentor.email]]
    assert "Thank you, Marco!" in mail.outbox[0].body

    mentee_view = text_of(client_for(mentee).get(url))
    mentor_view = text_of(client_for(mentor).get(url))
    assert "Mentee secret worry" in mentee_view and "Mentor secret hunch" not in mentee_view
    assert "Mentor secret hunch" in mentor_view and "Mentee secret worry" not in mentor_view
    assert "Mentee candid comment" not in mentor_view
    detail = text_of(client_for(mentor).get(world.occurrence.get_absolute_url()))
    assert "secret" not in detail and "candid" not in detail


def test_the_program_team_sees_only_counts_and_averages(
    world: World, program_admin: User, clock: time_machine.Coordinates
) -> None:
    mentee, mentor = world.relationship.mentee, world.relationship.mentor
    clock.move_to(world.occurrence.end)
    url = reverse("meetings:wrap_up", args=[world.occurrence.pk])
    client_for(mentee).post(
        url,
        wrap_up_form(shared_notes="Shared words", private_note="Private words", rating="5", comment="Comment words"),
    )
    client_for(mentor).post(url, wrap_up_form(shared_notes="Shared words", rating="2", comment="Other comment"))

    response = client_for(program_admin).get(world.relationship.get_absolute_url())
    page = text_of(response)

    assert response.status_code == 200
    assert "1 meeting held." in page and "Average usefulness 3.5 out of 5." in page
    for secret in ("Shared words", "Private words", "Comment words", "Other comment", "My topic", "Read the guide"):
        assert secret not in page


@pytest.mark.parametrize("model", ["meeting", "meetingseries", "agendaitem", "meetingprivatenote", "meetingfeedback"])
def test_the_program_team_cannot_read_meetings_through_the_django_admin_either(
    world: World, program_admin: User, model: str
) -> None:
    response = client_for(program_admin).get(f"/admin/meetings/{model}/")

    assert response.status_code == 404  # the Django admin is for operators only (issue 12)


def test_the_wrap_up_page_names_the_next_meeting_in_my_zone(
    world: World, mentee: User, mentor: User, clock: time_machine.Coordinates
) -> None:
    clock.move_to(world.occurrence.start)
    url = reverse("meetings:wrap_up", args=[world.occurrence.pk])

    assert "Your next meeting is on Monday 18 January 2027, 09:30 (Europe/Berlin)." in text_of(
        client_for(mentee).get(url)
    )
    assert "Your next meeting is on Monday 18 January 2027, 03:30 (America/New_York)." in text_of(
        client_for(mentor).get(url)
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"status": "exploded"}, "status"), ({"rating": "7"}, "rating"), ({"rating": "x"}, "rating")],
)
def test_a_bad_wrap_up_is_a_form_error(
    world: World, clock: time_machine.Coordinates, changes: dict[str, str], field: str
) -> None:
    clock.move_to(world.occurrence.end)

    response = client_for(world.relationship.mentee).post(
        reverse("meetings:wrap_up", args=[world.occurrence.pk]), wrap_up_form(**changes)
    )

    assert response.status_code == 200 and field in form_errors(response)
    world.occurrence.refresh_from_db()
    assert world.occurrence.status == "scheduled" and not MeetingFeedback.objects.exists()


def test_a_meeting_in_the_future_cannot_be_wrapped_up_yet(world: World, mentee: User) -> None:
    url = reverse("meetings:wrap_up", args=[world.occurrence.pk])
    for response in (
        client_for(mentee).get(url, follow=True),
        client_for(mentee).post(url, wrap_up_form(status="cancelled"), follow=True),
    ):
        assert response.redirect_chain == [(world.occurrence.get_absolute_url(), 302)]
        assert "has not started yet: you can wrap it up from Monday 11 January 2027, 09:30 on." in text_of(response)
    world.occurrence.refresh_from_db()
    assert world.occurrence.status == "scheduled" and world.occurrence.wrapped_up_at is None
    assert "/wrap-up/" not in text_of(client_for(mentee).get(world.occurrence.get_absolute_url()))


# -- action items --------------------------------------------------------------------------------------------------


def test_action_items_from_the_wrap_up_appear_on_the_next_meeting(world: World, mentor: User) -> None:
    relationship = world.relationship
    response = client_for(mentor).post(
        reverse("meetings:action_item_add", args=[relationship.pk]),
        {
            **action_item_form(
                relationship,
                description="Sketch the talk",
                owner=str(relationship.mentor_id),
                resource_url="https://docs.example.com/talk",
            ),
            "meeting": str(world.occurrence.pk),
        },
    )

    assert response["Location"] == reverse("meetings:wrap_up", args=[world.occurrence.pk]) + "#action-items"
    item = ActionItem.objects.get(description="Sketch the talk")
    assert (item.owner, item.meeting, item.due_on) == (mentor, world.occurrence, datetime.date(2027, 2, 1))
    next_meeting = occurrences(world.series)[1]
    assert "Sketch the talk" in text_of(client_for(world.relationship.mentee).get(next_meeting.get_absolute_url()))


@pytest.mark.parametrize(
    "changes",
    [{"owner": "999999"}, {"due_on": "2027-02-30"}, {"description": ""}, {"resource_url": "javascript:alert(1)"}],
)
def test_a_bad_action_item_comes_back_with_its_reason_and_what_was_typed(
    world: World, mentee: User, changes: dict[str, str]
) -> None:
    before = ActionItem.objects.count()
    typed = {"description": "Sketch the talk", **changes}

    response = client_for(mentee).post(
        reverse("meetings:action_item_add", args=[world.relationship.pk]),
        action_item_form(world.relationship, **typed),
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == list(changes)
    assert form[next(iter(changes))].errors
    assert form["description"].value() == typed["description"]
    assert ActionItem.objects.count() == before


def test_one_click_completes_an_action_item_and_stays_on_site(world: World, mentor: User) -> None:
    response = client_for(mentor).post(
        reverse("meetings:action_item_status", args=[world.item.pk]),
        {"status": "done", "next": "https://evil.example/"},
    )

    assert response["Location"] == world.relationship.get_absolute_url()
    world.item.refresh_from_db()
    assert world.item.status == "done" and world.item.completed_at is not None


def test_the_home_page_lists_my_open_items_overdue_first(world: World, clock: time_machine.Coordinates) -> None:
    relationship = world.relationship
    for description, due in (("Later one", "2027-03-01"), ("Overdue one", "2026-12-20")):
        client_for(relationship.mentor).post(
            reverse("meetings:action_item_add", args=[relationship.pk]),
            action_item_form(relationship, description=description, due_on=due),
        )

    page = text_of(client_for(relationship.mentee).get("/"))

    assert page.index("Overdue one") < page.index("Read the guide") < page.index("Later one")
    assert "overdue since 20 Dec 2026" in page


# -- the calendar page ---------------------------------------------------------------------------------------------


def test_the_calendar_page_shows_a_new_link_once_and_rotating_retires_the_old_one(mentee: User) -> None:
    client = client_for(mentee)
    url = reverse("meetings:calendar_settings")
    assert "You have no calendar link yet." in text_of(client.get(url))

    first = client.post(url, {"action": "rotate"})
    first_url = first.context["new_url"]
    # Built from SITE_URL, the public address, not from whatever host the request came in on.
    assert first_url.startswith(f"{settings.SITE_URL}/calendar/") and first_url.endswith(".ics")
    feed_path = first_url.removeprefix(settings.SITE_URL)
    assert Client().get(feed_path).status_code == 200
    assert feed_path.split("/")[-1].removesuffix(".ics") not in text_of(client.get(url))  # shown only once

    second = client.post(url)  # the profile's button posts without an action
    assert Client().get(feed_path).status_code == 404
    assert Client().get(second.context["new_url"].removeprefix(settings.SITE_URL)).status_code == 200

    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=mentee).exists()
    assert Client().get(second.context["new_url"].removeprefix(settings.SITE_URL)).status_code == 404


def test_the_profile_page_offers_the_calendar_link(mentee: User) -> None:
    page = text_of(client_for(mentee).get(reverse("profile_detail")))

    assert "Calendar subscription" in page and reverse("meetings:calendar_settings") in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_everyone_manages_only_their_own_calendar_link(cast: Callable[[str], User], persona: str) -> None:
    person = cast(persona)
    client_for(person).post(reverse("meetings:calendar_settings"), {"action": "rotate"})

    assert list(CalendarFeed.objects.values_list("user", flat=True)) == [person.pk]


def test_the_zone_of_a_meeting_is_picked_by_typing(world: World, mentor: User) -> None:
    """Four hundred zones: the schedule and meeting forms mark theirs for the searchable picker."""
    pages = [
        reverse("meetings:schedule", args=[world.relationship.pk]),
        reverse("meetings:series_edit", args=[world.series.pk]),
        reverse("meetings:edit", args=[world.one_off.pk]),
    ]
    for url in pages:
        page = client_for(mentor).get(url).content.decode()
        assert re.search(r'<select name="zone"[^>]*data-picker="zone"', page), url
