"""Leases: a dead worker's rows come back within two minutes, a live one keeps its batch, a stopping one gives it back.

And a mail server lost in the middle of a batch costs the one message in flight an attempt, no more.
"""

from __future__ import annotations

import datetime
import signal
import smtplib
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from mentorship.celery import app
from mentorship.notifications import outbox, shutdown
from mentorship.notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status
LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
ORIGINAL_SEND = EmailBackend.send_messages


@pytest.fixture(autouse=True)
def _no_stop_request() -> Iterator[None]:
    shutdown.reset()
    yield
    shutdown.reset()


def queue(count: int) -> list[OutboundEmail]:
    return [
        outbox.email_queue_rendered(key=f"lease:{n}", kind="test", to=f"p{n}@example.com", subject="Hi", text="Body")
        for n in range(count)
    ]


def statuses() -> list[tuple[str, int, str]]:
    return list(OutboundEmail.objects.order_by("pk").values_list("status", "attempts", "claim_token"))


def test_a_dead_workers_rows_return_within_two_minutes() -> None:
    queue(3)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert len(outbox.outbox_claim()) == 3  # ... and the worker is killed
    with time_machine.travel(start + outbox.LEASE - datetime.timedelta(seconds=1), tick=False):
        assert outbox.outbox_claim() == []
    with time_machine.travel(start + outbox.LEASE + datetime.timedelta(seconds=1), tick=False):
        assert outbox.outbox_flush() == (3, False)
    assert [s for s, _a, _t in statuses()] == [Status.SENT] * 3
    assert len(mail.outbox) == 3
    # The lease plus the flush interval of the beat schedule: the promised bound.
    flush_every = datetime.timedelta(seconds=app.conf.beat_schedule["flush-outbox"]["schedule"])
    assert outbox.LEASE + flush_every <= datetime.timedelta(minutes=2)


def test_a_slow_batch_keeps_its_lease_from_other_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    queue(5)
    taken_by_others: list[int] = []
    with time_machine.travel(timezone.now(), tick=False) as clock:

        def slow_send(backend: EmailBackend, messages: list[Any]) -> int:
            clock.shift(datetime.timedelta(seconds=25))  # a slow mail server: 125 s for the batch in all
            taken_by_others.extend(row.pk for row in outbox.outbox_claim())
            return ORIGINAL_SEND(backend, messages)

        monkeypatch.setattr(LOCMEM_SEND, slow_send)
        result = outbox.outbox_send(rows=outbox.outbox_claim())
    assert result.sent == 5
    assert taken_by_others == []
    assert statuses() == [(Status.SENT, 1, "")] * 5
    assert len(mail.outbox) == 5


def test_a_worker_frozen_past_its_lease_leaves_the_rows_to_whoever_took_them() -> None:
    queue(2)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        frozen = outbox.outbox_claim()
    with time_machine.travel(start + outbox.LEASE + datetime.timedelta(seconds=1), tick=False):
        other = outbox.outbox_claim()
        assert [row.pk for row in other] == [row.pk for row in frozen]
        woke_up = outbox.outbox_send(rows=frozen)
        assert (woke_up.sent, woke_up.taken_over) == (0, 2)
        assert outbox.outbox_send(rows=other).sent == 2
    assert len(mail.outbox) == 2
    assert statuses() == [(Status.SENT, 2, "")] * 2


def test_a_stop_request_mid_batch_sends_the_message_in_flight_and_gives_back_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue(5)

    def send_then_stop(backend: EmailBackend, messages: list[Any]) -> int:
        sent = ORIGINAL_SEND(backend, messages)
        shutdown.worker_stopping()  # the worker's main process got SIGTERM while this message was out
        return sent

    monkeypatch.setattr(LOCMEM_SEND, send_then_stop)
    assert outbox.outbox_flush() == (1, True)
    assert len(mail.outbox) == 1
    rows = list(OutboundEmail.objects.order_by("pk"))
    assert rows[0].status == Status.SENT
    for row in rows[1:]:
        # Back in the queue at once, the attempt not counted, free for any other worker.
        assert (row.status, row.attempts, row.claim_token, row.next_attempt_at) == (Status.PENDING, 0, "", None)
        assert row.claimed_at is not None
    shutdown.reset()
    monkeypatch.undo()
    assert outbox.outbox_flush() == (4, False)
    assert len(mail.outbox) == 5


def test_a_stopping_worker_claims_nothing_more() -> None:
    queue(2)
    shutdown.worker_stopping()
    assert outbox.outbox_flush() == (0, True)
    [email] = OutboundEmail.objects.filter(key="lease:0")
    assert outbox.email_deliver(email_id=email.pk) is False
    assert statuses() == [(Status.PENDING, 0, "")] * 2


def test_a_mail_server_lost_mid_batch_costs_the_message_in_flight_one_attempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    queue(4)
    calls = {"send": 0, "down": False}

    def send(backend: EmailBackend, messages: list[Any]) -> int:
        calls["send"] += 1
        if calls["send"] == 2:
            calls["down"] = True
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return ORIGINAL_SEND(backend, messages)

    def connect(backend: EmailBackend) -> None:
        if calls["down"]:
            raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(LOCMEM_SEND, send)
    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.open", connect, raising=False)
    assert outbox.outbox_flush() == (1, False)
    rows = list(OutboundEmail.objects.order_by("pk"))
    assert [row.status for row in rows] == [Status.SENT, Status.PENDING, Status.PENDING, Status.PENDING]
    assert rows[1].attempts == 1 and "closed" in rows[1].last_error and rows[1].next_attempt_at is not None
    assert [row.attempts for row in rows[2:]] == [0, 0]
    assert all("unreachable" in row.last_error for row in rows[2:])


class BilliardExit(Exception):
    """Stands in for the SystemExit billiard's handler raises in a pool child."""


def billiard_handler(signum: int, frame: object) -> None:
    raise BilliardExit(signum)


class TestSigtermInAPoolChild:
    """Where SIGTERM reaches a prefork child itself (the whole process group, or Celery's cold shutdown)."""

    @pytest.fixture(autouse=True)
    def _as_a_pool_child(self) -> Iterator[None]:
        previous = signal.signal(signal.SIGTERM, billiard_handler)
        shutdown.child_started()
        yield
        signal.signal(signal.SIGTERM, previous)

    def test_while_sending_it_finishes_the_batch_then_exits_the_usual_way(self) -> None:
        with pytest.raises(BilliardExit), shutdown.sending():
            assert signal.getsignal(signal.SIGTERM) == shutdown._on_sigterm
            signal.raise_signal(signal.SIGTERM)
            assert shutdown.requested()
            finished = True  # the signal did not interrupt the batch
        assert finished
        assert signal.getsignal(signal.SIGTERM) == billiard_handler

    def test_outside_a_batch_nothing_changes(self) -> None:
        with shutdown.sending():
            pass
        with pytest.raises(BilliardExit):
            signal.raise_signal(signal.SIGTERM)
        assert not shutdown.requested()

    def test_the_main_process_keeps_celerys_handler(self) -> None:
        shutdown.reset()  # not a pool child: solo and threads pools send from the main process
        with shutdown.sending():
            assert signal.getsignal(signal.SIGTERM) == billiard_handler
