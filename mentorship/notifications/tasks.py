"""Thin tasks: they take ids and call services. None waits longer than the broker's visibility timeout."""

from __future__ import annotations

from celery import shared_task

from mentorship.notifications import notices, outbox


@shared_task(name="notifications.deliver_email", acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return outbox.email_deliver(email_id=email_id)


@shared_task(name="notifications.flush_outbox", acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    """Send every due email: catches up after the broker or the mail server was away, and after backoff."""
    sent, more = outbox.outbox_flush()
    if more:
        # Another worker (or this one) carries on; no countdown, so nothing outlives the visibility timeout.
        outbox.outbox_flush_soon()
    return sent


@shared_task(name="notifications.send_digests", acks_late=True, ignore_result=True)
def send_digests() -> int:
    return notices.digests_send_due()
