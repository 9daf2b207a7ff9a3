"""Thin tasks: they take ids and call services."""

from __future__ import annotations

from celery import shared_task

from mentorship.notifications import services


@shared_task(name="notifications.deliver_email", acks_late=True, ignore_result=True)
def deliver_email(email_id: int) -> bool:
    return services.email_deliver(email_id=email_id)


@shared_task(name="notifications.flush_outbox", acks_late=True, ignore_result=True)
def flush_outbox() -> int:
    """Hand every waiting email to a worker: catches up after the broker or the mail server was away."""
    ids = services.outbox_pending_ids()
    for email_id in ids:
        deliver_email.delay(email_id)
    return len(ids)
