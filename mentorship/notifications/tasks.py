"""Thin tasks: they take ids and call services. None waits longer than the broker's visibility timeout."""

from __future__ import annotations

from celery import shared_task
from celery.signals import worker_process_init, worker_shutting_down

from mentorship.notifications import health, notices, outbox, shutdown

# A warm shutdown gives claimed emails back instead of leaving them to their lease (see shutdown.py). Connected
# here because the worker imports its task modules before it forks the pool.
worker_shutting_down.connect(shutdown.worker_stopping)
worker_process_init.connect(shutdown.child_started)


@shared_task(name="notifications.deliver_email", acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return outbox.email_deliver(email_id=email_id)


@shared_task(name="notifications.flush_outbox", acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    """Send every due email.

    Catches up after the broker or the mail server was away, after backoff, and after a worker died (its rows
    come back to the queue when their lease runs out).
    """
    sent, more = outbox.outbox_flush()
    if more:
        # Another worker (or this one) carries on; no countdown, so nothing outlives the visibility timeout.
        outbox.outbox_flush_soon()
    return sent


@shared_task(name="notifications.send_digests", acks_late=True, ignore_result=True)
def send_digests() -> int:
    return notices.digests_send_due()


@shared_task(name="notifications.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Beat sends this every minute; the time a worker ran it is what the health report checks."""
    health.heartbeat_record(name=health.BEAT)
