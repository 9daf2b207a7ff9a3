from __future__ import annotations

import datetime
import smtplib
import threading
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.utils import timezone

from mentorship.notifications import messages as notification_messages
from mentorship.notifications import outbox
from mentorship.notifications.models import OutboundEmail
from mentorship.notifications.tasks import flush_outbox

pytestmark = pytest.mark.django_db
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def queue(key: str = "k1") -> OutboundEmail:
    return outbox.email_queue_rendered(
        key=key, kind="test", to="a@example.com", subject="Hello\n", text="Body", html="<p>Body</p>"
    )


def raising(exc: BaseException) -> Any:
    def send(*args: object, **kwargs: object) -> int:
        raise exc

    return send


def test_one_row_and_one_email_per_key(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.alternatives[0] == ("<p>Body</p>", "text/html")
    first.refresh_from_db()
    assert first.status == OutboundEmail.Status.SENT
    assert first.attempts == 1


def test_delivering_twice_sends_once() -> None:
    email = queue()
    assert outbox.email_deliver(email_id=email.pk) is True
    assert outbox.email_deliver(email_id=email.pk) is False
    assert flush_outbox() == 0
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_left_alone() -> None:
    email = queue()
    assert outbox.email_claim(email_id=email.pk) is not None
    assert outbox.email_deliver(email_id=email.pk) is False
    assert flush_outbox() == 0
    assert mail.outbox == []


def test_transient_failure_backs_off_then_succeeds(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()
    monkeypatch.setattr(LOCMEM_SEND, raising(smtplib.SMTPServerDisconnected("connection lost")))
    assert outbox.email_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "connection lost" in email.last_error
    # Backoff: between half and all of the first step (one minute), never immediately.
    wait = email.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=25) < wait <= datetime.timedelta(minutes=1)
    monkeypatch.undo()
    assert flush_outbox() == 0  # not yet due
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert flush_outbox() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    assert len(mail.outbox) == 1


def test_backoff_grows_and_is_capped() -> None:
    assert outbox.backoff(1) <= datetime.timedelta(minutes=1)
    assert outbox.backoff(4) >= datetime.timedelta(minutes=4)
    assert all(outbox.backoff(n) <= outbox.BACKOFF_CAP for n in range(1, 30))


def test_permanent_rejection_fails_at_once_and_stays_visible(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()
    monkeypatch.setattr(LOCMEM_SEND, raising(smtplib.SMTPDataError(554, b"rejected")))
    outbox.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "554" in email.last_error
    assert email.attempts == 1
    assert outbox.outbox_pending_ids() == []


def test_exhausted_retries_end_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()
    monkeypatch.setattr(LOCMEM_SEND, raising(smtplib.SMTPDataError(451, b"try later")))
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            outbox.email_deliver(email_id=email.pk)
        moment += outbox.BACKOFF_CAP + datetime.timedelta(seconds=1)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert email.attempts == outbox.MAX_ATTEMPTS
    assert "451" in email.last_error


def test_unreachable_server_costs_no_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.open", raising(ConnectionRefusedError()))
    assert flush_outbox() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert email.attempts == 0
    assert "unreachable" in email.last_error
    monkeypatch.undo()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2), tick=False):
        assert flush_outbox() == 1
    assert len(mail.outbox) == 1


def test_worker_killed_after_sending_before_marking_is_bounded() -> None:
    """At-least-once by choice: the one message in flight may arrive twice, not before its lease ran out."""
    email = queue()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        [row] = outbox.outbox_claim(limit=10)
        message = notification_messages.build_message(row)
        message.send()  # the server accepted it ... and the worker dies before the UPDATE
    assert len(mail.outbox) == 1
    with time_machine.travel(start + outbox.LEASE - datetime.timedelta(seconds=1), tick=False):
        assert flush_outbox() == 0  # another worker leaves the claim alone until its lease ran out
    with time_machine.travel(start + outbox.LEASE + datetime.timedelta(seconds=1), tick=False):
        assert flush_outbox() == 1
        assert flush_outbox() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert email.attempts == 2
    # Two copies at most, and the same Message-ID lets mail clients fold them into one.
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]


def test_a_row_whose_workers_always_die_ends_failed() -> None:
    email = queue()
    moment = timezone.now()
    for _ in range(outbox.MAX_ATTEMPTS):
        with time_machine.travel(moment, tick=False):
            assert outbox.outbox_claim(limit=1)
        moment += outbox.LEASE + datetime.timedelta(seconds=1)
    with time_machine.travel(moment, tick=False):
        assert flush_outbox() == 0
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert "worker stopped" in email.last_error


@pytest.mark.django_db(transaction=True)
def test_two_workers_claiming_at_once_share_nothing_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with SKIP LOCKED need PostgreSQL")
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(key=f"race:{n}", kind="test", to="a@example.com", subject="s", body_text="b")
            for n in range(400)
        ]
    )
    claimed: list[list[int]] = [[], []]
    barrier = threading.Barrier(2)

    def worker(slot: int) -> None:
        try:
            barrier.wait()
            while rows := outbox.outbox_claim(limit=25):
                claimed[slot].extend(row.pk for row in rows)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed[0]) + len(claimed[1]) == 400
    assert not set(claimed[0]) & set(claimed[1])
    assert claimed[0] and claimed[1], "both workers should have had a share"
