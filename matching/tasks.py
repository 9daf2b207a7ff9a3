"""Periodic work for matching: remind mentors of proposals that lapse soon."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from matching.reminders import unanswered_proposal_reminders
from mentorship.notifications.reminders import reminders_queue


@shared_task(name="matching.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> int:
    return reminders_queue(reminders=unanswered_proposal_reminders(now=timezone.now())).emails_created
