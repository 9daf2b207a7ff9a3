"""Turn a program's enrollments into the engine's plain records, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone

from matching.engine.types import Mentee, Mentor, ProgramSettings
from matching.models import MatchProposal, PairRule
from mentorship.accounts.models import Profile
from mentorship.accounts.selectors import saved_hours_of
from programs.models import Enrollment, Program
from relationships.models import Relationship


def _manager_chains(user_ids: set[int]) -> dict[int, frozenset[int]]:
    """Everyone above each person in the reporting line, walking one level per query."""
    manager_of: dict[int, int | None] = {}
    frontier = set(user_ids)
    while frontier:
        rows = dict(Profile.objects.filter(user_id__in=frontier).values_list("user_id", "manager_id"))
        manager_of.update({uid: rows.get(uid) for uid in frontier})
        frontier = {m for m in rows.values() if m is not None and m not in manager_of}
    chains = {}
    for uid in user_ids:
        chain, seen = [], {uid}
        current = manager_of.get(uid)
        while current is not None and current not in seen:
            chain.append(current)
            seen.add(current)
            current = manager_of.get(current)
        chains[uid] = frozenset(chain)
    return chains


def _skills(enrollment_ids: list[int], field: str) -> dict[int, frozenset[int]]:
    through = getattr(Enrollment, field).through
    found: dict[int, set[int]] = defaultdict(set)
    for enrollment_id, skill_id in through.objects.filter(enrollment_id__in=enrollment_ids).values_list(
        "enrollment_id", "skill_id"
    ):
        found[enrollment_id].add(skill_id)
    return {key: frozenset(value) for key, value in found.items()}


@dataclass
class MatchingInput:
    mentees: list[Mentee]
    mentors: list[Mentor]
    settings: ProgramSettings
    enrollments: dict[int, Enrollment]  # by enrollment id, with user and profile loaded


def mentee_enrollments(program: Program) -> list[Enrollment]:
    """Approved mentees with no open relationship and nothing waiting for a mentor's answer."""
    busy_users = program.relationships.filter(status__in=Relationship.OPEN_STATUSES).values("mentee_id")
    waiting = MatchProposal.objects.filter(program=program, status=MatchProposal.Status.PROPOSED).values("mentee_id")
    return list(
        program.enrollments.filter(role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
        .exclude(user_id__in=busy_users)
        .exclude(pk__in=waiting)
        .select_related("user__profile")
        .order_by("pk")
    )


def mentor_enrollments(program: Program) -> list[Enrollment]:
    """Approved mentors or sponsors, each with ``free_places`` after relationships and waiting proposals."""
    helpers = list(
        program.enrollments.filter(role=program.helper_role, status=Enrollment.Status.APPROVED)
        .select_related("user__profile")
        .order_by("pk")
    )
    open_counts = dict(
        program.relationships.filter(status__in=Relationship.OPEN_STATUSES)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    waiting = dict(
        MatchProposal.objects.filter(program=program, status=MatchProposal.Status.PROPOSED)
        .values("mentor_id")
        .annotate(n=Count("pk"))
        .values_list("mentor_id", "n")
    )
    for helper in helpers:
        helper.program = program  # effective_capacity reads it; the same program for all, no query each
        taken = open_counts.get(helper.user_id, 0) + waiting.get(helper.pk, 0)
        helper.free_places = max(helper.effective_capacity - taken, 0)
    return helpers


def matching_input(program: Program, *, mentees: list[Enrollment] | None = None) -> MatchingInput:
    mentees = mentee_enrollments(program) if mentees is None else mentees
    mentors = mentor_enrollments(program)
    chains = _manager_chains({e.user_id for e in mentees})
    growth = _skills([e.pk for e in mentees], "growth_areas")
    offers = _skills([e.pk for e in mentors], "offers")
    # Everyone's saved working hours in one query; people who saved none get the engine's 09:00-17:00 default.
    hours = {
        user_id: tuple((r.weekday, r.start, r.end) for r in ranges)
        for user_id, ranges in saved_hours_of({e.user_id for e in [*mentees, *mentors]}).items()
    }
    categories = frozenset(key for key, _label in program.goal_category_choices())
    mentor_ids = {e.pk for e in mentors}
    mentor_by_user = {e.user_id: e.pk for e in mentors}
    mentee_by_user = {e.user_id: e.pk for e in mentees}

    rules = PairRule.objects.filter(program=program)
    locked = {(r.mentee_id, r.mentor_id) for r in rules if r.rule == PairRule.Rule.LOCK}
    forbidden = {(r.mentee_id, r.mentor_id) for r in rules if r.rule == PairRule.Rule.FORBID}
    # A mentor who turned a mentee down (or let the proposal lapse) is not proposed to them again.
    forbidden |= set(
        MatchProposal.objects.filter(
            program=program, status__in=[MatchProposal.Status.DECLINED, MatchProposal.Status.EXPIRED]
        ).values_list("mentee_id", "mentor_id")
    )
    already = set()
    for mentee_user, mentor_user in program.relationships.values_list("mentee_id", "mentor_id"):
        if mentee_user in mentee_by_user and mentor_user in mentor_by_user:
            already.add((mentee_by_user[mentee_user], mentor_by_user[mentor_user]))

    def profile(e: Enrollment) -> Profile:
        return e.user.profile

    engine_mentees = [
        Mentee(
            id=e.pk,
            user_id=e.user_id,
            department=profile(e).department.casefold(),
            manager_chain=chains.get(e.user_id, frozenset()),
            seniority=profile(e).seniority or 1,
            time_zone=profile(e).time_zone,
            hours=hours.get(e.user_id),
            languages=frozenset(e.languages or profile(e).languages),
            growth_areas=growth.get(e.pk, frozenset()),
            goal_categories=frozenset(e.goal_categories),
            prefers_outside_team=e.prefers_outside_team,
            wishes=tuple(m for m in e.wished_mentors if m in mentor_ids)[:5],
            avoid=frozenset(m for m in e.avoided_mentors if m in mentor_ids),
            is_external=profile(e).is_external,
            open_to_external=e.open_to_external or not program.allow_external,
        )
        for e in mentees
    ]
    engine_mentors = [
        Mentor(
            id=e.pk,
            user_id=e.user_id,
            department=profile(e).department.casefold(),
            seniority=profile(e).seniority or 1,
            time_zone=profile(e).time_zone,
            hours=hours.get(e.user_id),
            languages=frozenset(e.languages or profile(e).languages),
            skills=offers.get(e.pk, frozenset()),
            categories=categories,
            capacity=e.free_places,
            is_external=profile(e).is_external,
        )
        for e in mentors
    ]
    settings = ProgramSettings(
        kind=program.kind,
        allow_external=program.allow_external,
        forbidden=frozenset(forbidden),
        already_matched=frozenset(already),
        locked=frozenset(p for p in locked if p[0] in mentee_by_user.values()),
        sponsor_min_gap=program.sponsor_min_level_gap,
        reference_date=timezone.localdate(),
    )
    enrollments = {e.pk: e for e in [*mentees, *mentors]}
    return MatchingInput(engine_mentees, engine_mentors, settings, enrollments)
