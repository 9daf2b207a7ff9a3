"""Pages and the feed cost the same number of SQL queries however many meetings, topics and items there are."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from meetings import services
from meetings.models import Meeting
from meetings.recurrence import Ending
from meetings.tests.conftest import client_for
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    FeedbackFactory,
    MeetingFactory,
    occurrences,
    pair,
    person,
    place,
    schedule_series,
)
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

DT = datetime.datetime


def count_queries(action: Callable[[], object]) -> int:
    # Each page is measured as the first of its minute: the bell's list is read too, not taken from the cache.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def get_ok(client: Client, url: str) -> Callable[[], object]:
    def run() -> object:
        response = client.get(url)
        assert response.status_code == 200
        return response

    return run


# -- the feed ------------------------------------------------------------------------------------------------------


def add_series(relationship: Relationship, how_many: int, start: int) -> None:
    """Series with a moved and a cancelled occurrence each, plus a one-off."""
    for n in range(start, start + how_many):
        series = schedule_series(
            relationship,
            first_date=datetime.date(2027, 1, 11) + datetime.timedelta(days=n % 7),
            start_time=datetime.time(8 + n % 9, 0),
            zone=["Europe/Berlin", "America/New_York", "Australia/Sydney"][n % 3],
            ending=Ending.AFTER_COUNT,
            count=6,
        )
        rows = occurrences(series)
        services.meeting_update(
            meeting=rows[1],
            side="mentee",
            actor=relationship.mentee,
            start_local=DT(2027, 3, 1, 10, 0) + datetime.timedelta(days=n),
            zone="Europe/Berlin",
            duration_minutes=30,
            place=place("in_person", f"Room {n}"),
        )
        services.meeting_cancel(meeting=rows[2], side="mentor", actor=relationship.mentor)
        MeetingFactory(relationship=relationship)


def test_the_feed_costs_the_same_queries_for_2_or_20_series(relationship: Relationship) -> None:
    path = f"/calendar/{services.calendar_feed_rotate(user=relationship.mentee)}.ics"
    client = Client()
    add_series(relationship, 2, start=0)
    few = count_queries(get_ok(client, path))

    add_series(relationship, 18, start=2)
    many = count_queries(get_ok(client, path))

    assert few == many
    assert many <= 5  # the owner, the series, their overrides, the one-offs (+ a savepoint at most)
    assert client.get(path).content.count(b"BEGIN:VEVENT") == 20 * 3 + 20


# -- pages ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def busy(relationship: Relationship, program: Program) -> Callable[[int], None]:
    """Grow the pair's world: more relationships for Mia, more topics, items, goals and feedback."""
    mentee = relationship.mentee
    meeting = occurrences(schedule_series(relationship, ending=Ending.AFTER_COUNT, count=8))[0]
    grown = {"n": 0}

    def grow(times: int) -> None:
        for _ in range(times):
            n = grown["n"] = grown["n"] + 1
            mentor = person(f"mentor{n}@example.com", f"Mentor {n}", zone="Asia/Tokyo")
            other = pair(program, person(f"mentee{n}@example.com", f"Mentee {n}"), mentee) if n % 2 else None
            if other is None:
                other_program = Program.objects.create(name=f"P{n}", slug=f"p{n}", status="running")
                other = pair(other_program, mentee, mentor)
            MeetingFactory(
                relationship=other, start=DT(2027, 1, 5, 9, tzinfo=datetime.UTC) + datetime.timedelta(hours=n)
            )
            ActionItemFactory(relationship=other, owner=mentee, created_by=other.mentor)
            ActionItemFactory(relationship=relationship, owner=mentee, meeting=meeting)
            ActionItemFactory(relationship=relationship, owner=relationship.mentor, meeting=meeting)
            AgendaItemFactory(
                meeting=meeting, author=relationship.mentor if n % 2 else mentee, needs_extra_time=n % 3 == 0
            )
            FeedbackFactory(meeting=MeetingFactory(relationship=relationship), author=relationship.mentor)
            relationship.goals.create(title=f"Goal {n}", category="skills")

    return grow


def test_the_home_page_costs_the_same_however_many_items_and_meetings(
    busy: Callable[[int], None], relationship: Relationship
) -> None:
    client = client_for(relationship.mentee)
    busy(1)
    few = count_queries(get_ok(client, "/"))

    busy(8)
    many = count_queries(get_ok(client, "/"))

    assert few == many


def test_the_meeting_page_costs_the_same_however_many_topics_and_items(
    busy: Callable[[int], None], relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    meeting = Meeting.objects.filter(relationship=relationship, series__isnull=False).order_by("start").first()
    assert meeting is not None
    clock.move_to(meeting.start)  # the wrap-up opens once the meeting has started
    client = client_for(relationship.mentor)
    busy(1)
    few = count_queries(get_ok(client, meeting.get_absolute_url()))
    wrap_few = count_queries(get_ok(client, f"/meetings/{meeting.pk}/wrap-up/"))

    busy(8)
    many = count_queries(get_ok(client, meeting.get_absolute_url()))
    wrap_many = count_queries(get_ok(client, f"/meetings/{meeting.pk}/wrap-up/"))

    assert (few, wrap_few) == (many, wrap_many)
    assert meeting.agenda.count() == 9 and meeting.action_items.count() == 18


def test_the_relationship_page_costs_the_same_however_many_meetings(
    busy: Callable[[int], None], relationship: Relationship, program_admin: User
) -> None:
    url = relationship.get_absolute_url()
    mentee_client, admin_client = client_for(relationship.mentee), client_for(program_admin)
    busy(1)
    few = (count_queries(get_ok(mentee_client, url)), count_queries(get_ok(admin_client, url)))

    busy(8)
    many = (count_queries(get_ok(mentee_client, url)), count_queries(get_ok(admin_client, url)))

    assert few == many
