"""Periodic work for meetings: keep occurrences materialised ahead of time."""

from __future__ import annotations

from celery import shared_task

from meetings import services


@shared_task(name="meetings.extend_horizon", acks_late=True, ignore_result=True)
def extend_horizon() -> int:
    return services.horizon_extend()
