"""Periodic work for meetings: keep occurrences materialised ahead of time, and find reminders that are due."""

from __future__ import annotations

from celery import shared_task

from meetings import reminders, services, stalled

# A worker extends this many series per task: enough to amortise a task, few enough that a large catalogue
# (say after an import) is spread over the whole worker pool instead of one process.
HORIZON_CHUNK = 2000


@shared_task(name="meetings.extend_horizon", acks_late=True, ignore_result=True)
def extend_horizon() -> int:
    """Hand the series that fell behind to the worker pool in chunks; returns how many chunks went out.

    Materialising is idempotent, so a chunk run twice, or a series picked up by the next run as well, writes
    nothing twice.
    """
    sent = 0
    for ids in services.horizon_chunks(size=HORIZON_CHUNK):
        extend_horizon_for.delay(ids)
        sent += 1
    return sent


@shared_task(name="meetings.extend_horizon_for", acks_late=True, ignore_result=True)
def extend_horizon_for(series_ids: list[int]) -> int:
    return services.horizon_extend(series_ids=series_ids)


@shared_task(name="meetings.scan_reminders", acks_late=True, ignore_result=True)
def scan_reminders() -> int:
    """Meeting reminders, prepare nudges, follow-ups and action-item nudges that are due now."""
    return reminders.scan().emails_created


@shared_task(name="meetings.scan_stalled", acks_late=True, ignore_result=True)
def scan_stalled() -> int:
    """Relationships that stopped meeting: the pair after one missed period, their administrators after two."""
    return stalled.stalled_reminders_due().emails_created
