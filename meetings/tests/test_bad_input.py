"""Dates, rules and titles that once made a 500 (or a flood of rows): each is now a message on its field.

Also the other side of it: rows the forms would refuse, written straight into the database, never take down a
person's calendar feed or the periodic horizon task.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.db.models import Q
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import ScheduleError, validate_rrule
from meetings.tests.conftest import client_for, meetings_state
from meetings.tests.factories import (
    meeting_form,
    occurrences,
    place,
    schedule_form,
    schedule_once,
    schedule_series,
)
from meetings.window import AFTER_END_MARGIN, PAST_LIMIT
from mentorship.accounts.models import User
from relationships.models import Relationship

DT = datetime.datetime


def errors_of(response: Any) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code
    return {field: list(errors) for field, errors in response.context["form"].errors.items()}


def post_schedule(client: Client, relationship: Relationship, **overrides: str) -> Any:
    return client.post(reverse("meetings:schedule", args=[relationship.pk]), schedule_form(**overrides))


# -- the reproductions from the issue ------------------------------------------------------------------------------


def test_a_custom_rule_with_the_60th_monday_is_refused_on_its_field(relationship: Relationship, mentee: User) -> None:
    before = meetings_state()

    response = post_schedule(client_for(mentee), relationship, frequency="custom", custom_rule="FREQ=YEARLY;BYDAY=60MO")

    assert "weekday that does not exist" in " ".join(errors_of(response)["custom_rule"])
    assert meetings_state() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"frequency": "weekly"},
        {"frequency": "once"},
        {"frequency": "custom", "custom_rule": "FREQ=WEEKLY"},
    ],
)
def test_a_start_on_the_last_evening_of_year_9999_is_refused_when_scheduling(
    relationship: Relationship, mentee: User, overrides: dict[str, str]
) -> None:
    before = meetings_state()

    response = post_schedule(
        client_for(mentee),
        relationship,
        first_date="9999-12-31",
        start_time="23:00",
        zone="America/Los_Angeles",
        **overrides,
    )

    assert errors_of(response)["first_date"]
    assert meetings_state() == before


def test_a_start_in_year_9999_is_refused_when_editing_a_series(relationship: Relationship, mentee: User) -> None:
    series = schedule_series(relationship)
    before = meetings_state()

    response = client_for(mentee).post(
        reverse("meetings:series_edit", args=[series.pk]),
        schedule_form(first_date="9999-12-31", start_time="23:00", zone="America/Los_Angeles"),
    )

    assert errors_of(response)["first_date"]
    assert meetings_state() == before


def test_a_start_in_year_9999_is_refused_when_moving_a_meeting(relationship: Relationship, mentee: User) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 20, 15, 0))
    before = meetings_state()

    response = client_for(mentee).post(
        reverse("meetings:edit", args=[meeting.pk]),
        meeting_form(date="9999-12-31", start_time="23:00", zone="America/Los_Angeles"),
    )

    assert "Pick a day up to" in " ".join(errors_of(response)["date"])
    assert meetings_state() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ending": "on_date", "until_date": "9999-12-31"}, "until_date"),
        ({"first_date": "0001-01-01"}, "first_date"),
        ({"first_date": "0001-01-01", "frequency": "once"}, "first_date"),
        ({"ending": "after_count", "count": "1000"}, "count"),
        ({"frequency": "custom", "custom_rule": "FREQ=WEEKLY;UNTIL=99991231"}, "custom_rule"),
        ({"frequency": "custom", "custom_rule": "FREQ=YEARLY;INTERVAL=50;COUNT=3", "first_date": "2027-01-11"}, ""),
    ],
)
def test_dates_beyond_the_window_are_refused_before_anything_is_written(
    relationship: Relationship, mentee: User, overrides: dict[str, str], field: str
) -> None:
    before = meetings_state()
    started = time.perf_counter()

    response = post_schedule(client_for(mentee), relationship, **overrides)

    assert time.perf_counter() - started < 5
    errors = errors_of(response)
    assert errors[field] if field else errors
    assert meetings_state() == before


def test_the_window_reaches_three_months_back_and_two_years_past_the_planned_end(
    relationship: Relationship, mentee: User
) -> None:
    today = datetime.date(2027, 1, 4)
    client = client_for(mentee)
    too_early = today - PAST_LIMIT - datetime.timedelta(days=1)
    latest = relationship.planned_end_on + AFTER_END_MARGIN

    early = post_schedule(client, relationship, frequency="once", first_date=too_early.isoformat())
    late = post_schedule(
        client, relationship, frequency="once", first_date=(latest + datetime.timedelta(1)).isoformat()
    )
    first = post_schedule(client, relationship, frequency="once", first_date=(today - PAST_LIMIT).isoformat())
    last = post_schedule(client, relationship, frequency="once", first_date=latest.isoformat())

    assert "at most three months back" in errors_of(early)["first_date"][0]
    assert "two years after the relationship's planned end" in errors_of(late)["first_date"][0]
    assert first.status_code == last.status_code == 302
    assert Meeting.objects.count() == 2


def test_the_date_pickers_offer_only_the_window(relationship: Relationship, mentee: User) -> None:
    page = client_for(mentee).get(reverse("meetings:schedule", args=[relationship.pk])).content.decode()
    latest = relationship.planned_end_on + AFTER_END_MARGIN

    assert 'min="2026-10-04"' in page and f'max="{latest.isoformat()}"' in page


def test_a_weekly_series_from_year_1_writes_nothing_and_a_stray_row_writes_a_bounded_number(
    relationship: Relationship, mentee: User
) -> None:
    response = post_schedule(client_for(mentee), relationship, first_date="0001-01-01")
    assert errors_of(response)["first_date"]
    assert not Meeting.objects.exists()

    # The same series written around the forms: the horizon task writes at most two horizons of weeks.
    series = schedule_series(relationship)
    MeetingSeries.objects.filter(pk=series.pk).update(first_date=datetime.date(1, 1, 1), materialised_until=None)
    Meeting.objects.all().delete()

    services.horizon_extend()

    assert 0 < Meeting.objects.count() <= 2 * services.HORIZON.days // 7 + 2


def test_a_title_with_a_line_break_gives_a_calendar_file_with_one_line(
    relationship: Relationship, mentee: User
) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 20, 15, 0), where=place(title="Catch-up\r\nBEGIN:VEVENT"))

    response = client_for(mentee).get(reverse("meetings:ics", args=[meeting.pk]))

    assert response.status_code == 200
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Catch-up BEGIN:VEVENT")
    assert response.content.split(b"\r\n").count(b"BEGIN:VEVENT") == 1


# -- stored rows the forms would refuse ----------------------------------------------------------------------------

CORRUPT = {
    "year 1": {"first_date": datetime.date(1, 1, 1)},
    "ends in 9999": {"rrule": "FREQ=WEEKLY;BYDAY=MO;UNTIL=99991231T235959Z"},
    "60th Monday": {"rrule": "FREQ=YEARLY;BYDAY=60MO"},
    "unknown zone": {"zone": "Mars/Olympus_Mons"},
    "9999 evening": {
        "first_date": datetime.date(9999, 12, 31),
        "start_time": datetime.time(23),
        "zone": "America/Los_Angeles",
    },
}


@pytest.mark.parametrize("damage", list(CORRUPT.values()), ids=list(CORRUPT))
def test_one_broken_series_leaves_both_feeds_and_the_other_files_working(
    relationship: Relationship, mentee: User, mentor: User, damage: dict[str, Any]
) -> None:
    broken = schedule_series(relationship, place=place(title="Broken"))
    healthy = schedule_series(relationship, first_date=datetime.date(2027, 1, 12), place=place(title="Healthy"))
    one_off = schedule_once(relationship, DT(2027, 1, 20, 15, 0))
    MeetingSeries.objects.filter(pk=broken.pk).update(**damage)
    paths = [f"/calendar/{services.calendar_feed_rotate(user=person)}.ics" for person in (mentee, mentor)]

    for path in paths:
        started = time.perf_counter()
        response = Client().get(path)
        assert time.perf_counter() - started < 5
        assert response.status_code == 200
        uids = {str(event["UID"]) for event in Calendar.from_ical(response.content).walk("VEVENT")}
        assert uids == {healthy.uid, one_off.uid}

    client = client_for(mentee)
    assert client.get(reverse("meetings:series_ics", args=[healthy.pk])).status_code == 200
    assert client.get(reverse("meetings:ics", args=[one_off.pk])).status_code == 200
    refused = client.get(reverse("meetings:series_ics", args=[broken.pk]), follow=True)
    assert refused.status_code == 200
    assert "cannot be made" in refused.content.decode()
    assert client.get(relationship.get_absolute_url()).status_code == 200


def test_the_horizon_task_skips_a_broken_series_and_extends_the_others(relationship: Relationship) -> None:
    broken = schedule_series(relationship)
    healthy = schedule_series(relationship, first_date=datetime.date(2027, 1, 12))
    MeetingSeries.objects.filter(pk=broken.pk).update(rrule="FREQ=YEARLY;BYDAY=60MO", materialised_until=None)
    MeetingSeries.objects.filter(pk=healthy.pk).update(materialised_until=None)
    Meeting.objects.filter(series=healthy).delete()

    services.horizon_extend()

    assert occurrences(healthy)


# -- any custom rule: a sentence, never a crash ---------------------------------------------------------------------

RULE_PARTS = st.fixed_dictionaries(
    {"FREQ": st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"])},
    optional={
        "INTERVAL": st.integers(-2, 120).map(str),
        "COUNT": st.integers(-2, 2000).map(str),
        "BYDAY": st.lists(
            st.tuples(
                st.sampled_from(["", "1", "-1", "5", "6", "53", "60", "-60", "0", "+2"]),
                st.sampled_from(["MO", "FR", "XX"]),
            ),
            min_size=1,
            max_size=3,
        ).map(lambda items: ",".join(n + d for n, d in items)),
        "BYMONTHDAY": st.sampled_from(["1", "31", "-1", "0", "40", "-32", "15,30"]),
        "BYMONTH": st.sampled_from(["1", "2", "12", "13", "0"]),
        "BYSETPOS": st.sampled_from(["1", "-1", "400", "0"]),
        "UNTIL": st.sampled_from(["20270301", "99991231", "00010101", "20270301T000000Z", "19000101"]),
        "WKST": st.sampled_from(["MO", "SU", "XX"]),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=RULE_PARTS, first=st.dates(datetime.date(2026, 1, 1), datetime.date(2028, 12, 31)))
def test_any_custom_rule_is_accepted_or_refused_with_a_sentence_quickly(
    parts: dict[str, str], first: datetime.date
) -> None:
    rule = ";".join(f"{key}={value}" for key, value in parts.items())
    started = time.perf_counter()
    try:
        validate_rrule(rule, DT.combine(first, datetime.time(9)), "Europe/Berlin")
    except ScheduleError as exc:
        assert exc.message.endswith(".")
    assert time.perf_counter() - started < 3


def test_meetings_written_before_the_limits_still_list_and_wrap_up(relationship: Relationship, mentee: User) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 20, 15, 0))
    Meeting.objects.filter(pk=meeting.pk).update(
        start=DT(1, 1, 2, 9, tzinfo=datetime.UTC), end=DT(1, 1, 2, 10, tzinfo=datetime.UTC)
    )
    client = client_for(mentee)

    assert client.get(meeting.get_absolute_url()).status_code == 200
    assert client.get(relationship.get_absolute_url()).status_code == 200
    assert Meeting.objects.filter(Q(pk=meeting.pk)).exists()


def test_a_series_that_began_long_ago_can_still_be_edited(relationship: Relationship, mentee: User, clock: Any) -> None:
    series = schedule_series(relationship, first_date=datetime.date(2027, 1, 11))
    clock.move_to(DT(2027, 9, 6, 8, 0, tzinfo=datetime.UTC))  # eight months later

    response = client_for(mentee).post(
        reverse("meetings:series_edit", args=[series.pk]),
        schedule_form(first_date="2027-01-11", start_time="10:00", frequency="weekly"),
    )

    assert response.status_code == 302
    series.refresh_from_db()
    assert series.start_time == datetime.time(10, 0)
