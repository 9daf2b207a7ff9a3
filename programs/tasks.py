"""Periodic scans of program data. Match proposals are being built; these hooks are where they plug in."""

from __future__ import annotations

import datetime
from typing import Any

from celery import shared_task
from django.utils import timezone

from mentorship.notifications.services import Reminder, reminders_queue


def unanswered_proposal_reminders(*, now: datetime.datetime) -> list[Reminder]:
    """HOOK for the matching feature: reminders for match proposals still unanswered after
    Program.mentor_response_days. Return one notifications Reminder per person to nudge, with kind
    Kind.MATCH_PROPOSAL and a key such as f"match-proposal:{proposal.pk}:{stage}:{user.pk}".
    Nothing to do until proposals exist.
    """
    return []


def unanswered_proposals_by_program(*, program_ids: list[int], now: datetime.datetime) -> dict[int, int]:
    """HOOK for the matching feature: {program id: number of proposals waiting for an answer} for the admins'
    weekly digest. Empty until proposals exist.
    """
    return {}


@shared_task(name="programs.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> Any:
    return reminders_queue(reminders=unanswered_proposal_reminders(now=timezone.now())).emails_created
