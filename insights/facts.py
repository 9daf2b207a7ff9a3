"""Per-relationship figures for HR, aggregated by the database in a fixed number of queries.

``pair_facts`` takes a queryset of relationships (a program's, several programs', one page of an export) and
returns one ``PairFacts`` per relationship: who, where, the agreement's state, meeting and action-item counts,
recent ratings, and the health score. Four queries whatever the number of relationships: the relationships with
their agreement, then meetings, action items and ratings each grouped by relationship. Nothing here reads what
people wrote: no notes, no comments, no goal or agreement text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from insights.health import (
    CADENCE_WINDOW_DAYS,
    RECENT_RATINGS_DAYS,
    AgreementState,
    Health,
    HealthInputs,
    relationship_health,
)
from meetings.models import ActionItem, Meeting, MeetingFeedback
from relationships.models import Agreement, Relationship

# A meeting that ended longer ago than this without a word on whether it took place waits for its wrap-up.
WRAP_UP_GRACE = datetime.timedelta(days=2)

RELATIONSHIP_FIELDS = (
    "pk",
    "program_id",
    "program__name",
    "program__slug",
    "program__default_cadence",
    "kind",
    "status",
    "started_on",
    "planned_end_on",
    "ended_on",
    "mentee_id",
    "mentee__full_name",
    "mentee__email",
    "mentor_id",
    "mentor__full_name",
    "mentor__email",
)


@dataclass(slots=True)
class PairFacts:
    pk: int
    program_id: int
    program_name: str
    program_slug: str
    kind: str
    status: str
    started_on: datetime.date
    planned_end_on: datetime.date | None
    ended_on: datetime.date | None
    mentee_id: int
    mentee_name: str
    mentee_email: str
    mentor_id: int
    mentor_name: str
    mentor_email: str
    cadence: str
    cadence_agreed: bool
    agreement: str
    agreement_ever_accepted: bool
    last_held: datetime.datetime | None = None
    next_meeting: datetime.datetime | None = None
    held_total: int = 0
    held_recently: int = 0
    pending_wrap_ups: int = 0
    open_items: int = 0
    overdue_items: int = 0
    done_items: int = 0
    recent_rating: float | None = None
    health: Health | None = None

    @property
    def is_open(self) -> bool:
        return self.status in Relationship.OPEN_STATUSES

    @property
    def pair_label(self) -> str:
        return f"{self.mentee_name} & {self.mentor_name}"


def _display(name: str | None, email: str) -> str:
    # The same rule as User.display_name, on plain values.
    return name or email.split("@")[0]


def _agreement_state(latest: int | None, accepted: int | None) -> str:
    if latest is None:
        return AgreementState.NONE
    if accepted is None:
        return AgreementState.DRAFT
    return AgreementState.ACCEPTED if accepted == latest else AgreementState.REVISING


def _with_agreement(relationships: QuerySet[Relationship]) -> QuerySet[Relationship]:
    versions = Agreement.objects.filter(relationship=OuterRef("pk")).order_by("-version")
    accepted = versions.filter(mentee_accepted_at__isnull=False, mentor_accepted_at__isnull=False)
    return relationships.annotate(
        agreement_latest=Subquery(versions.values("version")[:1]),
        agreement_accepted=Subquery(accepted.values("version")[:1]),
        # The rhythm both accepted; a change still waiting for acceptance is not agreed yet.
        agreed_cadence=Subquery(accepted.values("cadence")[:1]),
    )


def pair_facts(
    relationships: QuerySet[Relationship], *, now: datetime.datetime | None = None, ids: Iterable[int] | None = None
) -> list[PairFacts]:
    """The facts of every relationship in the queryset (or of those ``ids`` among them), in its order."""
    now = now or timezone.now()
    if ids is not None:
        relationships = relationships.filter(pk__in=list(ids))
    rows = list(
        _with_agreement(relationships).values(
            *RELATIONSHIP_FIELDS, "agreement_latest", "agreement_accepted", "agreed_cadence"
        )
    )
    if not rows:
        return []
    facts = {row["pk"]: _from_row(row) for row in rows}
    chosen = relationships.values("pk")
    _add_meetings(facts, chosen, now)
    _add_action_items(facts, chosen, timezone.localdate(now))
    _add_ratings(facts, chosen, now)
    today = timezone.localdate(now)
    for fact in facts.values():
        if fact.is_open:
            fact.health = relationship_health(_inputs(fact, today))
    return list(facts.values())


def _from_row(row: dict) -> PairFacts:
    agreed = row["agreed_cadence"]
    return PairFacts(
        pk=row["pk"],
        program_id=row["program_id"],
        program_name=row["program__name"],
        program_slug=row["program__slug"],
        kind=row["kind"],
        status=row["status"],
        started_on=row["started_on"],
        planned_end_on=row["planned_end_on"],
        ended_on=row["ended_on"],
        mentee_id=row["mentee_id"],
        mentee_name=_display(row["mentee__full_name"], row["mentee__email"]),
        mentee_email=row["mentee__email"],
        mentor_id=row["mentor_id"],
        mentor_name=_display(row["mentor__full_name"], row["mentor__email"]),
        mentor_email=row["mentor__email"],
        cadence=agreed or row["program__default_cadence"],
        cadence_agreed=agreed is not None,
        agreement=_agreement_state(row["agreement_latest"], row["agreement_accepted"]),
        agreement_ever_accepted=row["agreement_accepted"] is not None,
    )


def _add_meetings(facts: dict[int, PairFacts], chosen: QuerySet, now: datetime.datetime) -> None:
    held = Q(status=Meeting.Status.HELD, start__lte=now)
    rows = (
        Meeting.objects.filter(relationship_id__in=chosen)
        .values("relationship_id")
        .order_by()
        .annotate(
            last_held=Max("start", filter=held),
            held_total=Count("pk", filter=held),
            held_recently=Count("pk", filter=held & Q(start__gt=now - datetime.timedelta(days=CADENCE_WINDOW_DAYS))),
            next_meeting=Min("start", filter=Q(status=Meeting.Status.SCHEDULED, start__gt=now)),
            pending_wrap_ups=Count("pk", filter=Q(status=Meeting.Status.SCHEDULED, end__lte=now - WRAP_UP_GRACE)),
        )
    )
    for row in rows:
        fact = facts[row["relationship_id"]]
        fact.last_held = row["last_held"]
        fact.next_meeting = row["next_meeting"]
        fact.held_total = row["held_total"]
        fact.held_recently = row["held_recently"]
        fact.pending_wrap_ups = row["pending_wrap_ups"]


def _add_action_items(facts: dict[int, PairFacts], chosen: QuerySet, today: datetime.date) -> None:
    open_ = Q(status=ActionItem.Status.OPEN)
    rows = (
        ActionItem.objects.filter(relationship_id__in=chosen)
        .values("relationship_id")
        .order_by()
        .annotate(
            open_items=Count("pk", filter=open_),
            overdue_items=Count("pk", filter=open_ & Q(due_on__lt=today)),
            done_items=Count("pk", filter=Q(status=ActionItem.Status.DONE)),
        )
    )
    for row in rows:
        fact = facts[row["relationship_id"]]
        fact.open_items, fact.overdue_items, fact.done_items = (
            row["open_items"],
            row["overdue_items"],
            row["done_items"],
        )


def _add_ratings(facts: dict[int, PairFacts], chosen: QuerySet, now: datetime.datetime) -> None:
    rows = (
        MeetingFeedback.objects.filter(
            meeting__relationship_id__in=chosen,
            meeting__start__gt=now - datetime.timedelta(days=RECENT_RATINGS_DAYS),
        )
        .values("meeting__relationship_id")
        .order_by()
        .annotate(rating=Avg("rating"))
    )
    for row in rows:
        facts[row["meeting__relationship_id"]].recent_rating = float(row["rating"])


def _inputs(fact: PairFacts, today: datetime.date) -> HealthInputs:
    last_held = timezone.localtime(fact.last_held).date() if fact.last_held else None
    return HealthInputs(
        status=fact.status,
        days_open=max((today - fact.started_on).days, 0),
        cadence=fact.cadence,
        cadence_agreed=fact.cadence_agreed,
        agreement=fact.agreement,
        days_since_held=(today - last_held).days if last_held else None,
        held_recently=fact.held_recently,
        overdue_items=fact.overdue_items,
        recent_rating=fact.recent_rating,
        pending_wrap_ups=fact.pending_wrap_ups,
    )
