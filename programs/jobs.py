"""Long administrator actions as jobs: start one, claim it for one worker, record progress, finish, resume.

Semantics, chosen on purpose:

- ``job_start`` stores the job with its input and hands its id to a worker after the transaction commits. If
  the broker is away the job waits "queued" and ``jobs_resume`` (beat, every few minutes) hands it over later.
- A worker claims a job with a conditional UPDATE, so a second delivery of the same task does nothing.
- The work records its progress with ``job_advance`` inside the transaction of each step it commits, so the
  progress page never runs ahead of what is saved. A worker that dies leaves a "running" job whose heartbeat
  stops; after ``STALE_AFTER`` ``jobs_resume`` hands it to a worker again, and the kind's ``run`` carries on
  from ``job.progress``. Each step must therefore be idempotent or resumable, and shorter than ``STALE_AFTER``.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from programs.models import Job, Program
from programs.plugins import job_kinds

logger = logging.getLogger(__name__)

# A running job whose progress has not moved for this long belongs to a worker that died.
STALE_AFTER = timedelta(minutes=15)
# A queued job the broker has not delivered after this long is handed over again.
UNDELIVERED_AFTER = timedelta(minutes=2)


def job_start(
    *, program: Program, owner: User, kind: str, total: int, payload: dict[str, Any], summary: dict[str, Any]
) -> Job:
    if kind not in job_kinds:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        program=program, owner=owner, kind=kind, total=total, payload=payload, summary=summary, progress=0
    )
    transaction.on_commit(lambda: _hand_to_worker(job.pk))
    return job


def _hand_to_worker(job_id: int) -> None:
    from programs.tasks import run_job

    try:
        run_job.delay(job_id)
    except Exception:
        # The job stays queued; the periodic resume hands it to a worker once the broker is back.
        logger.warning("broker unavailable, job %s waits to be resumed", job_id, exc_info=True)


def job_claim(*, job_id: int, now: datetime | None = None) -> Job | None:
    """Take the job for this worker: one waiting, or one whose worker went silent. None if someone has it."""
    now = now or timezone.now()
    takeable = Q(status=Job.Status.QUEUED) | Q(status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER)
    claimed = Job.objects.filter(takeable, pk=job_id).update(
        status=Job.Status.RUNNING, heartbeat_at=now, started_at=Coalesce(F("started_at"), Value(now))
    )
    if not claimed:
        return None
    return Job.objects.select_related("program", "owner").get(pk=job_id)


def job_advance(*, job: Job, progress: int, summary: dict[str, Any]) -> None:
    """Record how far the job got; call it inside the transaction of the work it describes."""
    progress = min(progress, job.total)
    Job.objects.filter(pk=job.pk).update(progress=progress, summary=summary, heartbeat_at=timezone.now())
    job.progress, job.summary = progress, summary


def job_run(*, job_id: int) -> bool:
    """Claim the job and run it to the end; False when another worker has it or it is finished."""
    job = job_claim(job_id=job_id)
    if job is None:
        return False
    kind = job_kinds.get(job.kind)
    try:
        if kind is None:
            raise DomainError(_("This kind of job is no longer known."))
        summary = kind.run(job)
    except DomainError as exc:
        _finish(job, Job.Status.FAILED, error=str(exc))
    except Exception:
        logger.exception("job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, error=_("Something went wrong. Nothing more was done; try again later."))
    else:
        _finish(job, Job.Status.DONE, summary=summary)
    return True


def _finish(job: Job, status: str, *, summary: dict[str, Any] | None = None, error: str = "") -> None:
    now = timezone.now()
    changes: dict[str, Any] = {"status": status, "finished_at": now, "heartbeat_at": now, "payload": {}}
    changes["error"] = error[:500]
    if summary is not None:
        changes["summary"] = summary
    if status == Job.Status.DONE:
        changes["progress"] = F("total")
    Job.objects.filter(pk=job.pk).update(**changes)


def jobs_resume(*, now: datetime | None = None) -> int:
    """Hand jobs nobody is running to a worker again: never delivered, or left behind by a worker that died."""
    now = now or timezone.now()
    waiting = Q(status=Job.Status.QUEUED, created_at__lt=now - UNDELIVERED_AFTER) | Q(
        status=Job.Status.RUNNING, heartbeat_at__lt=now - STALE_AFTER
    )
    ids = list(Job.objects.filter(waiting).values_list("pk", flat=True)[:100])
    for job_id in ids:
        _hand_to_worker(job_id)
    return len(ids)
