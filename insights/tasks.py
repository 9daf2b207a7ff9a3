"""Periodic work for insights: the administrators' weekly digest, and keeping the health figures fresh."""

from __future__ import annotations

from celery import shared_task

from insights.digests import admin_digests_due
from insights.selectors import programs_due_for_refresh
from insights.services import program_refresh_by_id


@shared_task(name="insights.admin_digests", acks_late=True, ignore_result=True)
def admin_digests() -> int:
    return admin_digests_due().emails_created


@shared_task(name="insights.refresh_figures", acks_late=True, ignore_result=True)
def refresh_figures() -> int:
    """One task per program, so a large organisation spreads over the workers and no task runs for long."""
    due = programs_due_for_refresh()
    for program_id in due:
        refresh_program.delay(program_id)
    return len(due)


@shared_task(name="insights.refresh_program", acks_late=True, ignore_result=True)
def refresh_program(program_id: int) -> int:
    return program_refresh_by_id(program_id=program_id)
