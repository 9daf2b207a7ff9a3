"""What an operator's monitor needs to know about background work: is the outbox moving, and does beat run?

`GET /healthz` only says the web process can reach its database. This report (`manage.py outbox_health`) reads
the outbox and beat's heartbeat and names each problem, so a monitor can alert on the exit status.
"""

from __future__ import annotations

import datetime
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Count, Min, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from mentorship.notifications.models import Heartbeat, OutboundEmail
from mentorship.notifications.outbox import LEASE

BEAT = "beat"
# Beat sends its heartbeat this often (see mentorship/celery.py); a few missed ones mean it stopped.
HEARTBEAT_SECONDS = 60
BEAT_STALE_AFTER = datetime.timedelta(seconds=3 * HEARTBEAT_SECONDS)
# A lease runs out after LEASE and the next flush (every 30 seconds) takes the row: older than this, nobody does.
CLAIM_STALE_AFTER = 2 * LEASE
# An email that could have left this long ago and has not: workers down or too few, or the mail server away.
WAIT_TOO_LONG_AFTER = datetime.timedelta(minutes=5)
DAY = datetime.timedelta(days=1)
Status = OutboundEmail.Status


def heartbeat_record(*, name: str, now: datetime.datetime | None = None) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"at": now or timezone.now()})


@dataclass
class HealthReport:
    pending: int
    due: int
    oldest_due_seconds: int | None
    sending: int
    oldest_claim_seconds: int | None
    failed_last_day: int
    missed_last_day: int
    beat_last_seen: str | None
    beat_seconds_ago: int | None
    problems: list[str] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {"healthy": self.healthy, **asdict(self)}


def _age(now: datetime.datetime, moment: datetime.datetime | None) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def health_report(
    *,
    now: datetime.datetime | None = None,
    max_wait: datetime.timedelta = WAIT_TOO_LONG_AFTER,
    max_claim_age: datetime.timedelta = CLAIM_STALE_AFTER,
    max_beat_age: datetime.timedelta = BEAT_STALE_AFTER,
    max_failed: int | None = None,
) -> HealthReport:
    """The outbox and beat as they are now, in four queries that each use the outbox's status index."""
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    waiting = OutboundEmail.objects.filter(status=Status.PENDING).aggregate(
        pending=Count("pk"),
        due=Count("pk", filter=due),
        oldest_due=Min(Coalesce("next_attempt_at", "created_at"), filter=due),
    )
    sending = OutboundEmail.objects.filter(status=Status.SENDING).aggregate(n=Count("pk"), oldest=Min("claimed_at"))
    recent = dict(
        OutboundEmail.objects.filter(status__in=[Status.FAILED, Status.MISSED], claimed_at__gte=now - DAY)
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    beat = Heartbeat.objects.filter(name=BEAT).values_list("at", flat=True).first()
    report = HealthReport(
        pending=waiting["pending"],
        due=waiting["due"],
        oldest_due_seconds=_age(now, waiting["oldest_due"]),
        sending=sending["n"],
        oldest_claim_seconds=_age(now, sending["oldest"]),
        failed_last_day=recent.get(Status.FAILED, 0),
        missed_last_day=recent.get(Status.MISSED, 0),
        beat_last_seen=beat.isoformat() if beat else None,
        beat_seconds_ago=_age(now, beat),
    )
    if beat is None or now - beat > max_beat_age:
        report.problems.append(
            "beat has not been seen "
            + ("at all" if beat is None else f"for {report.beat_seconds_ago} s")
            + ": beat, the broker or every worker is down, or the workers are far behind"
        )
    if report.oldest_claim_seconds is not None and report.oldest_claim_seconds > max_claim_age.total_seconds():
        report.problems.append(
            f"{report.sending} emails held as sending, the oldest claim {report.oldest_claim_seconds} s ago "
            f"(a lease is {int(LEASE.total_seconds())} s): no worker is flushing the outbox"
        )
    if report.oldest_due_seconds is not None and report.oldest_due_seconds > max_wait.total_seconds():
        report.problems.append(
            f"{report.due} emails are due, the oldest for {report.oldest_due_seconds} s: workers are down or too "
            "few, or the mail server is unreachable (see the rows' last error)"
        )
    if max_failed is not None and report.failed_last_day > max_failed:
        report.problems.append(f"{report.failed_last_day} emails failed in the last day (allowed: {max_failed})")
    return report
