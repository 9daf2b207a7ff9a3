"""Periodic scans of relationship data: agreements waiting for acceptance."""

from __future__ import annotations

from celery import shared_task

from relationships import reminders


@shared_task(name="relationships.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> int:
    return reminders.scan().emails_created
