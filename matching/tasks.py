"""Periodic work for matching: remind mentors of proposals that lapse soon, and let lapsed ones go."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from matching.reminders import unanswered_proposal_reminders
from matching.services import proposals_expire
from mentorship.notifications.reminders import reminders_queue


@shared_task(name="matching.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> int:
    return reminders_queue(reminders=unanswered_proposal_reminders(now=timezone.now())).emails_created


@shared_task(name="matching.expire_proposals", acks_late=True, ignore_result=True)
def expire_proposals() -> int:
    """Proposals past their deadline lapse and their mentees get the next-best mentor (claimed per row)."""
    return proposals_expire()
