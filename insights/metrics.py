"""The figures of a program's dashboard: funnel, matching, meetings, action items, goals, mentor load, outcomes.

Every figure is a count, a share, a duration or a rating; nothing people wrote is read. The number of queries is
fixed whatever the size of the program (the dashboard's query-count tests hold it to that).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights.facts import PairFacts, add_next_meetings, pair_facts
from insights.health import HEALTHY, Band
from matching.models import MatchProposal
from meetings.models import Meeting
from programs.models import Enrollment, GoalCategory, Invitation, Program
from programs.selectors import program_counts
from relationships.models import AdvocacyAction, Goal, Reflection, Relationship

DAY_SECONDS = 86400
MONTHS_SHOWN = 12
TOP_AT_RISK = 5
# Health scores in ten-point steps, the last one 90 to 100.
BUCKETS = [(low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as a dash, not as 0 %)."""
    return part / whole if whole else None


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


# -- funnel ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: str
    explanation: str
    counts: tuple[int, ...]  # one per role, in Funnel.roles order
    conversions: tuple[float | None, ...]  # each count as a share of the step before

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return list(zip(self.counts, self.conversions, strict=True))


@dataclass(frozen=True)
class Funnel:
    roles: tuple[tuple[str, str], ...]  # (role, label)
    steps: tuple[FunnelStep, ...]


STEPS = (
    ("invited", gettext_lazy("Invited"), gettext_lazy("invitations sent, plus people who applied on their own")),
    ("applied", gettext_lazy("Applied"), gettext_lazy("filled in the application")),
    ("approved", gettext_lazy("Approved"), gettext_lazy("approved and still enrolled")),
    ("matched", gettext_lazy("Matched"), gettext_lazy("in at least one relationship")),
    ("agreement", gettext_lazy("Agreement accepted"), gettext_lazy("both accepted an agreement")),
    ("first_meeting", gettext_lazy("First meeting held"), gettext_lazy("at least one meeting recorded as held")),
    ("active", gettext_lazy("Active"), gettext_lazy("active now, or was before a pause or the end")),
    ("completed", gettext_lazy("Completed"), gettext_lazy("a relationship completed")),
)


def _reached_active(fact: PairFacts) -> bool:
    # A relationship becomes active once goals and agreement are in place; a paused or ended one got there if
    # both had accepted an agreement.
    if fact.status in (Relationship.Status.ACTIVE, Relationship.Status.COMPLETED):
        return True
    return fact.status in (Relationship.Status.PAUSED, Relationship.Status.ENDED) and fact.agreement_ever_accepted


def program_funnel(*, program: Program, facts: list[PairFacts]) -> Funnel:
    enrollments = program_counts(program=program)
    pending = dict(
        Invitation.objects.filter(program=program, enrollment__isnull=True)
        .values("role")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    reached = {
        "matched": facts,
        "agreement": [fact for fact in facts if fact.agreement_ever_accepted],
        "first_meeting": [fact for fact in facts if fact.last_held is not None],
        "active": [fact for fact in facts if _reached_active(fact)],
        "completed": [fact for fact in facts if fact.status == Relationship.Status.COMPLETED],
    }
    # People, not relationships: a mentor with three mentees counts once.
    people = {
        key: {"mentee": len({f.mentee_id for f in found}), "helper": len({f.mentor_id for f in found})}
        for key, found in reached.items()
    }
    roles = tuple(program.roles)
    columns: dict[str, list[int]] = {}
    for role in roles:
        by_status = enrollments.get(role, {})
        side = "mentee" if role == Enrollment.Role.MENTEE else "helper"
        columns[role] = [
            pending.get(role, 0) + sum(by_status.values()),
            sum(n for status, n in by_status.items() if status != Enrollment.Status.INVITED),
            by_status.get(Enrollment.Status.APPROVED, 0),
            *(people[key][side] for key in reached),
        ]
    steps = []
    for index, (key, label, explanation) in enumerate(STEPS):
        counts = tuple(columns[role][index] for role in roles)
        conversions = tuple(share(columns[role][index], columns[role][index - 1]) if index else None for role in roles)
        steps.append(FunnelStep(key, str(label), str(explanation), counts, conversions))
    return Funnel(tuple((role, str(Enrollment.Role(role).label)) for role in roles), tuple(steps))


# -- matching ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchingFigures:
    matched: int
    days_to_match_median: float | None
    days_to_match_mean: float | None
    proposals_sent: int
    accepted: int
    declined: int
    expired: int
    waiting: int
    acceptance_rate: float | None
    response_hours_mean: float | None


def matching_figures(*, program: Program, facts: list[PairFacts]) -> MatchingFigures:
    """Time from a mentee's approval (or joining) to the match; proposals answered and how fast mentors answered."""
    approved_at = dict(
        program.enrollments.filter(role=Enrollment.Role.MENTEE)
        .order_by()
        .annotate(approved_at=Coalesce("decided_at", "created_at"))
        .values_list("user_id", "approved_at")
    )
    waits = []
    for fact in facts:
        approved = approved_at.get(fact.mentee_id)
        if approved is not None and fact.created_at >= approved:
            waits.append((fact.created_at - approved).total_seconds() / DAY_SECONDS)
    statuses: dict[str, int] = {}
    answered = 0
    waited = datetime.timedelta()
    rows = (
        MatchProposal.objects.filter(program=program)
        .exclude(status=MatchProposal.Status.DRAFT)
        .values("status")
        .order_by()
        .annotate(
            n=Count("pk"),
            answers=Count("decided_at", filter=Q(respond_by__isnull=False)),
            # How long before the deadline the answer came; the deadline is the sending time plus the response days.
            early=Avg(ExpressionWrapper(F("decided_at") - F("respond_by"), output_field=DurationField())),
        )
        .values_list("status", "n", "answers", "early")
    )
    for status, n, answers, early in rows:
        statuses[status] = n
        if status in (MatchProposal.Status.ACCEPTED, MatchProposal.Status.DECLINED) and answers and early is not None:
            answered += answers
            waited += early * answers
    allowed = datetime.timedelta(days=program.mentor_response_days)
    response_hours = max((waited / answered + allowed).total_seconds(), 0) / 3600 if answered else None
    accepted = statuses.get(MatchProposal.Status.ACCEPTED, 0)
    declined = statuses.get(MatchProposal.Status.DECLINED, 0)
    expired = statuses.get(MatchProposal.Status.EXPIRED, 0)
    return MatchingFigures(
        matched=len(waits),
        days_to_match_median=_median(waits),
        days_to_match_mean=_mean(waits),
        proposals_sent=sum(statuses.values()),
        accepted=accepted,
        declined=declined,
        expired=expired,
        waiting=statuses.get(MatchProposal.Status.PROPOSED, 0),
        acceptance_rate=share(accepted, accepted + declined + expired),
        response_hours_mean=response_hours,
    )


# -- meetings ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    start: datetime.date
    planned: int
    held: int


def _month_starts(today: datetime.date, count: int) -> list[datetime.date]:
    year, month = today.year, today.month
    starts = []
    for _step in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def meetings_by_month(*, program: Program, now: datetime.datetime) -> list[Month]:
    """Meetings planned (not cancelled) and held in each of the last twelve months, this one included."""
    starts = _month_starts(timezone.localdate(now), MONTHS_SHOWN)
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(starts[0], datetime.time(), zone)
    last = starts[-1]
    after = datetime.datetime.combine(
        datetime.date(last.year + last.month // 12, last.month % 12 + 1, 1), datetime.time(), zone
    )
    rows = (
        Meeting.objects.filter(
            relationship__program=program,
            status__in=[Meeting.Status.SCHEDULED, Meeting.Status.HELD, Meeting.Status.MISSED],
            start__gte=first,
            start__lt=after,
        )
        .annotate(month=TruncMonth("start"))
        .values("month")
        .order_by("month")
        .annotate(
            planned=Count("pk"),
            held=Count("pk", filter=Q(status=Meeting.Status.HELD)),
        )
    )
    found = {timezone.localtime(row["month"]).date(): row for row in rows}
    return [
        Month(start, found.get(start, {}).get("planned", 0), found.get(start, {}).get("held", 0)) for start in starts
    ]


# -- goals -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    category: str
    label: str
    counts: tuple[int, ...]  # one per Goal.Status, in its order

    @property
    def total(self) -> int:
        return sum(self.counts)

    @property
    def achieved(self) -> int:
        return self.counts[list(Goal.Status.values).index(Goal.Status.ACHIEVED)]


def goals_by_category(*, program: Program) -> list[GoalRow]:
    """Goals per category and status. Counts only: a goal's title, and a custom category's name, stay private."""
    rows = Goal.objects.filter(relationship__program=program).values("category", "status").order_by()
    found: dict[str, Counter[str]] = {}
    for row in rows.annotate(n=Count("pk")):
        found.setdefault(row["category"], Counter())[row["status"]] += row["n"]
    categories = [*GoalCategory.choices, (Goal.CUSTOM, _("Other"))]
    return [
        GoalRow(key, str(label), tuple(found[key][status] for status in Goal.Status.values))
        for key, label in categories
        if key in found
    ]


# -- mentor load -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MentorLoad:
    mentors: int
    places: int
    taken: int
    full: int
    idle: int

    @property
    def used(self) -> float | None:
        return share(self.taken, self.places)


def mentor_load(*, program: Program, facts: list[PairFacts]) -> MentorLoad:
    """Approved mentors (or sponsors), their places, and how many are taken by open relationships."""
    taken_by = Counter(fact.mentor_id for fact in facts if fact.is_open)
    helpers = program.enrollments.filter(role=program.helper_role, status=Enrollment.Status.APPROVED)
    places = taken = full = idle = mentors = 0
    for user_id, capacity in helpers.order_by().values_list("user_id", "capacity"):
        places_here = capacity if capacity is not None else program.default_mentor_capacity
        mine = taken_by.get(user_id, 0)
        mentors += 1
        places += places_here
        taken += min(mine, places_here)
        full += mine >= places_here
        idle += mine == 0
    return MentorLoad(mentors=mentors, places=places, taken=taken, full=full, idle=idle)


# -- outcomes ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AdvocacyRow:
    kind: str
    label: str
    counts: tuple[int, ...]  # one per AdvocacyAction.Outcome, in its order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Outcomes:
    reflections: int
    from_mentees: int
    from_mentors: int
    average_rating: float | None
    ratings: tuple[int, ...]  # how many reflections rated 1, 2, 3, 4 and 5
    advocacy: tuple[AdvocacyRow, ...]
    promotions: int
    placements: int
    succeeded: int


def outcomes(*, program: Program) -> Outcomes:
    """Closure ratings and how many reflections each side wrote; for sponsorships, advocacy by kind and outcome."""
    by_rating = (
        Reflection.objects.filter(relationship__program=program)
        .values("rating")
        .order_by()
        .annotate(n=Count("pk"), mentees=Count("pk", filter=Q(author_id=F("relationship__mentee_id"))))
    )
    ratings, from_mentees = [0] * 5, 0
    for row in by_rating:
        ratings[row["rating"] - 1] = row["n"]
        from_mentees += row["mentees"]
    total = sum(ratings)
    advocacy_found: dict[str, Counter[str]] = {}
    for row in (
        AdvocacyAction.objects.filter(relationship__program=program)
        .values("kind", "outcome")
        .order_by()
        .annotate(n=Count("pk"))
    ):
        advocacy_found.setdefault(row["kind"], Counter())[row["outcome"]] += row["n"]
    advocacy = tuple(
        AdvocacyRow(kind, str(label), tuple(advocacy_found[kind][o] for o in AdvocacyAction.Outcome.values))
        for kind, label in AdvocacyAction.Kind.choices
        if kind in advocacy_found
    )
    return Outcomes(
        reflections=total,
        from_mentees=from_mentees,
        from_mentors=total - from_mentees,
        average_rating=sum((i + 1) * n for i, n in enumerate(ratings)) / total if total else None,
        ratings=tuple(ratings),
        advocacy=advocacy,
        promotions=sum(advocacy_found.get(AdvocacyAction.Kind.PROMOTION, Counter()).values()),
        placements=sum(advocacy_found.get(AdvocacyAction.Kind.PROJECT, Counter()).values()),
        succeeded=sum(c[AdvocacyAction.Outcome.SUCCEEDED] for c in advocacy_found.values()),
    )


# -- health across a program -------------------------------------------------------------------------------


@dataclass
class HealthSummary:
    """Health across open relationships: bands, ten-point buckets, the worst pairs, and cadence kept."""

    open: int = 0
    bands: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Band.values, 0))
    buckets: list[int] = field(default_factory=lambda: [0] * len(BUCKETS))
    flagged: int = 0  # open relationships with at least one warning sign
    cadence_assessed: int = 0
    cadence_kept: int = 0
    worst: list[PairFacts] = field(default_factory=list)

    @property
    def cadence_share(self) -> float | None:
        return share(self.cadence_kept, self.cadence_assessed)

    @property
    def below_healthy(self) -> int:
        return self.bands[Band.WATCH] + self.bands[Band.AT_RISK]


def health_summary(facts: list[PairFacts], *, worst: int = TOP_AT_RISK) -> HealthSummary:
    summary = HealthSummary()
    scored = [fact for fact in facts if fact.health is not None]
    for fact in scored:
        health = fact.health
        assert health is not None
        summary.open += 1
        summary.bands[health.band] += 1
        summary.buckets[min(health.score // 10, len(BUCKETS) - 1)] += 1
        summary.flagged += bool(health.reasons)
        if health.cadence_kept is not None:
            summary.cadence_assessed += 1
            summary.cadence_kept += health.cadence_kept
    flagged = [fact for fact in scored if fact.health and fact.health.score < HEALTHY]
    summary.worst = sorted(flagged, key=at_risk_order)[:worst]
    return summary


def at_risk_order(fact: PairFacts) -> tuple[int, str, int]:
    """Lowest score first; ties by mentee name, then id, so pages never reshuffle."""
    return (fact.health.score if fact.health else 101, fact.mentee_name.casefold(), fact.pk)


# -- the dashboard -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemTotals:
    open: int
    overdue: int
    done: int


@dataclass(frozen=True)
class Dashboard:
    program: Program
    by_status: tuple[tuple[str, str, int], ...]
    health: HealthSummary
    funnel: Funnel
    matching: MatchingFigures
    months: list[Month]
    items: ItemTotals
    goals: list[GoalRow]
    usefulness: float | None  # average rating of the meetings of the last RECENT_RATINGS_DAYS
    usefulness_ratings: int
    load: MentorLoad
    outcomes: Outcomes

    @property
    def relationships(self) -> int:
        return sum(n for _value, _label, n in self.by_status)


def program_dashboard(*, program: Program, now: datetime.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    facts = pair_facts(program.relationships.all(), now=now)
    statuses = Counter(fact.status for fact in facts)
    health = health_summary(facts)
    add_next_meetings(health.worst, now=now)
    ratings = sum(fact.ratings for fact in facts)
    return Dashboard(
        program=program,
        by_status=tuple((value, str(label), statuses[value]) for value, label in Relationship.Status.choices),
        health=health,
        funnel=program_funnel(program=program, facts=facts),
        matching=matching_figures(program=program, facts=facts),
        months=meetings_by_month(program=program, now=now),
        items=ItemTotals(
            # Items of closed relationships are history: they count as done or not at all.
            open=sum(fact.open_items for fact in facts if fact.is_open),
            overdue=sum(fact.overdue_items for fact in facts if fact.is_open),
            done=sum(fact.done_items for fact in facts),
        ),
        goals=goals_by_category(program=program),
        usefulness=share(sum(fact.rating_sum for fact in facts), ratings),
        usefulness_ratings=ratings,
        load=mentor_load(program=program, facts=facts),
        outcomes=outcomes(program=program),
    )
