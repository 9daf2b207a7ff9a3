"""A reminder held up (a crashed worker, a mail server away) is never lost without a trace.

While the meeting is still ahead it goes out late and says how much time is really left; once the meeting has
begun it is recorded as missed with the reason, shown in the Django admin and counted in the weekly digest.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from insights.digests import admin_digests_due
from meetings import reminders as meeting_reminders
from mentorship.accounts.models import User
from mentorship.accounts.tests.factories import UserFactory
from mentorship.notifications.models import Kind, OutboundEmail
from mentorship.notifications.tasks import flush_outbox
from relationships.models import Relationship
from tests.reminders.test_reminders import meeting_at, sent_to

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
START = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=UTC)  # an hour after the clock's "now": the hour reminder is due


@pytest.fixture
def queued(clock: Any, relationship: Relationship) -> list[OutboundEmail]:
    """The one-hour reminders of a meeting at START, queued on time and then held up (nothing flushes them)."""
    meeting_at(relationship, START)
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 2
    return list(OutboundEmail.objects.filter(kind=Kind.MEETING_REMINDER).order_by("to"))


def test_held_up_past_the_start_it_is_recorded_missed_with_the_reason(
    clock: Any, queued: list[OutboundEmail], program_admin: User
) -> None:
    clock.move_to(START + datetime.timedelta(minutes=1))
    flush_outbox()
    flush_outbox()
    assert mail.outbox == []
    for row in queued:
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.MISSED
        assert row.attempts == 1
        assert row.last_error == (
            "The meeting began at 2027-01-04 09:00 UTC before this reminder, due 60 minutes before it, could be "
            "sent (it was tried at 2027-01-04 09:01 UTC)."
        )

    # The administrators see it in the weekly digest ...
    assert admin_digests_due().emails_created == 1
    flush_outbox()
    [digest] = sent_to(program_admin.email)
    assert "Meeting reminders that could not be sent before their meeting (last seven days): 2" in digest.body

    # ... and an operator in the Django admin, with the reason.
    operator = UserFactory(email="ops@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(operator)
    page = client.get("/admin/notifications/outboundemail/", {"status__exact": "missed"}).content.decode()
    assert "Missed: too late to send" in page
    assert "The meeting began at 2027-01-04 09:00 UTC" in page
    assert "2 outbound emails" in page
    assert "mia@example.com" in page and "marco@example.com" in page
    assert program_admin.email not in page  # the digest was sent: not in the missed list


def test_late_with_time_left_it_says_how_long_is_left(clock: Any, queued: list[OutboundEmail]) -> None:
    clock.move_to(START - datetime.timedelta(minutes=30))
    flush_outbox()
    [to_mia] = sent_to("mia@example.com")
    assert to_mia.subject.startswith("Reminder: ")
    assert "starts in 30\xa0minutes, at 10:00 CET." in to_mia.body
    assert "starts in <strong>30\xa0minutes</strong>, at 10:00 CET" in to_mia.alternatives[0][0]


def test_in_the_last_minutes_it_says_starting_now(clock: Any, queued: list[OutboundEmail]) -> None:
    clock.move_to(START - datetime.timedelta(minutes=3))
    flush_outbox()
    [to_mia] = sent_to("mia@example.com")
    [to_marco] = sent_to("marco@example.com")
    assert to_mia.subject == "Starting now: Mentoring meeting at 10:00 CET"
    assert "is starting now (10:00 CET)." in to_mia.body
    assert to_marco.subject == "Starting now: Mentoring meeting at 04:00 EST"
    assert {row.status for row in OutboundEmail.objects.filter(kind=Kind.MEETING_REMINDER)} == {"sent"}


def test_on_time_the_wording_is_unchanged(clock: Any, queued: list[OutboundEmail]) -> None:
    flush_outbox()
    [to_mia] = sent_to("mia@example.com")
    assert to_mia.subject == "Reminder: Mentoring meeting on Mon 4 Jan, 10:00 CET"
    assert "starts Monday 4 January 2027, 10:00 CET." in to_mia.body
