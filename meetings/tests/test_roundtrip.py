"""Round trip: what a calendar app makes of the feed is exactly what the app itself has, for two years ahead.

The feed is parsed by ``icalendar`` and expanded by ``recurring-ical-events`` (a reader that follows RFC 5545 and
was written by other people), then compared occurrence by occurrence, start, end and cancellation, with the
app's own Meeting rows. Moved, cancelled and edited occurrences, stopped series and one-off meetings are in it,
in zones on both sides of the equator and of the Atlantic.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.test import Client

from meetings import services
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import Ending, Frequency
from meetings.tests.conftest import NOW
from meetings.tests.factories import choice, occurrences, pair, person, place, schedule_once, schedule_series
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

DT = datetime.datetime
D = datetime.date
T = datetime.time
UTC = datetime.UTC
TWO_YEARS = datetime.timedelta(days=731)


class Seen(NamedTuple):
    uid: str
    start: DT
    length: datetime.timedelta
    cancelled: bool


def app_occurrences(user: User, start: DT, end: DT) -> list[Seen]:
    rows = Meeting.objects.filter(start__gte=start, start__lt=end).select_related("series", "relationship")
    mine = [m for m in rows if m.relationship.side_of(user.pk)]
    return sorted(Seen(m.uid, m.start, m.end - m.start, m.status == Meeting.Status.CANCELLED) for m in mine)


def wall_clock_length(event: icalendar.Event) -> datetime.timedelta:
    """How long the reader makes an occurrence, on the clock of the zone it starts in.

    recurring-ical-events adds an event's length on the wall clock (Python's arithmetic on aware datetimes), so
    for a meeting across a clock change its DTEND is off by the change, although the feed writes the exact end
    (see test_feed). On the wall clock its length is the one the feed meant; away from clock changes this is
    the same as comparing the end instants.
    """
    start = event["DTSTART"].dt
    end = event["DTEND"].dt.astimezone(start.tzinfo)
    return end.replace(tzinfo=None) - start.replace(tzinfo=None)


def calendar_occurrences(feed: bytes, start: DT, end: DT) -> list[Seen]:
    calendar = icalendar.Calendar.from_ical(feed)
    # A day of margin on both sides, then the same cut on the start as for the rows.
    margin = datetime.timedelta(days=1)
    seen = []
    for event in recurring_ical_events.of(calendar).between(start - margin, end + margin):
        begins = event["DTSTART"].dt.astimezone(UTC)
        if start <= begins < end:
            seen.append(Seen(str(event["UID"]), begins, wall_clock_length(event), event.get("STATUS") == "CANCELLED"))
    return sorted(seen)


def fetch_feed(user: User) -> bytes:
    response = Client().get(f"/calendar/{services.calendar_feed_rotate(user=user)}.ics")
    assert response.status_code == 200
    return response.content


def extend_rows_to(until: DT) -> None:
    """The app keeps HORIZON ahead; for a two-year comparison the rows must reach two years out."""
    for series in MeetingSeries.objects.all():
        services.series_materialise(series=series, until=until)


def move(meeting: Meeting, start_local: DT, zone: str, minutes: int = 45) -> Meeting:
    relationship = meeting.relationship
    return services.meeting_update(
        meeting=meeting,
        side="mentee",
        actor=relationship.mentee,
        start_local=start_local,
        zone=zone,
        duration_minutes=minutes,
        place=place("in_person", "Room 4.12"),
    )


def cancel(meeting: Meeting) -> None:
    services.meeting_cancel(meeting=meeting, side="mentor", actor=meeting.relationship.mentor)


def assert_round_trip(user: User) -> list[Seen]:
    now = datetime.datetime.now(UTC)
    extend_rows_to(now + TWO_YEARS + datetime.timedelta(days=2))
    expected = app_occurrences(user, now, now + TWO_YEARS)
    actual = calendar_occurrences(fetch_feed(user), now, now + TWO_YEARS)
    assert [item for item in actual if item not in expected] == []
    assert [item for item in expected if item not in actual] == []
    assert actual == expected
    return expected


# -- one zone at a time --------------------------------------------------------------------------------------------

OTHER_ZONE = {
    "Europe/Berlin": "America/New_York",
    "America/New_York": "Australia/Sydney",
    "Australia/Sydney": "Europe/Berlin",
}


@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "Australia/Sydney"])
def test_the_feed_expands_to_exactly_the_apps_occurrences(
    relationship: Relationship, clock: time_machine.Coordinates, zone: str
) -> None:
    mentee = relationship.mentee
    # A weekly series with one occurrence moved (into another zone) and one cancelled.
    weekly = schedule_series(relationship, zone=zone)
    rows = occurrences(weekly)
    move(rows[3], DT(2027, 2, 2, 7, 0), OTHER_ZONE[zone], minutes=30)
    cancel(rows[5])
    cancel(move(rows[8], DT(2027, 3, 10, 18, 0), zone, minutes=20))  # moved, then cancelled after all
    move(rows[30], DT(2027, 8, 10, 12, 0), zone)  # across a clock change from its series' first date
    # Monthly on the 2nd Monday for a fixed number of meetings, then edited: a new time and length.
    monthly = schedule_series(
        relationship, zone=zone, frequency=Frequency.MONTHLY_WEEKDAY, ending=Ending.AFTER_COUNT, count=20
    )
    kept = occurrences(monthly)[4]
    move(kept, DT(2027, 5, 12, 16, 0), zone)
    cancel(occurrences(monthly)[6])
    clock.move_to(DT(2027, 2, 13, 12, 0, tzinfo=UTC))
    services.series_update(
        series=monthly,
        side="mentor",
        actor=relationship.mentor,
        choice=choice(
            zone=zone,
            frequency=Frequency.MONTHLY_WEEKDAY,
            ending=Ending.AFTER_COUNT,
            count=20,
            start_time=T(17, 15),
            duration_minutes=60,
        ),
        place=place("meet", "https://meet.google.com/abc-defg-hij"),
    )
    # A custom rule ending on a date, and one-offs (one moved, one cancelled).
    schedule_series(
        relationship,
        zone=zone,
        frequency=Frequency.CUSTOM,
        custom_rule="FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR",
        first_date=D(2027, 2, 26),
        start_time=T(8, 0),
        ending=Ending.ON_DATE,
        until_date=D(2028, 6, 30),
    )
    schedule_once(relationship, DT(2027, 3, 3, 10, 0), zone=zone)
    move(schedule_once(relationship, DT(2027, 4, 7, 10, 0), zone=zone), DT(2027, 10, 20, 9, 0), zone, minutes=90)
    cancel(schedule_once(relationship, DT(2027, 6, 1, 15, 0), zone=zone))

    seen = assert_round_trip(mentee)

    by_uid = {item.uid for item in seen}
    assert len(by_uid) == 6
    assert sum(item.cancelled for item in seen) == 4
    assert len(seen) > 100
    monthly.refresh_from_db()
    assert monthly.sequence == 1


# -- everything at once, with the awkward cases --------------------------------------------------------------------


def test_one_feed_across_zones_relationships_and_clock_changes(
    relationship: Relationship, program: Program, clock: time_machine.Coordinates
) -> None:
    mentee = relationship.mentee
    # Mia also mentors Sue, who lives in Sydney.
    sue = person("sue@example.com", "Sue Second", zone="Australia/Sydney")
    as_mentor = pair(program, sue, mentee)

    # Sunday 02:30 hits the skipped hour in Sydney (3 October 2027) and the repeated one in April.
    schedule_series(as_mentor, actor=sue, zone="Australia/Sydney", first_date=D(2027, 1, 10), start_time=T(2, 30))
    # The same for Berlin: 28 March 2027 skips 02:30, 31 October repeats it.
    schedule_series(
        relationship, zone="Europe/Berlin", first_date=D(2027, 1, 10), start_time=T(2, 30), frequency=Frequency.BIWEEKLY
    )
    # The last day of every month in New York, late in the evening (the next day in UTC).
    last_day = schedule_series(
        relationship,
        actor=relationship.mentor,
        zone="America/New_York",
        frequency=Frequency.MONTHLY_DAY,
        first_date=D(2027, 1, 31),
        start_time=T(22, 0),
    )
    cancel(occurrences(last_day)[1])
    # A series that started in the past, then was stopped: past rows stay, future ones are cancelled.
    stopped = schedule_series(relationship, zone="Europe/Berlin", first_date=D(2026, 11, 2))
    clock.move_to(NOW + datetime.timedelta(days=10))
    services.series_end(series=stopped, side="mentee", actor=mentee)
    # A series moved to another weekday after one of its occurrences was moved by itself.
    weekly = schedule_series(
        as_mentor, actor=mentee, zone="Australia/Sydney", first_date=D(2027, 1, 20), start_time=T(7, 45)
    )
    move(occurrences(weekly)[2], DT(2027, 2, 4, 20, 0), "Australia/Sydney")
    services.series_update(
        series=weekly,
        side="mentor",
        actor=mentee,
        choice=choice(zone="Australia/Sydney", first_date=D(2027, 1, 21), start_time=T(7, 45)),
        place=place(),
    )
    schedule_once(as_mentor, DT(2027, 4, 4, 2, 30), zone="Australia/Sydney", actor=sue)  # the repeated hour

    seen = assert_round_trip(mentee)

    assert {item.uid for item in seen} >= {last_day.uid, weekly.uid, stopped.uid}
    assert all(item.cancelled for item in seen if item.uid == stopped.uid)
    # The other person in each relationship sees the same occurrences of the meetings they share.
    sue_seen = assert_round_trip(sue)
    assert {item.uid for item in sue_seen} <= {item.uid for item in seen}
