"""The figures of a program's dashboard: health, funnel, matching, meetings, action items, goals, mentor load,
outcomes.

Per-pair figures come from the refreshed PairHealth rows (see insights.services) and are aggregated by the
database; the rest are counts over enrollments, proposals, goals, reflections and advocacy. Every figure is a
count, a share, a duration or a rating; nothing people wrote is read. The number of queries is fixed whatever
the size of the program (the query-count tests hold it to that).
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Least, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insights.health import HEALTHY, Band
from insights.models import PairHealth, ProgramFigures
from matching.models import MatchProposal
from meetings.models import Meeting
from programs.models import Enrollment, GoalCategory, Invitation, Program
from programs.selectors import program_counts
from relationships.models import AdvocacyAction, Goal, Reflection, Relationship

MONTHS_SHOWN = 12
TOP_AT_RISK = 5
# Health scores in ten-point steps, the last one 90 to 100.
BUCKETS = [(low, low + 9 if low < 90 else 100) for low in range(0, 100, 10)]
OPEN = Q(relationship__status__in=Relationship.OPEN_STATUSES)


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide by (shown as a dash, not as 0 %)."""
    return part / whole if whole else None


# -- health across a program -------------------------------------------------------------------------------


@dataclass
class HealthSummary:
    """Health across open relationships: bands, ten-point buckets, the worst pairs, and cadence kept."""

    open: int
    bands: dict[str, int]
    buckets: list[int]
    flagged: int  # open relationships with at least one warning sign
    cadence_assessed: int
    cadence_kept: int
    worst: list[PairHealth]

    @property
    def cadence_share(self) -> float | None:
        return share(self.cadence_kept, self.cadence_assessed)


def health_rows(programs: QuerySet[Program] | list[Program]) -> QuerySet[PairHealth]:
    """The refreshed figures of these programs' pairs, with what a row on screen names."""
    return PairHealth.objects.filter(program__in=programs).select_related(
        "program", "relationship__mentee", "relationship__mentor"
    )


def health_totals() -> dict[str, Count]:
    """Aggregates over PairHealth rows: the bands and signs of open relationships."""
    scored = OPEN & Q(score__isnull=False)
    return {
        "open": Count("pk", filter=scored),
        **{band: Count("pk", filter=scored & Q(band=band)) for band in Band.values},
        "flagged": Count("pk", filter=scored & Q(score__lt=100)),
        "kept": Count("pk", filter=scored & Q(cadence_kept=True)),
        "assessed": Count("pk", filter=scored & Q(cadence_kept__isnull=False)),
    }


def health_summary(rows: QuerySet[PairHealth], totals: dict[str, int], *, worst: int = TOP_AT_RISK) -> HealthSummary:
    bucket = Least(ExpressionWrapper(F("score") / 10, output_field=IntegerField()), len(BUCKETS) - 1)
    counted = dict(
        rows.filter(OPEN, score__isnull=False)
        .annotate(bucket=bucket)
        .values("bucket")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("bucket", "n")
    )
    lowest = list(rows.filter(OPEN, score__lt=HEALTHY).order_by("score", "pk")[:worst])
    return HealthSummary(
        open=totals["open"],
        bands={band: totals[band] for band in Band.values},
        buckets=[counted.get(index, 0) for index in range(len(BUCKETS))],
        flagged=totals["flagged"],
        cadence_assessed=totals["assessed"],
        cadence_kept=totals["kept"],
        worst=lowest,
    )


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
Status = Relationship.Status
# Each relationship step, as a condition on PairHealth rows. A relationship becomes active once goals and
# agreement are in place; a paused or ended one got there if both had accepted an agreement.
REACHED = {
    "matched": Q(),
    "agreement": Q(agreement_ever_accepted=True),
    "first_meeting": Q(last_held__isnull=False),
    "active": Q(relationship__status__in=[Status.ACTIVE, Status.COMPLETED])
    | Q(relationship__status__in=[Status.PAUSED, Status.ENDED], agreement_ever_accepted=True),
    "completed": Q(relationship__status=Status.COMPLETED),
}


def funnel_totals() -> dict[str, Count]:
    # People, not relationships: a mentor with three mentees counts once.
    return {
        f"{side}_{key}": Count(f"relationship__{side}", distinct=True, filter=condition or None)
        for key, condition in REACHED.items()
        for side in ("mentee", "mentor")
    }


def program_funnel(*, program: Program, totals: dict[str, int]) -> Funnel:
    enrollments = program_counts(program=program)
    pending = dict(
        Invitation.objects.filter(program=program, enrollment__isnull=True)
        .values("role")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    roles = tuple(program.roles)
    columns: dict[str, list[int]] = {}
    for role in roles:
        by_status = enrollments.get(role, {})
        side = "mentee" if role == Enrollment.Role.MENTEE else "mentor"
        columns[role] = [
            pending.get(role, 0) + sum(by_status.values()),
            sum(n for status, n in by_status.items() if status != Enrollment.Status.INVITED),
            by_status.get(Enrollment.Status.APPROVED, 0),
            *(totals[f"{side}_{key}"] for key in REACHED),
        ]
    steps = []
    for index, (key, label, explanation) in enumerate(STEPS):
        counts = tuple(columns[role][index] for role in roles)
        conversions = tuple(share(columns[role][index], columns[role][index - 1]) if index else None for role in roles)
        steps.append(FunnelStep(key, str(label), str(explanation), counts, conversions))
    return Funnel(tuple((role, str(Enrollment.Role(role).label)) for role in roles), tuple(steps))


def funnel_of(program: Program) -> Funnel:
    """The funnel alone (for its download)."""
    return program_funnel(program=program, totals=health_rows([program]).aggregate(**funnel_totals()))


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


def _median_days(rows: QuerySet[PairHealth], count: int) -> float | None:
    """The median wait, read as the one or two middle values in order (no median function on SQLite)."""
    if not count:
        return None
    middle = list(
        rows.filter(days_to_match__isnull=False)
        .order_by("days_to_match")
        .values_list("days_to_match", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    return sum(middle) / len(middle)


def matching_figures(*, program: Program, rows: QuerySet[PairHealth], totals: dict[str, int]) -> MatchingFigures:
    """Time from a mentee's approval (or joining) to the match; proposals answered and how fast mentors answered."""
    statuses: dict[str, int] = {}
    answered = 0
    early = datetime.timedelta()
    proposals = (
        MatchProposal.objects.filter(program=program)
        .exclude(status=MatchProposal.Status.DRAFT)
        .values("status")
        .order_by()
        .annotate(
            n=Count("pk"),
            answers=Count("decided_at", filter=Q(respond_by__isnull=False)),
            # How long before its deadline the answer came; the deadline is the sending time plus the response days.
            early=Avg(ExpressionWrapper(F("decided_at") - F("respond_by"), output_field=DurationField())),
        )
        .values_list("status", "n", "answers", "early")
    )
    for status, n, answers, before in proposals:
        statuses[status] = n
        if status in (MatchProposal.Status.ACCEPTED, MatchProposal.Status.DECLINED) and answers and before is not None:
            answered += answers
            early += before * answers
    allowed = datetime.timedelta(days=program.mentor_response_days)
    response_hours = max((early / answered + allowed).total_seconds(), 0) / 3600 if answered else None
    accepted = statuses.get(MatchProposal.Status.ACCEPTED, 0)
    declined = statuses.get(MatchProposal.Status.DECLINED, 0)
    expired = statuses.get(MatchProposal.Status.EXPIRED, 0)
    return MatchingFigures(
        matched=totals["waits"],
        days_to_match_median=_median_days(rows, totals["waits"]),
        days_to_match_mean=totals["wait_mean"],
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
    """Meetings planned (not cancelled) and held in each of the last twelve months, this one included.

    It reads a year of the program's meetings, so it runs when the program's figures are refreshed, not per view.
    """
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
        .annotate(planned=Count("pk"), held=Count("pk", filter=Q(status=Meeting.Status.HELD)))
    )
    found = {timezone.localtime(row["month"]).date(): (row["planned"], row["held"]) for row in rows}
    return [Month(start, *found.get(start, (0, 0))) for start in starts]


def stored_months(program: Program) -> tuple[list[Month], datetime.datetime | None]:
    """The meetings per month saved with the program's last refresh, and when that was."""
    figures = ProgramFigures.objects.filter(program=program).first()
    if figures is None:
        return [], None
    months = [Month(datetime.date.fromisoformat(row["start"]), row["planned"], row["held"]) for row in figures.months]
    return months, figures.computed_at


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


def mentor_load(*, program: Program) -> MentorLoad:
    """Approved mentors (or sponsors), their places, and how many are taken by open relationships."""
    taken_by = dict(
        program.relationships.filter(status__in=Relationship.OPEN_STATUSES)
        .values("mentor_id")
        .order_by()
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
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


# -- the dashboard -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemTotals:
    open: int
    overdue: int
    done: int


@dataclass(frozen=True)
class Dashboard:
    program: Program
    as_of: datetime.datetime | None
    by_status: tuple[tuple[str, str, int], ...]
    health: HealthSummary
    funnel: Funnel
    matching: MatchingFigures
    months: list[Month]
    items: ItemTotals
    goals: list[GoalRow]
    usefulness: float | None  # average rating of the meetings held in the last RECENT_RATINGS_DAYS
    usefulness_ratings: int
    load: MentorLoad
    outcomes: Outcomes

    @property
    def relationships(self) -> int:
        return sum(n for _value, _label, n in self.by_status)


def program_dashboard(*, program: Program) -> Dashboard:
    """The dashboard from the program's refreshed figures (kept fresh by the periodic task and HR's actions)."""
    rows = health_rows([program])
    totals = rows.aggregate(
        **health_totals(),
        **funnel_totals(),
        # Items of closed relationships are history: they count as done or not at all.
        open_items=Sum("open_items", filter=OPEN, default=0),
        overdue_items=Sum("overdue_items", filter=OPEN, default=0),
        done_items=Sum("done_items", default=0),
        rating_sum=Sum("rating_sum", default=0),
        ratings=Sum("ratings", default=0),
        waits=Count("days_to_match"),
        wait_mean=Avg("days_to_match"),
    )
    statuses = dict(
        program.relationships.values("status").order_by().annotate(n=Count("pk")).values_list("status", "n")
    )
    months, as_of = stored_months(program)
    return Dashboard(
        program=program,
        as_of=as_of,
        by_status=tuple((value, str(label), statuses.get(value, 0)) for value, label in Relationship.Status.choices),
        health=health_summary(rows, totals),
        funnel=program_funnel(program=program, totals=totals),
        matching=matching_figures(program=program, rows=rows, totals=totals),
        months=months,
        items=ItemTotals(open=totals["open_items"], overdue=totals["overdue_items"], done=totals["done_items"]),
        goals=goals_by_category(program=program),
        usefulness=share(totals["rating_sum"], totals["ratings"]),
        usefulness_ratings=totals["ratings"],
        load=mentor_load(program=program),
        outcomes=outcomes(program=program),
    )
