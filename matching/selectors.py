"""Reads the matching pages need: proposals to review or answer, recommended mentors, a pair's check."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.engine.constraints import check_pair
from matching.engine.explain import block_text
from matching.inputs import matching_input
from matching.models import MatchProposal, PairRule
from matching.solving import explain_pair, phrasebook_for, score_context
from matching.wishes import wish_conflicts
from mentorship.accounts.models import User
from mentorship.common.needs import need_rows
from programs.models import Enrollment, Program
from programs.plugins import Link
from relationships.models import Relationship


def get_proposal_for_user(*, user: User, pk: int) -> MatchProposal:
    """A proposal its mentee or mentor may see (never a draft); 404 for anyone else."""
    proposal = (
        MatchProposal.objects.select_related("mentee__user", "mentor__user", "program")
        .filter(pk=pk)
        .exclude(status=MatchProposal.Status.DRAFT)
        .first()
    )
    if proposal is None or user.pk not in (proposal.mentee.user_id, proposal.mentor.user_id):
        raise Http404("No such proposal")
    return proposal


def proposals_for_review(program: Program) -> list[MatchProposal]:
    """Drafts and proposals waiting for a mentor, each with ``wish_conflicts``: the stated wishes it goes against."""
    proposals = list(
        MatchProposal.objects.filter(program=program)
        .filter(Q(status=MatchProposal.Status.DRAFT) | Q(status=MatchProposal.Status.PROPOSED))
        .select_related("mentee__user__profile", "mentor__user__profile")
        .order_by("status", "-score", "pk")
    )
    for proposal in proposals:
        proposal.wish_conflicts = wish_conflicts(proposal.mentee, proposal.mentor)
    return proposals


@dataclass(frozen=True)
class PublishSummary:
    """What publishing the draft does, for the administrator to confirm: who is asked, who stays unmatched."""

    proposals: int
    mentors: int
    left_out: int
    respond_by: datetime.datetime


def publish_summary(*, program: Program, now: datetime.datetime) -> PublishSummary:
    counts = MatchProposal.objects.filter(program=program, status=MatchProposal.Status.DRAFT).aggregate(
        proposals=Count("pk"), mentors=Count("mentor", distinct=True)
    )
    open_proposal = MatchProposal.objects.filter(mentee=OuterRef("pk"), status__in=MatchProposal.OPEN_STATUSES)
    paired = Relationship.objects.filter(
        program=program, mentee=OuterRef("user"), status__in=Relationship.OPEN_STATUSES
    )
    left_out = approved(program, Enrollment.Role.MENTEE).exclude(Exists(open_proposal)).exclude(Exists(paired)).count()
    return PublishSummary(
        proposals=counts["proposals"],
        mentors=counts["mentors"],
        left_out=left_out,
        respond_by=now + datetime.timedelta(days=program.mentor_response_days),
    )


def pair_rules(program: Program) -> QuerySet[PairRule]:
    return PairRule.objects.filter(program=program).select_related("mentee__user", "mentor__user")


def approved(program: Program, role: str) -> QuerySet[Enrollment]:
    return program.enrollments.filter(role=role, status=Enrollment.Status.APPROVED).select_related("user")


def requests_of_mentee(mentee: Enrollment) -> QuerySet[MatchProposal]:
    return (
        MatchProposal.objects.filter(mentee=mentee)
        .exclude(status=MatchProposal.Status.DRAFT)
        .select_related("mentor__user")
        .order_by("-created_at")
    )


@dataclass
class Recommendation:
    mentor: Enrollment
    score: float
    reasons: list[dict[str, object]]
    penalties: list[dict[str, object]]


def recommendations(*, program: Program, mentee: Enrollment, limit: int = 10) -> list[Recommendation]:
    """Feasible mentors with a free place, best first, each with the reasons."""
    data = matching_input(program, mentees=[mentee])
    if not data.mentees:
        return []
    engine_mentee = data.mentees[0]
    context, names = score_context(data), phrasebook_for(data)
    ranked = []
    for mentor in data.mentors:
        if mentor.capacity <= 0 or not check_pair(engine_mentee, mentor, data.settings).ok:
            continue
        score, reasons, penalties = explain_pair(engine_mentee, mentor, context, names)
        ranked.append(Recommendation(data.enrollments[mentor.id], score, reasons, penalties))
    ranked.sort(key=lambda r: (-r.score, r.mentor.pk))
    return ranked[:limit]


def pending_for_mentor(*, user: User) -> list[MatchProposal]:
    """Proposals the mentor can still answer; one past its deadline is lapsing and is not offered any more."""
    in_time = Q(respond_by__isnull=True) | Q(respond_by__gt=timezone.now())
    return list(
        MatchProposal.objects.filter(in_time, mentor__user=user, status=MatchProposal.Status.PROPOSED)
        .select_related("program", "mentee__user__profile")
        .order_by("respond_by")
    )


def proposals_of_mentee(*, user: User) -> list[MatchProposal]:
    return list(
        MatchProposal.objects.filter(mentee__user=user)
        .filter(~Q(status=MatchProposal.Status.DRAFT))
        .select_related("program", "mentor__user")
        .order_by("-created_at")
    )


@dataclass
class PairCheck:
    score: float
    reasons: list[dict[str, object]]
    penalties: list[dict[str, object]]
    problems: list[str]


def pair_check(*, program: Program, mentee_user: User, mentor_user: User) -> PairCheck | None:
    """Score and rule check for an administrator pairing two people by hand; None when they are not enrolled."""
    mentee = program.enrollments.filter(user=mentee_user, role=Enrollment.Role.MENTEE).first()
    mentor = program.enrollments.filter(user=mentor_user, role=program.helper_role).first()
    if mentee is None or mentor is None:
        return None
    data = matching_input(program, mentees=[mentee])
    engine_mentor = next((m for m in data.mentors if m.id == mentor.pk), None)
    if not data.mentees or engine_mentor is None:
        return None
    engine_mentee = data.mentees[0]
    score, reasons, penalties = explain_pair(engine_mentee, engine_mentor, score_context(data), phrasebook_for(data))
    blocks = check_pair(engine_mentee, engine_mentor, data.settings).blocks
    problems = [block_text(block, program.sponsor_min_level_gap) for block in blocks]
    if engine_mentor.capacity <= 0:
        problems.append(_("the mentor has no free place"))
    return PairCheck(score, reasons, penalties, problems)


def pairing_candidates(*, program: Program) -> tuple[QuerySet[User], QuerySet[User]]:
    """Approved mentees without an open relationship, and approved mentors or sponsors."""
    approved_here = Enrollment.objects.filter(program=program, status=Enrollment.Status.APPROVED)
    busy = program.relationships.filter(status__in=Relationship.OPEN_STATUSES).values("mentee")
    mentees = User.objects.filter(pk__in=approved_here.filter(role=Enrollment.Role.MENTEE).values("user")).exclude(
        pk__in=busy
    )
    mentors = User.objects.filter(pk__in=approved_here.filter(role=program.helper_role).values("user"))
    return mentees.order_by("full_name"), mentors.order_by("full_name")


def choose_mentor_link(enrollment: Enrollment) -> Link | None:
    """On the program page: an approved mentee of a program where mentees choose goes to the recommendations."""
    program = enrollment.program
    if (
        enrollment.status == Enrollment.Status.APPROVED
        and enrollment.role == Enrollment.Role.MENTEE
        and program.matching_mode == Program.MatchingMode.MENTEE_CHOOSES
    ):
        return Link(_("Choose your mentor"), reverse("matching:choose", args=[program.slug]))
    return None


# -- what waits for a person (the "needs you" list; see mentorship/needs_you.py) ---------------------------


def needs_you_rows(*, user: User) -> list[QuerySet[Any]]:
    """Proposals and mentee requests to answer, questions about a proposal to reply to, a mentor to choose."""
    waiting = MatchProposal.objects.filter(status=MatchProposal.Status.PROPOSED)
    origin = Case(
        When(origin=MatchProposal.Origin.MENTEE, then=Value("mentee_request")),
        default=Value("proposal"),
        output_field=CharField(),
    )
    to_answer = need_rows(
        waiting.filter(mentor__user=user),
        kind=origin,
        ref=F("pk"),
        parent=F("program_id"),
        due=F("respond_by"),
        name=F("mentee__user__full_name"),
        email=F("mentee__user__email"),
        label=F("program__name"),
        tag=F("program__kind"),
    )
    questions = need_rows(
        waiting.filter(mentee__user=user, answer="").exclude(question=""),
        kind="proposal_question",
        ref=F("pk"),
        parent=F("program_id"),
        due=F("respond_by"),
        name=F("mentor__user__full_name"),
        email=F("mentor__user__email"),
        label=F("program__name"),
    )
    asked = MatchProposal.objects.filter(mentee=OuterRef("pk"), status=MatchProposal.Status.PROPOSED)
    paired = Relationship.objects.filter(
        program=OuterRef("program"), mentee=OuterRef("user"), status__in=Relationship.OPEN_STATUSES
    )
    to_choose = (
        Enrollment.objects.filter(
            user=user,
            role=Enrollment.Role.MENTEE,
            status=Enrollment.Status.APPROVED,
            program__matching_mode=Program.MatchingMode.MENTEE_CHOOSES,
            program__status__in=[Program.Status.OPEN, Program.Status.RUNNING],
        )
        .exclude(Exists(asked))
        .exclude(Exists(paired))
    )
    choose = need_rows(
        to_choose,
        kind="choose_mentor",
        ref=F("pk"),
        parent=F("program_id"),
        due=F("decided_at"),
        label=F("program__name"),
        slug=F("program__slug"),
    )
    return [to_answer, questions, choose]
