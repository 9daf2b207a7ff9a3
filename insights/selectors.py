"""Reads for the insights pages, each behind the program-administrator door (404 for everyone else)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from insights.facts import PairFacts, pair_facts
from insights.metrics import HealthSummary, at_risk_order, health_summary
from insights.models import HRAction
from mentorship.accounts.models import User
from programs.models import Program
from programs.selectors import programs_administered_by, user_administers
from relationships.models import Relationship


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


# -- the at-risk list --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AtRiskFilters:
    status: str = ""
    reason: str = ""
    mentor: str = ""  # part of the mentor's name or email address


def at_risk(
    *, programs: QuerySet[Program] | list[Program], filters: AtRiskFilters, now: datetime.datetime | None = None
) -> list[PairFacts]:
    """Open relationships with at least one warning sign, lowest health score first."""
    relationships = Relationship.objects.filter(program__in=programs, status__in=Relationship.OPEN_STATUSES)
    if filters.status:
        relationships = relationships.filter(status=filters.status)
    if filters.mentor:
        relationships = relationships.filter(
            Q(mentor__full_name__icontains=filters.mentor) | Q(mentor__email__icontains=filters.mentor)
        )
    rows = [
        fact
        for fact in pair_facts(relationships, now=now)
        if fact.health and fact.health.reasons and (not filters.reason or filters.reason in fact.health.codes)
    ]
    rows.sort(key=at_risk_order)
    return rows


# -- one pair ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PairSummary:
    facts: PairFacts
    actions: list[HRAction]


def pair_summary(*, relationship: Relationship, now: datetime.datetime | None = None) -> PairSummary:
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


def overview(*, user: User, now: datetime.datetime | None = None) -> list[ProgramRow]:
    """One row per program the person runs: enrollments, relationships and how healthy the open ones are."""
    now = now or timezone.now()
    programs = list(programs_administered_by(user).order_by("name", "pk"))
    facts_by_program: dict[int, list[PairFacts]] = defaultdict(list)
    for fact in pair_facts(Relationship.objects.filter(program__in=programs), now=now):
        facts_by_program[fact.program_id].append(fact)
    rows = []
    for program in programs:
        facts = facts_by_program[program.pk]
        rows.append(
            ProgramRow(
                program=program,
                relationships=len(facts),
                completed=sum(fact.status == Relationship.Status.COMPLETED for fact in facts),
                overdue_items=sum(fact.overdue_items for fact in facts if fact.is_open),
                health=health_summary(facts, worst=0),
            )
        )
    return rows
