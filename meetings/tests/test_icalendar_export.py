"""ICS output: parsed back with icalendar and checked against what calendar apps rely on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from meetings.icalendar_export import (
    OPEN_ENDED_YEARS,
    PRODID,
    EventStatus,
    MeetingEvent,
    OccurrenceOverride,
    SeriesEvent,
    calendar_for_meeting,
    calendar_for_series,
    feed_calendar,
)
from meetings.recurrence import ScheduleError, expand

NOW = datetime(2026, 2, 1, 12, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")


def series(**changes) -> SeriesEvent:
    values = {
        "uid": "series-7@mentorship.example",
        "summary": "Mentoring: Ana & Ben",
        "rrule": "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231T225959Z",
        "dtstart_local": datetime(2026, 3, 10, 9),
        "zone": "Europe/Berlin",
        "duration": timedelta(minutes=45),
        "sequence": 2,
        "description": "Monthly check-in; bring one question.",
        "location": "https://acme.zoom.us/j/123",
        "url": "https://mentorship.example/meetings/series/7/",
        "conference_url": "https://acme.zoom.us/j/123",
    }
    values.update(changes)
    return SeriesEvent(**values)


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def masters(calendar: Calendar) -> list[Event]:
    return [event for event in calendar.events if "RECURRENCE-ID" not in event]


def overrides(calendar: Calendar) -> list[Event]:
    return [event for event in calendar.events if "RECURRENCE-ID" in event]


def test_series_calendar_headers_and_master() -> None:
    data = calendar_for_series(series(), now=NOW)
    calendar = parse(data)
    assert calendar["PRODID"] == PRODID
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Mentoring: Ana & Ben"
    (master,) = calendar.events
    assert master["UID"] == "series-7@mentorship.example"
    assert master["SEQUENCE"] == 2
    assert master["STATUS"] == "CONFIRMED"
    assert master["URL"] == "https://mentorship.example/meetings/series/7/"
    assert master["LOCATION"] == "https://acme.zoom.us/j/123"
    assert master["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert master["DTEND"].params["TZID"] == "Europe/Berlin"
    assert master.start == datetime(2026, 3, 10, 9, tzinfo=BERLIN)
    assert master.end - master.start == timedelta(minutes=45)
    assert master["DTSTAMP"].dt == NOW
    # The join link and the page are repeated in the description for apps that ignore URL and CONFERENCE.
    assert "https://acme.zoom.us/j/123" in master["DESCRIPTION"]
    assert "https://mentorship.example/meetings/series/7/" in master["DESCRIPTION"]
    assert b"CONFERENCE;FEATURE=VIDEO;VALUE=URI:https://acme.zoom.us/j/123" in data


def test_until_is_written_in_utc() -> None:
    data = calendar_for_series(series(), now=NOW)
    rrule_line = next(line for line in data.decode().splitlines() if line.startswith("RRULE:"))
    until = next(part for part in rrule_line[len("RRULE:") :].split(";") if part.startswith("UNTIL="))
    assert until == "UNTIL=20261231T225959Z"
    # Stored rules with a local UNTIL (older data) are converted on the way out.
    legacy = calendar_for_series(series(rrule="FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231"), now=NOW)
    assert b"UNTIL=20261231T225959Z" in legacy


def test_every_used_zone_has_a_vtimezone_before_the_events() -> None:
    moved = OccurrenceOverride(
        recurrence_id=datetime(2026, 5, 12, 9), start_local=datetime(2026, 5, 12, 10), zone="America/New_York"
    )
    calendar = parse(calendar_for_series(series(overrides=(moved,)), now=NOW))
    assert calendar.get_missing_tzids() == set()
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["America/New_York", "Europe/Berlin"]
    kinds = [component.name for component in calendar.subcomponents]
    assert kinds == ["VTIMEZONE", "VTIMEZONE", "VEVENT", "VEVENT"]


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Sao_Paulo"])
def test_vtimezone_transitions_match_zoneinfo(zone: str) -> None:
    # icalendar writes spring-forward onsets an hour late; the export corrects them. Read the VTIMEZONE back
    # the way a strict client does and compare every change with zoneinfo.
    long_series = series(zone=zone, dtstart_local=datetime(2016, 1, 5, 9), rrule="FREQ=WEEKLY;BYDAY=TU")
    calendar = parse(calendar_for_series(long_series, now=NOW))
    (vtimezone,) = calendar.timezones
    times, infos = vtimezone.get_transitions()
    zi = ZoneInfo(zone)
    changes = 0
    for moment, (offset_to, _dst, _name) in zip(times, infos, strict=True):
        instant = moment.replace(tzinfo=UTC)
        before = (instant - timedelta(seconds=1)).astimezone(zi).utcoffset()
        if before == offset_to:
            continue  # the opening observance of the covered range, not a change
        assert instant.astimezone(zi).utcoffset() == offset_to, moment
        changes += 1
    assert changes > 0
    assert max(times).year >= NOW.year + OPEN_ENDED_YEARS - 1 or zone == "America/Sao_Paulo"


def test_cancelled_and_moved_occurrences_are_overrides_in_the_masters_zone() -> None:
    cancelled = OccurrenceOverride.cancelled(datetime(2026, 6, 9, 7, tzinfo=UTC), sequence=1)  # 09:00 CEST
    moved = OccurrenceOverride(
        recurrence_id=datetime(2026, 7, 14, 9),
        start_local=datetime(2026, 7, 15, 10),
        zone="America/New_York",
        sequence=5,
        summary="Mentoring (moved)",
    )
    calendar = parse(calendar_for_series(series(overrides=(moved, cancelled)), now=NOW))
    (master,) = masters(calendar)
    first, second = overrides(calendar)  # ordered by occurrence

    assert first["UID"] == second["UID"] == master["UID"]
    assert first["STATUS"] == "CANCELLED"
    assert first["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert first["RECURRENCE-ID"].dt == datetime(2026, 6, 9, 9, tzinfo=BERLIN)
    assert first["SEQUENCE"] == 2  # never below the master's

    assert second["STATUS"] == "CONFIRMED"
    assert second["SUMMARY"] == "Mentoring (moved)"
    assert second["SEQUENCE"] == 5
    # The occurrence is named in the master's zone even though it now happens in New York.
    assert second["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert second["RECURRENCE-ID"].dt == datetime(2026, 7, 14, 9, tzinfo=BERLIN)
    assert second["DTSTART"].params["TZID"] == "America/New_York"
    assert second.start == datetime(2026, 7, 15, 10, tzinfo=ZoneInfo("America/New_York"))
    assert second.end - second.start == timedelta(minutes=45)


def test_exdates_are_written_in_the_masters_zone_unless_an_override_describes_them() -> None:
    data = calendar_for_series(
        series(
            exdates=(datetime(2026, 4, 14, 9), datetime(2026, 9, 8, 7, tzinfo=UTC), datetime(2026, 6, 9, 9)),
            overrides=(OccurrenceOverride.cancelled(datetime(2026, 6, 9, 9)),),
        ),
        now=NOW,
    )
    assert b"EXDATE;TZID=Europe/Berlin:20260414T090000,20260908T090000\r\n" in data
    assert len(masters(parse(data))) == 1
    assert len(overrides(parse(data))) == 1


def test_recurrence_ids_name_real_occurrences() -> None:
    # Parse the rule and start back out of the file and expand them: the override must hit an occurrence.
    cancelled = OccurrenceOverride.cancelled(datetime(2026, 10, 13, 9))
    calendar = parse(calendar_for_series(series(overrides=(cancelled,)), now=NOW))
    (master,) = masters(calendar)
    (override,) = overrides(calendar)
    rule = master["RRULE"].to_ical().decode()
    start = master.start
    occurrences = expand(
        rule,
        start.replace(tzinfo=None),
        start.tzinfo.key,
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert len(occurrences) == 10
    assert override["RECURRENCE-ID"].dt.astimezone(UTC) in occurrences


def test_output_is_stable() -> None:
    override = OccurrenceOverride.cancelled(datetime(2026, 6, 9, 9))
    first = calendar_for_series(series(overrides=(override,)), now=NOW)
    second = calendar_for_series(series(overrides=(override,)), now=NOW)
    assert first == second


def test_one_off_meeting() -> None:
    meeting = MeetingEvent(
        uid="meeting-3@mentorship.example",
        summary="Kick-off",
        start_local=datetime(2026, 3, 2, 15, 30),
        zone="America/Sao_Paulo",
        duration=timedelta(minutes=60),
        sequence=1,
        url="https://mentorship.example/meetings/3/",
        location="Room 4.12",
        stamp=datetime(2026, 1, 20, 8, tzinfo=UTC),
    )
    calendar = parse(calendar_for_meeting(meeting, now=NOW))
    (event,) = calendar.events
    assert "RRULE" not in event
    assert event["DTSTART"].params["TZID"] == "America/Sao_Paulo"
    assert event.start.astimezone(UTC) == datetime(2026, 3, 2, 18, 30, tzinfo=UTC)
    assert event["SEQUENCE"] == 1
    assert event["DTSTAMP"].dt == datetime(2026, 1, 20, 8, tzinfo=UTC)
    assert event["LAST-MODIFIED"].dt == datetime(2026, 1, 20, 8, tzinfo=UTC)
    assert [tz.tz_name for tz in calendar.timezones] == ["America/Sao_Paulo"]


def test_end_in_the_repeated_hour_is_written_in_utc() -> None:
    # 01:30 CEST + 90 minutes is 02:00 CET, a wall-clock time that happens twice: only UTC says which.
    meeting = MeetingEvent(
        uid="m@x",
        summary="Late",
        start_local=datetime(2026, 10, 25, 1, 30),
        zone="Europe/Berlin",
        duration=timedelta(minutes=90),
    )
    (event,) = parse(calendar_for_meeting(meeting, now=NOW)).events
    assert event["DTEND"].dt == datetime(2026, 10, 25, 1, 0, tzinfo=UTC)
    assert event.end - event.start == timedelta(minutes=90)


def test_cancelled_one_off() -> None:
    meeting = MeetingEvent(
        uid="m@x",
        summary="Off",
        start_local=datetime(2026, 3, 2, 9),
        zone="Asia/Kolkata",
        duration=timedelta(hours=1),
        status=EventStatus.CANCELLED,
        sequence=3,
    )
    (event,) = parse(calendar_for_meeting(meeting, now=NOW)).events
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == 3


def test_feed_holds_series_and_one_offs() -> None:
    other = series(uid="series-8@mentorship.example", zone="Australia/Sydney", rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=5")
    meeting = MeetingEvent(
        uid="meeting-3@mentorship.example",
        summary="Kick-off",
        start_local=datetime(2026, 3, 2, 15, 30),
        zone="Asia/Kolkata",
        duration=timedelta(minutes=60),
    )
    data = feed_calendar("Ana's mentoring", [other, series()], [meeting], now=NOW)
    calendar = parse(data)
    assert calendar["X-WR-CALNAME"] == "Ana's mentoring"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in data
    assert [str(event["UID"]) for event in calendar.events] == [
        "series-7@mentorship.example",
        "series-8@mentorship.example",
        "meeting-3@mentorship.example",
    ]
    assert sorted(tz.tz_name for tz in calendar.timezones) == ["Asia/Kolkata", "Australia/Sydney", "Europe/Berlin"]
    assert calendar.get_missing_tzids() == set()


def test_empty_feed_is_a_valid_calendar() -> None:
    calendar = parse(feed_calendar("Nothing yet", [], [], now=NOW))
    assert calendar.events == []
    assert calendar["METHOD"] == "PUBLISH"


def test_feed_refuses_duplicate_uids() -> None:
    with pytest.raises(ValueError, match="UID"):
        feed_calendar("x", [series(), series()], [], now=NOW)


def test_two_overrides_for_one_occurrence_are_refused() -> None:
    twice = (
        OccurrenceOverride.cancelled(datetime(2026, 6, 9, 9)),
        OccurrenceOverride.cancelled(datetime(2026, 6, 9, 7, tzinfo=UTC)),
    )
    with pytest.raises(ValueError, match="same occurrence"):
        calendar_for_series(series(overrides=twice), now=NOW)


def test_moved_into_a_nonexistent_time_is_refused() -> None:
    moved = OccurrenceOverride(recurrence_id=datetime(2026, 3, 10, 9), start_local=datetime(2026, 3, 29, 2, 30))
    with pytest.raises(ScheduleError) as caught:
        calendar_for_series(series(overrides=(moved,)), now=NOW)
    assert caught.value.code == "nonexistent_local_time"


def test_naive_now_and_aware_start_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar_for_series(series(), now=datetime(2026, 2, 1))
    with pytest.raises(ValueError, match="naive"):
        calendar_for_series(series(dtstart_local=datetime(2026, 3, 10, 9, tzinfo=BERLIN)), now=NOW)
