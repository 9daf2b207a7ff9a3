"""Reads for the insights pages, each behind the program-administrator door (404 for everyone else)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from insights.facts import PairFacts, pair_facts
from insights.health import Band
from insights.metrics import OPEN, HealthSummary, health_rows, health_totals
from insights.models import HRAction, PairHealth, ProgramFigures
from mentorship.accounts.models import User
from programs.models import Program
from programs.selectors import programs_administered_by, user_administers
from relationships.models import Relationship

# A pair hears from the program team at most once in this period.
NUDGE_INTERVAL = datetime.timedelta(days=7)


def programs_for_insights(user: User) -> QuerySet[Program]:
    """The programs this person runs (every program for a superuser); none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Program.objects.none()
    return Program.objects.all() if user.is_superuser else Program.objects.filter(administrators=user)


def require_insights_access(user: User) -> None:
    """Program administrators and superusers only; participants and everyone else get 404."""
    if not (user.is_authenticated and user.is_active):
        raise Http404("No such page")
    if not (user.is_superuser or user.is_program_admin or programs_for_insights(user).exists()):
        raise Http404("No such page")


def get_relationship_for_admin(*, user: User, pk: int) -> Relationship:
    """A relationship of a program this person runs; 404 for anyone else, the pair included."""
    relationship = Relationship.objects.select_related("program", "mentee", "mentor").filter(pk=pk).first()
    if relationship is None or not user_administers(user=user, program=relationship.program):
        raise Http404("No such relationship")
    return relationship


# Figures older than this are refreshed at the next page view's request (the periodic task runs every 10 minutes).
STALE_AFTER = datetime.timedelta(minutes=30)


@dataclass(frozen=True)
class Freshness:
    """How old the figures of some programs are: the oldest computation, and the programs due a refresh."""

    as_of: datetime.datetime | None
    due: list[int]

    @property
    def missing(self) -> bool:
        return self.as_of is None and bool(self.due)


def figures_freshness(*, programs: Iterable[Program], now: datetime.datetime | None = None) -> Freshness:
    """A read: which of these programs have no figures yet or figures older than STALE_AFTER, and any new pair."""
    now = now or timezone.now()
    ids = [program.pk for program in programs]
    computed = dict(ProgramFigures.objects.filter(program_id__in=ids).values_list("program_id", "computed_at"))
    due = [pk for pk in ids if pk not in computed or computed[pk] < now - STALE_AFTER]
    fresh = [pk for pk in ids if pk not in due]
    if fresh:
        unmeasured = Relationship.objects.filter(program_id__in=fresh, health_figures__isnull=True)
        due += sorted(set(unmeasured.values_list("program_id", flat=True)))
    return Freshness(as_of=min(computed.values(), default=None), due=due)


def programs_due_for_refresh() -> list[int]:
    """What the periodic task refreshes: programs taking people or running, and any without figures yet."""
    live = Q(status__in=[Program.Status.OPEN, Program.Status.RUNNING])
    never = ~Q(pk__in=ProgramFigures.objects.values("program_id"))
    return list(Program.objects.filter(live | never).order_by("pk").values_list("pk", flat=True))


def next_nudge_from(relationship: Relationship, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the program team may nudge this pair again, or None when it may now."""
    now = now or timezone.now()
    last = HRAction.objects.filter(relationship=relationship, kind=HRAction.Kind.NUDGE).order_by("-created_at").first()
    if last is None or last.created_at + NUDGE_INTERVAL <= now:
        return None
    return last.created_at + NUDGE_INTERVAL


# -- the at-risk list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskFilters:
    status: str = ""
    reason: str = ""
    mentor: str = ""  # part of the mentor's name or email address


def at_risk(*, programs: QuerySet[Program] | list[Program], filters: AtRiskFilters) -> QuerySet[PairHealth]:
    """Open relationships with at least one warning sign, lowest health score first (from refreshed figures)."""
    rows = health_rows(programs).filter(
        relationship__status__in=Relationship.OPEN_STATUSES, score__isnull=False, score__lt=100
    )
    if filters.status:
        rows = rows.filter(relationship__status=filters.status)
    if filters.reason:
        rows = rows.filter(codes__contains=f" {filters.reason} ")
    if filters.mentor:
        rows = rows.filter(
            Q(relationship__mentor__full_name__icontains=filters.mentor)
            | Q(relationship__mentor__email__icontains=filters.mentor)
        )
    # Ties in the order the pairs were made, so pages never reshuffle (and one program's list reads its index).
    return rows.order_by("score", "pk")


# -- one pair ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairSummary:
    facts: PairFacts
    actions: list[HRAction]


def pair_summary(*, relationship: Relationship, now: datetime.datetime | None = None) -> PairSummary:
    """One pair, worked out live (it is one relationship, and HR may have just acted on it)."""
    facts = pair_facts(Relationship.objects.filter(pk=relationship.pk), now=now, detail=True)[0]
    actions = list(HRAction.objects.filter(relationship=relationship).select_related("actor", "proposal__mentor__user"))
    return PairSummary(facts=facts, actions=actions)


# -- the overview of all programs --------------------------------------------------------------------------


@dataclass
class ProgramRow:
    program: Program
    relationships: int
    completed: int
    overdue_items: int
    health: HealthSummary


def overview(*, user: User) -> list[ProgramRow]:
    """One row per program the person runs: enrollments, relationships and how healthy the open ones are."""
    programs = list(programs_administered_by(user).order_by("name", "pk"))
    by_program = {
        row["program_id"]: row
        for row in PairHealth.objects.filter(program__in=programs)
        .values("program_id")
        .order_by()
        .annotate(
            **health_totals(),
            relationships=Count("pk"),
            completed=Count("pk", filter=Q(relationship__status=Relationship.Status.COMPLETED)),
            overdue_items=Sum("overdue_items", filter=OPEN, default=0),
        )
    }
    rows = []
    for program in programs:
        found = by_program.get(program.pk)
        totals = found or dict.fromkeys(["open", *Band.values, "flagged", "kept", "assessed"], 0)
        rows.append(
            ProgramRow(
                program=program,
                relationships=found["relationships"] if found else 0,
                completed=found["completed"] if found else 0,
                overdue_items=found["overdue_items"] if found else 0,
                health=HealthSummary(
                    open=totals["open"],
                    bands={band: totals[band] for band in Band.values},
                    buckets=[],
                    flagged=totals["flagged"],
                    cadence_assessed=totals["assessed"],
                    cadence_kept=totals["kept"],
                    worst=[],
                ),
            )
        )
    return rows
