"""Recovery on the real stack (PostgreSQL, Redis, Celery processes, an aiosmtpd sink).

A worker killed with SIGKILL in the middle of sending, with the mail server away for 20 seconds, delays its
emails by a lease and loses none; a worker stopped with SIGTERM gives its claimed rows back at once, wherever
the signal lands. The long form of the chaos run is `manage.py bench_reminders --chaos` (2,000 emails).
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator

import pytest
from django.db import connection

from mentorship.celery import app
from mentorship.management.chaos import ChaosPlan, chaos_run
from mentorship.management.stack import Sink, Stack, wait_for
from mentorship.notifications.messages import message_id_for
from mentorship.notifications.models import OutboundEmail

Status = OutboundEmail.Status
pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _real_stack() -> Iterator[None]:
    if connection.vendor != "postgresql":
        pytest.skip("the workers run in other processes and need the test database on PostgreSQL")
    assert str(app.conf.broker_url).startswith("redis://"), "set REDIS_URL"
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False  # tasks go to the real workers' queue
    yield
    app.conf.task_always_eager = previous


def test_a_killed_worker_and_a_mail_server_outage_lose_and_duplicate_nothing() -> None:
    # Production's lease (a minute); flushes every two seconds instead of thirty keep the test short.
    result = chaos_run(ChaosPlan(emails=300, outage_seconds=20, flush_seconds=2, smtp_down_retry_seconds=2))
    assert result["stranded_by_kill"] > 0, "the killed worker should have held some rows"
    assert (result["expected"], result["received"], result["lost"], result["duplicates"]) == (300, 300, 0, 0), result
    assert (result["failed"], result["missed"]) == (0, 0), result
    assert result["seconds_to_drain_after_kill"] <= 150, result
    assert result["stranded_sent_within_seconds"] <= 120, result


@pytest.fixture
def sink() -> Iterator[Sink]:
    sink = Sink()
    sink.start()
    yield sink
    sink.stop()


@pytest.mark.parametrize(
    "group",
    [False, True],
    ids=["main-process-only (docker stop, Kubernetes)", "whole-process-group (systemd, kill -TERM -pgid)"],
)
def test_sigterm_mid_batch_sends_the_message_in_flight_and_gives_back_the_rest(sink: Sink, group: bool) -> None:
    OutboundEmail.objects.bulk_create(
        [
            OutboundEmail(key=f"term:{n}", kind="test", to=f"p{n}@example.com", subject="s", body_text="b")
            for n in range(80)
        ]
    )
    stack = Stack(prefix="sigterm", env={"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", "EMAIL_TIMEOUT": "30"})
    try:
        stack.worker("worker", pool="prefork", concurrency=1)
        stack.wait_ready()
        sink.hold_after(5)
        app.send_task("notifications.flush_outbox", queue=stack.queue)
        wait_for(lambda: sink.held == 1, seconds=30, what="the worker to be mid-send", logs=stack.output)
        held = OutboundEmail.objects.filter(status=Status.SENDING).count()
        assert held > 1  # the rest of its batch

        stack.signal("worker", signal.SIGTERM, group=group)
        time.sleep(1.5)  # the signal is handled; the message in flight still waits for the server's answer
        sink.release()
        stack.wait_exit("worker", seconds=30)
    finally:
        stack.stop()

    sent = OutboundEmail.objects.filter(status=Status.SENT)
    assert sent.count() == len(sink.messages) == 6  # five, and the one in flight when the signal came
    assert all(len(sink.with_id(message_id_for(key))) == 1 for key in sent.values_list("key", flat=True))
    assert not OutboundEmail.objects.filter(status=Status.SENDING).exists()
    given_back = OutboundEmail.objects.filter(status=Status.PENDING, claimed_at__isnull=False)
    assert given_back.count() == held - 1
    assert set(given_back.values_list("attempts", "claim_token", "next_attempt_at")) == {(0, "", None)}
