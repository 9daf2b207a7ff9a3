"""Relationship reminders: a relationship that stopped meeting, an agreement still waiting for a signature.

Relationships sit below meetings in the data flow and do not import them; the last meeting is read through the
reverse relation by name ("meetings"), which needs no import of the meetings app.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from mentorship.notifications.models import Kind
from mentorship.notifications.services import ProviderRequest, QueueResult, Reminder, reminders_queue
from programs.models import CADENCE_DAYS, Cadence, Program
from relationships.models import Agreement, Relationship

CHUNK = 2000
# Agreed cadence times this factor is the grace before a relationship counts as stalled (monthly: 45 days).
STALL_FACTOR = 1.5
# Meeting statuses that count as "we met" once their start has passed. Literal strings: see the module doc.
MET_STATUSES = ("held", "scheduled")


def agreement_pending_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_AGREEMENT_PENDING_DAYS", 3))


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
    last = 0
    while True:
        rows = list(relationships.filter(pk__gt=last).order_by("pk").values(*fields)[:CHUNK])
        if not rows:
            return
        last = rows[-1]["pk"]
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


def _batches(items: Iterator[Stalled], size: int = CHUNK) -> Iterator[list[Stalled]]:
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
        admins = _program_admins({item.program_id for item in batch})
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
                            url=f"/relationships/{item.relationship_id}/",
                            template="relationship-stalled",
                            context={**context, "for_admin": True},
                        )
                    )
        result.add(reminders_queue(reminders=reminders))
    return result


def _program_admins(program_ids: set[int]) -> dict[int, list[tuple[int, str]]]:
    through = Program.administrators.through
    found: dict[int, list[tuple[int, str]]] = {}
    rows = through.objects.filter(program_id__in=program_ids, user__is_active=True).values_list(
        "program_id", "user_id", "user__email"
    )
    for program_id, user_id, email in rows:
        found.setdefault(program_id, []).append((user_id, email))
    return found


def pending_agreements_due(*, now: datetime.datetime | None = None) -> QueueResult:
    """The latest version of an agreement that one side has not accepted after N days: to that side."""
    now = now or timezone.now()
    latest = Agreement.objects.filter(relationship=OuterRef("relationship")).order_by("-version").values("pk")[:1]
    agreements = Agreement.objects.filter(
        Q(mentee_accepted_at__isnull=True) | Q(mentor_accepted_at__isnull=True),
        pk=Subquery(latest),
        relationship__status__in=Relationship.OPEN_STATUSES,
        updated_at__lte=now - datetime.timedelta(days=agreement_pending_days()),
    )
    fields = (
        "pk",
        "version",
        "updated_at",
        "relationship_id",
        "mentee_accepted_at",
        "mentor_accepted_at",
        "relationship__mentee_id",
        "relationship__mentee__email",
        "relationship__mentor_id",
        "relationship__mentor__email",
    )
    result = QueueResult()
    last = 0
    while True:
        rows = list(agreements.filter(pk__gt=last).order_by("pk").values(*fields)[:CHUNK])
        if not rows:
            return result
        last = rows[-1]["pk"]
        reminders = []
        for row in rows:
            waiting = []
            if row["mentee_accepted_at"] is None:
                waiting.append((row["relationship__mentee_id"], row["relationship__mentee__email"]))
            if row["mentor_accepted_at"] is None:
                waiting.append((row["relationship__mentor_id"], row["relationship__mentor__email"]))
            for user_id, email in waiting:
                reminders.append(
                    Reminder(
                        key=f"agreement-pending:{row['pk']}:{int(row['updated_at'].timestamp())}:{user_id}",
                        kind=Kind.AGREEMENT_PENDING,
                        user_id=user_id,
                        email=email,
                        title=f"Your agreement (version {row['version']}) is waiting for you",
                        url=f"/relationships/{row['relationship_id']}/",
                        template="agreement-pending",
                        context={"agreement_id": row["pk"], "version": row["version"]},
                        context_provider="relationships.reminders.agreement_pending_context",
                    )
                )
        result.add(reminders_queue(reminders=reminders))


def scan(*, now: datetime.datetime | None = None) -> QueueResult:
    now = now or timezone.now()
    result = stalled_reminders_due(now=now)
    result.add(pending_agreements_due(now=now))
    return result


def agreement_pending_context(requests: list[ProviderRequest]) -> list[dict | None]:
    """Fresh when sent: nothing if the person accepted meanwhile or a newer version replaced this one."""
    agreements = Agreement.objects.select_related("relationship__mentee", "relationship__mentor").in_bulk(
        {request.context["agreement_id"] for request in requests}
    )
    latest = dict(
        Agreement.objects.filter(relationship_id__in={a.relationship_id for a in agreements.values()})
        .values_list("relationship_id")
        .annotate(version=Max("version"))
        .order_by()
    )
    answers: list[dict | None] = []
    for request in requests:
        agreement = agreements.get(request.context["agreement_id"])
        user = request.user
        if agreement is None or user is None:
            answers.append(None)
            continue
        relationship = agreement.relationship
        side = relationship.side_of(user.pk)
        if side is None or agreement.accepted_by(side) or not relationship.is_open:
            answers.append(None)
            continue
        if latest.get(relationship.pk, agreement.version) > agreement.version:
            answers.append(None)
            continue
        answers.append(
            {
                "agreement": agreement,
                "relationship": relationship,
                "other": relationship.other_person(user.pk),
                "link": f"{settings.SITE_URL}{relationship.get_absolute_url()}",
            }
        )
    return answers
