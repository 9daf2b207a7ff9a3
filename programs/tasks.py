"""Thin tasks: run a long administrator action, and hand over again the ones nobody is running."""

from __future__ import annotations

from celery import shared_task

from programs import jobs


@shared_task(name="programs.run_job", acks_late=True, ignore_result=True)
def run_job(job_id: int) -> bool:
    return jobs.job_run(job_id=job_id)


@shared_task(name="programs.resume_jobs", acks_late=True, ignore_result=True)
def resume_jobs() -> int:
    return jobs.jobs_resume()
