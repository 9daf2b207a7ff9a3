"""Calendar files and the personal subscription feed, read back with the icalendar library."""

from __future__ import annotations

import datetime

import pytest
import recurring_ical_events
import time_machine
from django.test import Client
from django.urls import reverse
from icalendar import Calendar, Event

from meetings import services
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import Ending, Frequency
from meetings.tests.conftest import client_for
from meetings.tests.factories import choice, occurrences, pair, person, place, schedule_once, schedule_series
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

DT = datetime.datetime
UTC = datetime.UTC


def subscribe(user: User) -> str:
    return f"/calendar/{services.calendar_feed_rotate(user=user)}.ics"


def fetch(path: str) -> Calendar:
    response = Client().get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict[str, list[Event]]:
    found: dict[str, list[Event]] = {}
    for event in calendar.walk("VEVENT"):
        found.setdefault(str(event["UID"]), []).append(event)
    return found


def master(calendar: Calendar, uid: str) -> Event:
    return next(e for e in events_by_uid(calendar)[uid] if "RECURRENCE-ID" not in e)


def override(calendar: Calendar, uid: str, recurrence_id: DT) -> Event:
    return next(
        e
        for e in events_by_uid(calendar)[uid]
        if "RECURRENCE-ID" in e and e["RECURRENCE-ID"].dt.astimezone(UTC) == recurrence_id
    )


# -- who gets a feed -----------------------------------------------------------------------------------------------


def test_the_feed_needs_no_sign_in_and_is_never_cached(relationship: Relationship) -> None:
    schedule_series(relationship)
    path = subscribe(relationship.mentee)

    response = Client().get(path)

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert b"BEGIN:VCALENDAR" in response.content


@pytest.mark.parametrize("token", ["", "x", "not-a-real-token", "A" * 43, "../../etc/passwd", "%00"])
def test_a_wrong_token_gets_404(relationship: Relationship, token: str) -> None:
    services.calendar_feed_rotate(user=relationship.mentee)

    assert Client().get(f"/calendar/{token}.ics").status_code == 404


def test_a_rotated_token_gets_404_and_the_new_one_works(relationship: Relationship) -> None:
    old = subscribe(relationship.mentee)
    new = subscribe(relationship.mentee)

    assert Client().get(old).status_code == 404
    assert Client().get(new).status_code == 200


def test_a_deactivated_account_loses_its_feed(relationship: Relationship) -> None:
    path = subscribe(relationship.mentor)
    relationship.mentor.is_active = False
    relationship.mentor.save(update_fields=["is_active"])

    assert Client().get(path).status_code == 404


def test_the_feed_url_is_not_the_stored_secret(relationship: Relationship) -> None:
    path = subscribe(relationship.mentee)
    token = path.removeprefix("/calendar/").removesuffix(".ics")

    stored = relationship.mentee.calendar_feed.token_hash
    assert token not in stored and Client().get(f"/calendar/{stored}.ics").status_code == 404


def test_a_feed_holds_my_meetings_and_nobody_elses(
    relationship: Relationship, other_relationship: Relationship, program: Program, mentee: User
) -> None:
    mine = schedule_series(relationship)
    my_one_off = schedule_once(relationship, DT(2027, 2, 3, 12, 0))
    theirs = schedule_series(other_relationship, zone="Australia/Sydney")
    their_one_off = schedule_once(other_relationship, DT(2027, 2, 3, 12, 0))
    # Mia also mentors someone; those meetings are hers too.
    as_mentor = pair(program, person("sue@example.com", "Sue Second"), mentee)
    mentoring = schedule_series(as_mentor, actor=mentee, first_date=datetime.date(2027, 1, 12))

    uids = set(events_by_uid(fetch(subscribe(mentee))))

    assert uids == {mine.uid, my_one_off.uid, mentoring.uid}
    assert theirs.uid not in uids and their_one_off.uid not in uids
    assert set(events_by_uid(fetch(subscribe(other_relationship.mentee)))) == {theirs.uid, their_one_off.uid}


def test_both_people_get_the_same_events(relationship: Relationship) -> None:
    schedule_series(relationship, zone="Australia/Sydney", start_time=datetime.time(18, 0))
    schedule_once(relationship, DT(2027, 2, 3, 12, 0))

    mentee_feed = fetch(subscribe(relationship.mentee))
    mentor_feed = fetch(subscribe(relationship.mentor))

    assert [e.to_ical() for e in mentee_feed.walk("VEVENT")] == [e.to_ical() for e in mentor_feed.walk("VEVENT")]


# -- what the events say -------------------------------------------------------------------------------------------


def test_a_series_is_written_in_its_own_zone_with_until_in_utc(relationship: Relationship) -> None:
    series = schedule_series(relationship, ending=Ending.ON_DATE, until_date=datetime.date(2027, 12, 20))

    calendar = fetch(subscribe(relationship.mentor))  # the mentor lives in New York; the series is in Berlin

    event = master(calendar, series.uid)
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event["DTSTART"].dt.replace(tzinfo=None) == DT(2027, 1, 11, 9, 30)
    assert event["DTEND"].dt - event["DTSTART"].dt == datetime.timedelta(minutes=45)
    rule = event["RRULE"].to_ical().decode()
    assert rule == "FREQ=WEEKLY;UNTIL=20271220T225959Z;BYDAY=MO"
    assert {tz["TZID"] for tz in calendar.walk("VTIMEZONE")} == {"Europe/Berlin"}
    assert "https://acme.zoom.us/j/1234567890" in str(event["DESCRIPTION"])


def test_uids_are_stable_and_sequence_rises_with_each_change(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    one_off = schedule_once(relationship, DT(2027, 2, 3, 12, 0))
    path = subscribe(relationship.mentee)
    first = fetch(path)
    assert (master(first, series.uid)["SEQUENCE"], master(first, one_off.uid)["SEQUENCE"]) == (0, 0)
    assert series.uid == f"series-{series.pk}@mentorship" and one_off.uid == f"meeting-{one_off.pk}@mentorship"

    second_occurrence = occurrences(series)[1]
    services.meeting_update(
        meeting=second_occurrence,
        side="mentee",
        actor=relationship.mentee,
        start_local=DT(2027, 1, 19, 17, 0),
        zone="Europe/Berlin",
        duration_minutes=45,
        place=place(),
    )
    services.meeting_update(
        meeting=one_off,
        side="mentor",
        actor=relationship.mentor,
        start_local=DT(2027, 2, 4, 12, 0),
        zone="Europe/Berlin",
        duration_minutes=30,
        place=place(),
    )
    moved = fetch(path)
    assert master(moved, series.uid)["SEQUENCE"] == 0
    assert override(moved, series.uid, second_occurrence.original_start)["SEQUENCE"] == 1
    assert master(moved, one_off.uid)["SEQUENCE"] == 1

    services.series_update(
        series=series,
        side="mentor",
        actor=relationship.mentor,
        choice=choice(start_time=datetime.time(10, 0)),
        place=place(),
    )
    services.meeting_cancel(meeting=one_off, side="mentee", actor=relationship.mentee)
    edited = fetch(path)
    assert master(edited, series.uid)["SEQUENCE"] == 1
    assert master(edited, series.uid)["DTSTART"].dt.replace(tzinfo=None) == DT(2027, 1, 11, 10, 0)
    # An override may never fall behind its master, or calendars drop it.
    assert override(edited, series.uid, second_occurrence.original_start)["SEQUENCE"] >= 1
    assert master(edited, one_off.uid)["SEQUENCE"] == 2
    assert master(edited, one_off.uid)["STATUS"] == "CANCELLED"
    assert set(events_by_uid(edited)) == {series.uid, one_off.uid}


def test_a_cancelled_occurrence_is_marked_cancelled_with_its_recurrence_id(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    third = occurrences(series)[2]
    services.meeting_cancel(meeting=third, side="mentor", actor=relationship.mentor)

    calendar = fetch(subscribe(relationship.mentee))

    event = override(calendar, series.uid, third.original_start)
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 1
    assert event["RECURRENCE-ID"].params["TZID"] == "Europe/Berlin"
    assert event["RECURRENCE-ID"].dt.replace(tzinfo=None) == DT(2027, 1, 25, 9, 30)


def test_a_moved_occurrence_keeps_its_original_recurrence_id(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    second = occurrences(series)[1]
    services.meeting_update(
        meeting=second,
        side="mentor",
        actor=relationship.mentor,
        start_local=DT(2027, 1, 19, 11, 0),
        zone="America/New_York",
        duration_minutes=60,
        place=place("in_person", "Lobby"),
    )

    event = override(fetch(subscribe(relationship.mentee)), series.uid, second.original_start)

    assert event["RECURRENCE-ID"].dt.replace(tzinfo=None) == DT(2027, 1, 18, 9, 30)
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].dt.astimezone(UTC) == DT(2027, 1, 19, 16, 0, tzinfo=UTC)
    assert event["DTEND"].dt - event["DTSTART"].dt == datetime.timedelta(minutes=60)
    assert str(event["LOCATION"]) == "Lobby"


def test_a_stopped_series_shows_nothing_beyond_its_end(
    relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    series = schedule_series(relationship)
    clock.move_to(DT(2027, 1, 20, tzinfo=UTC))
    services.series_end(series=series, side="mentee", actor=relationship.mentee)

    calendar = fetch(subscribe(relationship.mentee))
    shown = recurring_ical_events.of(calendar).between(DT(2027, 1, 1, tzinfo=UTC), DT(2030, 1, 1, tzinfo=UTC))

    confirmed = sorted(e["DTSTART"].dt.astimezone(UTC) for e in shown if e.get("STATUS") != "CANCELLED")
    assert confirmed == [DT(2027, 1, 11, 8, 30, tzinfo=UTC), DT(2027, 1, 18, 8, 30, tzinfo=UTC)]
    cancelled = [e for e in shown if e.get("STATUS") == "CANCELLED"]
    assert len(cancelled) == series.meetings.filter(status=Meeting.Status.CANCELLED).count()


# -- .ics downloads ------------------------------------------------------------------------------------------------


def test_a_one_off_downloads_as_a_single_event(relationship: Relationship) -> None:
    meeting = schedule_once(relationship, DT(2027, 7, 1, 9, 30), zone="Australia/Sydney")

    response = client_for(relationship.mentee).get(reverse("meetings:ics", args=[meeting.pk]))

    assert response["Content-Disposition"] == f'attachment; filename="mentoring-meeting-{meeting.pk}.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert event["DTSTART"].params["TZID"] == "Australia/Sydney"
    assert event["DTSTART"].dt.astimezone(UTC) == meeting.start
    assert "RRULE" not in event


def test_an_occurrence_downloads_as_its_whole_series(relationship: Relationship) -> None:
    series = schedule_series(relationship, frequency=Frequency.MONTHLY_WEEKDAY)
    services.meeting_cancel(meeting=occurrences(series)[1], side="mentee", actor=relationship.mentee)
    client = client_for(relationship.mentor)

    via_meeting = client.get(reverse("meetings:ics", args=[occurrences(series)[0].pk])).content
    via_series = client.get(reverse("meetings:series_ics", args=[series.pk])).content

    assert events_by_uid(Calendar.from_ical(via_meeting)).keys() == {series.uid}
    assert [e.to_ical() for e in Calendar.from_ical(via_meeting).walk("VEVENT")] == [
        e.to_ical() for e in Calendar.from_ical(via_series).walk("VEVENT")
    ]
    assert len(events_by_uid(Calendar.from_ical(via_series))[series.uid]) == 2  # the master and the cancellation


def test_no_series_means_an_empty_but_valid_feed(mentee: User) -> None:
    calendar = fetch(subscribe(mentee))

    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"
    assert not MeetingSeries.objects.exists()


def test_a_meeting_across_a_clock_change_ends_at_its_exact_instant(relationship: Relationship) -> None:
    # 02:30 on 4 April 2027 happens twice in Sydney; the meeting is the first pass and lasts one real hour.
    meeting = schedule_once(relationship, DT(2027, 4, 4, 2, 30), zone="Australia/Sydney", duration_minutes=60)

    event = master(fetch(subscribe(relationship.mentee)), meeting.uid)

    assert event["DTSTART"].dt.astimezone(UTC) == meeting.start == DT(2027, 4, 3, 15, 30, tzinfo=UTC)
    assert event["DTEND"].dt.astimezone(UTC) == meeting.end == DT(2027, 4, 3, 16, 30, tzinfo=UTC)
