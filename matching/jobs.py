"""A matching run on a big program goes to a worker as a job; a small one still answers at once.

Solving for a few thousand mentees takes longer than a web request may; the administrator gets the progress
page instead, then a result page that leads back to the draft.
"""

from __future__ import annotations

from typing import Any

from matching import services
from mentorship.accounts.models import User
from programs.jobs import job_start
from programs.models import Enrollment, Job, Program

MATCHING_RUN = "matching-run"
# Above this many approved mentees the run goes to a worker; below it the page waits for the result.
BACKGROUND_ABOVE_MENTEES = 300
# The result page lists this many of the mentees left unmatched, and counts the rest.
UNMATCHED_SHOWN = 200


def runs_in_background(program: Program) -> bool:
    mentees = program.enrollments.filter(role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
    return mentees.count() > BACKGROUND_ABOVE_MENTEES


def matching_run_start(*, program: Program, actor: User) -> Job:
    return job_start(program=program, owner=actor, kind=MATCHING_RUN, total=1, payload={}, summary={})


def matching_run_job(job: Job) -> dict[str, Any]:
    """The run itself: it replaces the draft as a whole, so a resumed job simply runs again."""
    report = services.matching_run(program=job.program, actor=job.owner)
    return {
        "matched": report.matched,
        "mentees": report.mentees,
        "summary": report.summary,
        "unmatched": [{k: str(v) for k, v in entry.items()} for entry in report.unmatched[:UNMATCHED_SHOWN]],
        "unmatched_count": len(report.unmatched),
    }
