"""Per-relationship figures for HR, aggregated by the database in a fixed number of queries.

``pair_facts`` takes a queryset of relationships (a program's, several programs', one page of an export) and
returns one ``PairFacts`` per relationship: who, where, the agreement's state, meeting and action-item counts,
recent ratings, and the health score. The number of queries does not depend on how many relationships there are:

1. the relationships;
2. their agreements (version, rhythm, acceptance), a row or two per relationship;
3. meetings of the last CADENCE_WINDOW_DAYS, grouped by relationship: the last held, how many were held, how many
   wait for a wrap-up (read through the index on status and start, so a pair's long history is not read);
   and the ratings of the meetings held;
4. for the pairs that held no meeting in that window, their last held meeting however long ago (one index lookup
   each, stopping at the first held meeting it meets; no query when every pair met);
5. action items, grouped by relationship;
6. with ``detail``, the next planned meeting and the number of meetings ever held (the pair's page, the export);
   pages that list a few pairs ask for the next meeting of those alone (``add_next_meetings``).

Every query stays cheap in the planner's eyes too: PostgreSQL compiles queries it estimates as expensive (JIT),
which alone costs more than a tenth of a second.

Nothing here reads what people wrote: no notes, no comments, no goal or agreement text.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from insights.health import (
    CADENCE_WINDOW_DAYS,
    AgreementState,
    Health,
    HealthInputs,
    relationship_health,
)
from meetings.models import ActionItem, Meeting
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
    "created_at",
    "mentee_id",
    "mentee__full_name",
    "mentee__email",
    "mentor_id",
    "mentor__full_name",
    "mentor__email",
)
OPEN = frozenset(Relationship.OPEN_STATUSES)


@dataclass(slots=True)
class PairFacts:
    pk: int
    program_id: int
    program_name: str
    program_slug: str
    default_cadence: str
    kind: str
    status: str
    started_on: datetime.date
    planned_end_on: datetime.date | None
    ended_on: datetime.date | None
    created_at: datetime.datetime
    mentee_id: int
    mentee_name: str
    mentee_email: str
    mentor_id: int
    mentor_name: str
    mentor_email: str
    last_held: datetime.datetime | None = None
    next_meeting: datetime.datetime | None = None  # only with detail, or after add_next_meetings
    cadence: str = ""
    cadence_agreed: bool = False
    agreement: str = AgreementState.NONE
    agreement_ever_accepted: bool = False
    held_total: int | None = None  # only with detail
    held_recently: int = 0
    pending_wrap_ups: int = 0
    open_items: int = 0
    overdue_items: int = 0
    done_items: int = 0
    rating_sum: int = 0
    ratings: int = 0
    health: Health | None = None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def pair_label(self) -> str:
        return f"{self.mentee_name} & {self.mentor_name}"

    @property
    def recent_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


def display_name(name: str | None, email: str) -> str:
    # The same rule as User.display_name, on plain values.
    return name or email.split("@")[0]


def _meeting_start(now: datetime.datetime, *, held: bool) -> Subquery:
    """The start of the pair's last held meeting, or of its next planned one: the first index entry that fits."""
    meetings = Meeting.objects.filter(relationship=OuterRef("pk"))
    if held:
        meetings = meetings.filter(status=Meeting.Status.HELD, start__lte=now).order_by("-start")
    else:
        meetings = meetings.filter(status=Meeting.Status.SCHEDULED, start__gt=now).order_by("start")
    return Subquery(meetings.values("start")[:1])


def add_next_meetings(facts: list[PairFacts], *, now: datetime.datetime | None = None) -> None:
    """Fill in the next planned meeting of these pairs (the few on a page), in one query."""
    if not facts:
        return
    now = now or timezone.now()
    by_pk = {fact.pk: fact for fact in facts}
    rows = (
        Relationship.objects.filter(pk__in=list(by_pk))
        .order_by()
        .annotate(next_meeting=_meeting_start(now, held=False))
        .values_list("pk", "next_meeting")
    )
    for pk, start in rows:
        by_pk[pk].next_meeting = start


def pair_facts(
    relationships: QuerySet[Relationship],
    *,
    now: datetime.datetime | None = None,
    ids: Iterable[int] | None = None,
    detail: bool = False,
) -> list[PairFacts]:
    """The facts of every relationship in the queryset (or of those ``ids`` among them)."""
    now = now or timezone.now()
    relationships = relationships.order_by()
    if ids is not None:
        relationships = relationships.filter(pk__in=list(ids))
    facts: dict[int, PairFacts] = {}
    for row in relationships.values_list(*RELATIONSHIP_FIELDS):
        mentee, mentor = display_name(row[12], row[13]), display_name(row[15], row[16])
        fact = PairFacts(*row[:12], mentee, row[13], row[14], mentor, row[16])
        fact.cadence = fact.default_cadence
        facts[fact.pk] = fact
    if not facts:
        return []
    chosen = relationships.values("pk")
    _add_agreements(facts, chosen)
    _add_recent_meetings(facts, chosen, now)
    _add_action_items(facts, chosen, timezone.localdate(now))
    if detail:
        _add_held_total(facts, chosen, now)
        add_next_meetings(list(facts.values()), now=now)
    today = timezone.localdate(now)
    zone = timezone.get_current_timezone()
    for fact in facts.values():
        if fact.status in OPEN:
            fact.health = relationship_health(_inputs(fact, today, zone))
    return list(facts.values())


def _add_agreements(facts: dict[int, PairFacts], chosen: QuerySet) -> None:
    """The latest version's state, and the rhythm of the latest version both accepted (a change waiting for
    acceptance is not agreed yet)."""
    latest: dict[int, int] = {}
    accepted: dict[int, tuple[int, str]] = {}
    rows = Agreement.objects.filter(relationship_id__in=chosen).values_list(
        "relationship_id", "version", "cadence", "mentee_accepted_at", "mentor_accepted_at"
    )
    for relationship_id, version, cadence, mentee_ok, mentor_ok in rows.order_by():
        if version > latest.get(relationship_id, 0):
            latest[relationship_id] = version
        if mentee_ok and mentor_ok and version > accepted.get(relationship_id, (0, ""))[0]:
            accepted[relationship_id] = (version, cadence)
    for relationship_id, version in latest.items():
        fact = facts[relationship_id]
        agreed = accepted.get(relationship_id)
        if agreed is None:
            fact.agreement = AgreementState.DRAFT
            continue
        fact.agreement = AgreementState.ACCEPTED if agreed[0] == version else AgreementState.REVISING
        fact.agreement_ever_accepted = True
        fact.cadence, fact.cadence_agreed = agreed[1], True


def _window(now: datetime.datetime) -> Q:
    return Q(start__gt=now - datetime.timedelta(days=CADENCE_WINDOW_DAYS), start__lte=now)


def _add_recent_meetings(facts: dict[int, PairFacts], chosen: QuerySet, now: datetime.datetime) -> None:
    """One pass over the window's meetings (through the index on status and start) and their ratings."""
    held = Q(status=Meeting.Status.HELD)
    waiting = Q(status=Meeting.Status.SCHEDULED, end__lte=now - WRAP_UP_GRACE)
    rows = (
        Meeting.objects.filter(
            _window(now), relationship_id__in=chosen, status__in=[Meeting.Status.HELD, Meeting.Status.SCHEDULED]
        )
        .values("relationship_id")
        .order_by()
        .annotate(
            last_held=Max("start", filter=held),
            # A meeting rated by both appears twice in the join with its ratings: count meetings once.
            held=Count("pk", filter=held, distinct=True),
            waiting=Count("pk", filter=waiting, distinct=True),
            rating_sum=Sum("feedback__rating", filter=held),
            ratings=Count("feedback__pk", filter=held),
        )
        .values_list("relationship_id", "last_held", "held", "waiting", "rating_sum", "ratings")
    )
    for relationship_id, last_held, held_count, waiting_count, rating_sum, ratings in rows:
        fact = facts[relationship_id]
        fact.last_held, fact.held_recently, fact.pending_wrap_ups = last_held, held_count, waiting_count
        fact.rating_sum, fact.ratings = rating_sum or 0, ratings
    # The pairs that held nothing in the window: their last held meeting, however long ago.
    earlier = [pk for pk, fact in facts.items() if fact.last_held is None]
    if earlier:
        rows = (
            Relationship.objects.filter(pk__in=earlier)
            .order_by()
            .annotate(last_held=_meeting_start(now, held=True))
            .values_list("pk", "last_held")
        )
        for pk, last_held in rows:
            facts[pk].last_held = last_held


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
        .values_list("relationship_id", "open_items", "overdue_items", "done_items")
    )
    for relationship_id, open_items, overdue_items, done_items in rows:
        fact = facts[relationship_id]
        fact.open_items, fact.overdue_items, fact.done_items = open_items, overdue_items, done_items


def _add_held_total(facts: dict[int, PairFacts], chosen: QuerySet, now: datetime.datetime) -> None:
    for fact in facts.values():
        fact.held_total = 0
    rows = (
        Meeting.objects.filter(relationship_id__in=chosen, status=Meeting.Status.HELD, start__lte=now)
        .values("relationship_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    for relationship_id, n in rows:
        facts[relationship_id].held_total = n


def _inputs(fact: PairFacts, today: datetime.date, zone: datetime.tzinfo) -> HealthInputs:
    last_held = fact.last_held.astimezone(zone).date() if fact.last_held else None
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
