"""Reminders end to end: a real beat and a real worker on Redis, the test database on PostgreSQL, an SMTP sink.

One test walks four situations in a row (starting the processes once keeps it well under a minute and a half):
a meeting coming up soon is reminded exactly once; a mail server that is away delays the reminder without
failing it; a proposal nobody answers lapses and the next mentor is proposed; a broker that is away does not
slow down the person planning a meeting.
"""

from __future__ import annotations

import datetime
import time
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from matching.models import MatchProposal
from meetings import reminders as meeting_reminders
from meetings import services as meeting_services
from meetings.tests.factories import pair, person, place, running_program
from mentorship.celery import app
from mentorship.management.stack import Sink, Stack, free_port, wait_for
from mentorship.notifications import messages, preferences
from mentorship.notifications.models import Kind, Mode, OutboundEmail
from programs.models import Enrollment, Program
from relationships.models import Relationship

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def meeting_soon(relationship: Relationship, minutes: int) -> Any:
    """A one-off meeting starting within the shortest default lead time (an hour)."""
    start = (timezone.now() + datetime.timedelta(minutes=minutes)).astimezone(BERLIN).replace(second=0, microsecond=0)
    return meeting_services.meeting_create(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        start_local=start.replace(tzinfo=None),
        zone="Europe/Berlin",
        duration_minutes=45,
        place=place(),
    )


def lapsing_proposal(program: Program, *, seconds: float) -> MatchProposal:
    """A new mentee proposed to one mentor with a deadline a few seconds away; a second mentor is free."""
    mentee, first, second = (
        person(f"{name.lower()}.it@example.com", f"{name} Lapse") for name in ("Lena", "Lars", "Lina")
    )
    enrolled = {
        user: Enrollment.objects.create(
            program=program, user=user, role=role, status=Enrollment.Status.APPROVED, capacity=1
        )
        for user, role in ((mentee, "mentee"), (first, "mentor"), (second, "mentor"))
    }
    return MatchProposal.objects.create(
        program=program,
        mentee=enrolled[mentee],
        mentor=enrolled[first],
        origin=MatchProposal.Origin.ENGINE,
        status=MatchProposal.Status.PROPOSED,
        respond_by=timezone.now() + datetime.timedelta(seconds=seconds),
    )


def reminder_rows(meeting_id: int) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(kind=Kind.MEETING_REMINDER, key__startswith=f"meeting-reminder:{meeting_id}:")
    )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_remind_once_survive_smtp_outage_and_broker_outage() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the beat and worker run in other processes and need the test database on PostgreSQL")
    assert str(app.conf.broker_url).startswith("redis://"), "set REDIS_URL"
    sink = Sink()
    sink.start()
    # Short intervals so that the whole story fits in well under a minute.
    stack = Stack(
        prefix="reminders-it",
        env={
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            "EMAIL_TIMEOUT": "3",
            "NOTIFICATIONS_SCAN_SECONDS": "1",
            "NOTIFICATIONS_FLUSH_SECONDS": "1",
            "NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS": "1",
        },
    )
    output = stack.output
    previous = (app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url)
    pools: tuple[Any, Any] | None = None
    try:
        # People first, so that the welcome emails are not mixed into what the scans look at.
        mentee = person("mia.it@example.com", "Mia Mentee")
        mentor = person("marco.it@example.com", "Marco Mentor", zone="America/New_York")
        admin = person("hr.it@example.com", "Hannah Resources")
        program = running_program(admin, "Integration Mentoring")
        relationship = pair(program, mentee, mentor, created_by=admin)
        # Only the mentee wants meeting reminders, so "exactly one" means one email, not one per person.
        preferences.preference_set(user=mentor, kind=Kind.MEETING_REMINDER, mode=Mode.OFF)

        app.conf.task_always_eager = False
        app.conf.task_default_queue = stack.queue
        stack.worker("worker")
        stack.beat("beat")
        stack.wait_ready()

        # 1. Coming up in 30 minutes: the one-hour reminder is due at once, and comes exactly once.
        first = meeting_soon(relationship, 30)
        [row] = wait_for(lambda: reminder_rows(first.pk), seconds=20, what="the scan to queue a reminder", logs=output)
        assert row.to == mentee.email
        message_id = messages.message_id_for(row.key)
        wait_for(lambda: sink.with_id(message_id), seconds=20, what="the reminder at the sink", logs=output)
        time.sleep(4)  # several more scans and flushes
        assert len(sink.with_id(message_id)) == 1
        assert len(reminder_rows(first.pk)) == 1
        row.refresh_from_db()
        assert row.status == OutboundEmail.Status.SENT and row.attempts == 1

        # 2. The mail server goes away: the reminder waits (not failed), and leaves once it is back.
        sink.stop()
        second = meeting_soon(relationship, 40)
        [row] = wait_for(lambda: reminder_rows(second.pk), seconds=20, what="the second reminder", logs=output)

        def waiting() -> bool:
            row.refresh_from_db()
            return row.status == OutboundEmail.Status.PENDING and "unreachable" in row.last_error

        wait_for(waiting, seconds=20, what="a delivery attempt against the stopped server", logs=output)
        time.sleep(2)
        row.refresh_from_db()
        assert row.status in {OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING}
        assert row.attempts == 0 or row.status == OutboundEmail.Status.SENDING  # an unreachable server costs none
        sink.start()
        message_id = messages.message_id_for(row.key)
        wait_for(lambda: sink.with_id(message_id), seconds=20, what="the delayed reminder", logs=output)

        def marked_sent() -> bool:
            # The sink keeps the message before it answers; the worker marks the row once it has the answer.
            row.refresh_from_db()
            return row.status == OutboundEmail.Status.SENT

        wait_for(marked_sent, seconds=10, what="the row marked sent", logs=output)
        assert len(sink.with_id(message_id)) == 1

        # 3. A proposal nobody answers: the beat's expiry lets it lapse and the worker proposes the other mentor.
        lapsing = lapsing_proposal(program, seconds=2)

        def lapsed() -> bool:
            lapsing.refresh_from_db()
            return lapsing.status == MatchProposal.Status.EXPIRED

        wait_for(lapsed, seconds=20, what="the beat to expire the proposal", logs=output)
        [follow_up] = MatchProposal.objects.filter(mentee=lapsing.mentee, status=MatchProposal.Status.PROPOSED)
        assert follow_up.mentor_id != lapsing.mentor_id and follow_up.respond_by > timezone.now()

        # 4. The broker goes away. The beat and worker stop first, so nothing else can touch the new rows.
        stack.stop()
        pools = (app._pool, app.amqp._producer_pool)
        app.conf.broker_url = f"redis://127.0.0.1:{free_port()}/0"
        # The app caches pools for the broker it first saw; without them it connects to the new URL.
        app._pool = app.amqp._producer_pool = None
        started = time.monotonic()
        third = meeting_soon(relationship, 50)
        elapsed = time.monotonic() - started
        assert elapsed < 2, f"meeting_create took {elapsed:.2f}s with the broker away"
        announced = list(OutboundEmail.objects.filter(key__startswith=f"meeting-scheduled:meeting:{third.pk}:"))
        assert [e.to for e in announced] == [mentor.email]
        assert all(e.status == OutboundEmail.Status.PENDING and e.attempts == 0 for e in announced)
        # The scan is just as calm about it: the reminder is queued and waits for the next flush.
        assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 1
        [waiting_reminder] = reminder_rows(third.pk)
        assert waiting_reminder.status == OutboundEmail.Status.PENDING
        assert not OutboundEmail.objects.filter(status=OutboundEmail.Status.FAILED).exists()
    finally:
        app.conf.task_always_eager, app.conf.task_default_queue, app.conf.broker_url = previous
        if pools is not None:
            # Put back the pools of the real broker untouched (they are shared with kombu's global registry).
            app._pool, app.amqp._producer_pool = pools
        stack.stop()
        sink.stop()
