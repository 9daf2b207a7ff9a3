"""Relationships that stopped meeting: found from their meetings, announced to the pair and then to HR.

A relationship counts as stalled when its last meeting (held, or scheduled and past) or its start lies more than
one grace period back: the agreed cadence (else the program's default) times STALL_FACTOR.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from meetings.models import Meeting
from mentorship.common.paging import PAGE, pages_by_pk
from mentorship.notifications.models import Kind
from mentorship.notifications.reminders import QueueResult, Reminder, reminders_queue
from programs.models import CADENCE_DAYS, Cadence
from programs.selectors import administrators_by_program
from relationships.models import Agreement, Relationship

# Agreed cadence times this factor is the grace before a relationship counts as stalled (monthly: 45 days).
STALL_FACTOR = 1.5
# Meetings that count as "we met" once their start has passed.
MET_STATUSES = (Meeting.Status.HELD, Meeting.Status.SCHEDULED)


@dataclass(frozen=True)
class Stalled:
    relationship_id: int
    program_id: int
    label: str
    days_since: int
    misses: int
    since: datetime.date
    mentee: tuple[int, str]
    mentor: tuple[int, str]


def grace_days(cadence: str) -> int:
    return math.ceil(CADENCE_DAYS[Cadence(cadence)] * STALL_FACTOR)


def stalled_relationships(*, now: datetime.datetime, program_ids: list[int] | None = None) -> Iterator[Stalled]:
    """Open, unpaused relationships whose last meeting (or start) lies more than one grace period back."""
    today = now.date()
    latest_cadence = Agreement.objects.filter(relationship=OuterRef("pk")).order_by("-version").values("cadence")[:1]
    relationships = Relationship.objects.filter(status__in=[Relationship.Status.STARTING, Relationship.Status.ACTIVE])
    if program_ids is not None:
        relationships = relationships.filter(program_id__in=program_ids)
    relationships = relationships.annotate(
        last_met=Max("meetings__start", filter=Q(meetings__status__in=MET_STATUSES, meetings__start__lte=now)),
        agreed_cadence=Subquery(latest_cadence),
    )
    fields = (
        "pk",
        "program_id",
        "started_on",
        "last_met",
        "agreed_cadence",
        "program__default_cadence",
        "mentee_id",
        "mentee__email",
        "mentee__full_name",
        "mentor_id",
        "mentor__email",
        "mentor__full_name",
    )
    for rows in pages_by_pk(relationships, fields=fields):
        for row in rows:
            since = max(row["started_on"], row["last_met"].date()) if row["last_met"] else row["started_on"]
            grace = grace_days(row["agreed_cadence"] or row["program__default_cadence"])
            days = (today - since).days
            if days <= grace:
                continue
            yield Stalled(
                relationship_id=row["pk"],
                program_id=row["program_id"],
                label=" & ".join(row[f"{who}__full_name"] or row[f"{who}__email"] for who in ("mentee", "mentor")),
                days_since=days,
                misses=days // grace,
                since=since,
                mentee=(row["mentee_id"], row["mentee__email"]),
                mentor=(row["mentor_id"], row["mentor__email"]),
            )


def _batches(items: Iterator[Stalled], size: int = PAGE) -> Iterator[list[Stalled]]:
    batch: list[Stalled] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def stalled_reminders_due(*, now: datetime.datetime | None = None) -> QueueResult:
    """Both people after the first missed period; the program's administrators too after the second."""
    now = now or timezone.now()
    result = QueueResult()
    for batch in _batches(stalled_relationships(now=now)):
        admins = administrators_by_program({item.program_id for item in batch})
        reminders = []
        for item in batch:
            stage = min(item.misses, 2)
            context = {"relationship_id": item.relationship_id, "pair": item.label, "days": item.days_since}
            url = f"/relationships/{item.relationship_id}/"
            for user_id, email in (item.mentee, item.mentor):
                reminders.append(
                    Reminder(
                        key=f"stalled:{item.relationship_id}:{item.since.isoformat()}:{stage}:{user_id}",
                        kind=Kind.RELATIONSHIP_STALLED,
                        user_id=user_id,
                        email=email,
                        title="Time to meet again: it has been a while",
                        url=url,
                        template="relationship-stalled",
                        context={**context, "for_admin": False},
                    )
                )
            if stage >= 2:
                for admin_id, admin_email in admins.get(item.program_id, []):
                    reminders.append(
                        Reminder(
                            key=f"stalled:{item.relationship_id}:{item.since.isoformat()}:{stage}:{admin_id}",
                            kind=Kind.RELATIONSHIP_STALLED,
                            user_id=admin_id,
                            email=admin_email,
                            title=f"A relationship has stopped meeting: {item.label}",
                            url=url,
                            template="relationship-stalled",
                            context={**context, "for_admin": True},
                        )
                    )
        result.add(reminders_queue(reminders=reminders))
    return result
