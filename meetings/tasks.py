"""Periodic work for meetings: keep occurrences materialised ahead of time, and find reminders that are due."""

from __future__ import annotations

from celery import shared_task

from meetings import reminders, services


@shared_task(name="meetings.extend_horizon", acks_late=True, ignore_result=True)
def extend_horizon() -> int:
    return services.horizon_extend()


@shared_task(name="meetings.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> int:
    """Meeting reminders, prepare nudges, follow-ups and action-item nudges that are due now."""
    return reminders.scan().emails_created


@shared_task(name="meetings.admin_digests", acks_late=True, ignore_result=True)
def admin_digests() -> int:
    return reminders.admin_digests_due().emails_created
