"""Periodic work for insights: the administrators' weekly digest."""

from __future__ import annotations

from celery import shared_task

from insights.digests import admin_digests_due


@shared_task(name="insights.admin_digests", acks_late=True, ignore_result=True)
def admin_digests() -> int:
    return admin_digests_due().emails_created
