"""Periodic housekeeping for accounts."""

from __future__ import annotations

from celery import shared_task

from mentorship.accounts.submissions import submissions_prune


@shared_task(name="accounts.prune_submissions", acks_late=True, ignore_result=True)
def prune_submissions() -> int:
    return submissions_prune()
