"""The "X planned your meetings" email: the dates in the recipient's own zone, and the series as an .ics file."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import icalendar
import pytest
from django.core import mail

from meetings.recurrence import Ending
from meetings.tests.factories import schedule_once, schedule_series
from mentorship.notifications.models import OutboundEmail
from relationships.models import Relationship

pytestmark = pytest.mark.django_db
DASH = "\N{EN DASH}"


def calendar_of(message: Any) -> icalendar.Calendar:
    (attachment,) = [a for a in message.attachments if a[2] == "text/calendar"]
    name, content, _mimetype = attachment
    assert name.endswith(".ics")
    return icalendar.Calendar.from_ical(content)


def test_a_series_email_lists_dates_in_the_recipients_zone_and_attaches_the_series(
    relationship: Relationship, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    # Mia (Europe/Berlin) plans Mondays 09:30 Berlin time; Marco reads them in America/New_York: 03:30.
    with django_capture_on_commit_callbacks(execute=True):
        schedule_series(relationship, ending=Ending.AFTER_COUNT, count=3)

    (message,) = [m for m in mail.outbox if m.to == [relationship.mentor.email]]
    assert "Mia Mentee planned your meetings" in message.subject
    for day in (f"Monday 11 January 2027, 03:30{DASH}04:15", "Monday 18 January 2027", "Monday 25 January 2027"):
        assert day in message.body
    assert "America/New_York" in message.body and "09:30" not in message.body
    html = message.alternatives[0][0]
    assert f"Monday 11 January 2027, 03:30{DASH}04:15" in html
    events = list(calendar_of(message).walk("VEVENT"))
    assert events and "RRULE" in events[0]
    # The row stores the provider's key and the meeting's id, not the file.
    row = OutboundEmail.objects.get(to=relationship.mentor.email, kind="meeting_scheduled")
    assert row.attachments[0]["provider"] == "meeting_ics" and "content" not in row.attachments[0]


def test_a_one_off_email_gives_its_time_and_file(
    relationship: Relationship, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule_once(relationship, datetime.datetime(2027, 1, 20, 15, 0), actor=relationship.mentor, zone="UTC")

    (message,) = [m for m in mail.outbox if m.to == [relationship.mentee.email]]
    assert f"Wednesday 20 January 2027, 16:00{DASH}17:00" in message.body  # 15:00 UTC is 16:00 in Berlin
    assert "Europe/Berlin" in message.body
    (event,) = calendar_of(message).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(datetime.UTC) == datetime.datetime(2027, 1, 20, 15, tzinfo=datetime.UTC)


def test_a_long_series_lists_a_few_dates_and_says_the_file_has_the_rest(
    relationship: Relationship, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule_series(relationship)  # weekly, never ending

    (message,) = [m for m in mail.outbox if m.to == [relationship.mentor.email]]
    assert message.body.count("2027, 03:30") == 6
    assert "and more, all in the attached calendar file" in message.body
