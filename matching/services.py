"""Writes for matching: draft runs, locks and forbids, publishing, mentor answers, mentee requests.

Accepting a proposal creates the relationship through relationships.services.relationship_create, which checks
the pairing rules once more under the program's lock.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from matching import emails
from matching.engine.types import MatchResult
from matching.inputs import MatchingInput, matching_input
from matching.models import MatchProposal, PairRule
from matching.selectors import recommendations
from matching.solving import explain_pair, phrasebook_for, score_context, solve
from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from mentorship.notifications.audit import Action, audit_record
from programs.models import Enrollment, Program
from relationships.models import Relationship
from relationships.services import RelationshipError, relationship_create

MAX_MENTEE_REQUESTS = 3


class MatchingError(DomainError):
    """A matching request the rules refuse; the message is for the person who asked."""


@dataclass
class RunReport:
    matched: int
    mentees: int
    summary: str
    unmatched: list[dict[str, object]]


def _proposal_fields(data: MatchingInput, mentee_id: int, mentor_id: int) -> dict[str, object]:
    mentee = next(m for m in data.mentees if m.id == mentee_id)
    mentor = next(m for m in data.mentors if m.id == mentor_id)
    score, reasons, penalties = explain_pair(mentee, mentor, score_context(data), phrasebook_for(data))
    return {"score": score, "reasons": reasons, "penalties": penalties}


@transaction.atomic
def matching_run(*, program: Program, actor: User) -> RunReport:
    """Compute the best assignment for everyone waiting and store it as drafts for the admin to review."""
    Program.objects.select_for_update().get(pk=program.pk)
    MatchProposal.objects.filter(program=program, status=MatchProposal.Status.DRAFT).delete()
    data = matching_input(program)
    result = solve(data)
    matched = write_drafts(program=program, data=data, result=result, actor=actor)
    unmatched = [
        {
            "mentee": str(data.enrollments[u.mentee_id].user),
            "reason": _("no feasible mentor")
            if u.reason == "no feasible mentor"
            else _("every suitable mentor is full"),
        }
        for u in result.unmatched
    ]
    audit_record(
        action=Action.MATCHING_RUN,
        actor=actor,
        target=program,
        summary="Matching run: drafts proposed for review",
        details={"matched": matched, "mentees": len(data.mentees)},
    )
    return RunReport(matched=matched, mentees=len(data.mentees), summary=result.summary, unmatched=unmatched)


def write_drafts(*, program: Program, data: MatchingInput, result: MatchResult, actor: User | None) -> int:
    """Store the engine's pairs as draft proposals, each with its reasons in plain words."""
    by_id = {m.id: m for m in data.mentees}
    mentors_by_id = {m.id: m for m in data.mentors}
    context, names = score_context(data), phrasebook_for(data)
    drafts = []
    for match in result.matches:
        score, reasons, penalties = explain_pair(by_id[match.mentee_id], mentors_by_id[match.mentor_id], context, names)
        drafts.append(
            MatchProposal(
                program=program,
                mentee_id=match.mentee_id,
                mentor_id=match.mentor_id,
                origin=MatchProposal.Origin.ENGINE,
                status=MatchProposal.Status.DRAFT,
                score=score,
                reasons=reasons,
                penalties=penalties,
                locked=match.locked,
                created_by=actor,
            )
        )
    MatchProposal.objects.bulk_create(drafts, batch_size=2000)
    return len(drafts)


def _enrollment_pair(program: Program, mentee_id: int, mentor_id: int) -> tuple[Enrollment, Enrollment]:
    mentee = program.enrollments.filter(pk=mentee_id, role=Enrollment.Role.MENTEE).first()
    mentor = program.enrollments.filter(pk=mentor_id, role=program.helper_role).first()
    if mentee is None or mentor is None:
        raise MatchingError(_("Those two are not a mentee and a mentor of this program."))
    return mentee, mentor


@transaction.atomic
def pair_rule_set(*, program: Program, mentee_id: int, mentor_id: int, rule: str, actor: User) -> PairRule | None:
    """Lock or forbid a pair (a mentee has one lock at most); rule "" clears what was set."""
    mentee, mentor = _enrollment_pair(program, mentee_id, mentor_id)
    PairRule.objects.filter(mentee=mentee, mentor=mentor).delete()
    if not rule:
        return None
    if rule == PairRule.Rule.LOCK:
        PairRule.objects.filter(program=program, mentee=mentee, rule=PairRule.Rule.LOCK).delete()
    return PairRule.objects.create(program=program, mentee=mentee, mentor=mentor, rule=rule, created_by=actor)


@transaction.atomic
def matching_publish(*, program: Program, actor: User, expected: int | None = None) -> int:
    """Send every draft pair to its mentor, who answers by the program's deadline.

    `expected` is the number of pairs the administrator confirmed; when the draft changed since (another
    administrator ran matching again), nothing is sent and they are asked to look again.
    """
    respond_by = timezone.now() + datetime.timedelta(days=program.mentor_response_days)
    drafts = list(
        MatchProposal.objects.select_for_update(of=("self",))
        .filter(program=program, status=MatchProposal.Status.DRAFT)
        .select_related("mentor__user", "mentee__user", "program")
    )
    if expected is not None and len(drafts) != expected:
        raise MatchingError(
            _("The draft changed while you were looking: it now holds %(n)s pairs. Check it, then publish again.")
            % {"n": len(drafts)}
        )
    if not drafts:
        raise MatchingError(_("There is no draft to publish. Run matching first."))
    for proposal in drafts:
        proposal.status = MatchProposal.Status.PROPOSED
        proposal.respond_by = respond_by
        proposal.save(update_fields=["status", "respond_by"])
        emails.proposal_received(proposal=proposal)
    audit_record(
        action=Action.MATCHING_PUBLISHED,
        actor=actor,
        target=program,
        summary="Draft matches sent to the mentors",
        details={"proposals": len(drafts)},
    )
    return len(drafts)


def _lock_proposal(proposal: MatchProposal) -> MatchProposal:
    # Lock the proposal row only; the joined rows are read, not locked (PostgreSQL refuses to lock outer joins).
    return (
        MatchProposal.objects.select_for_update(of=("self",))
        .select_related("program", "mentee__user__profile", "mentor__user__profile")
        .get(pk=proposal.pk)
    )


def _require_in_time(proposal: MatchProposal, actor: User) -> None:
    """A proposal whose deadline passed is lapsing: the beat expires it and offers the mentee someone else.

    Checked under the proposal's row lock, so an accept and the expiry never both go through.
    """
    if proposal.respond_by is not None and proposal.respond_by <= timezone.now():
        deadline = date_format(timezone.localtime(proposal.respond_by, actor.zone), "j F Y, H:i")
        raise MatchingError(
            _(
                "The time to answer this proposal ran out on %(deadline)s. The mentee is being offered another "
                "mentor; ask the program team if you would still like to take them on."
            )
            % {"deadline": deadline}
        )


@transaction.atomic
def proposal_accept(*, proposal: MatchProposal, actor: User) -> Relationship:
    """The mentor says yes: capacity is checked under a row lock so two accepts cannot overfill it."""
    proposal = _lock_proposal(proposal)
    if proposal.mentor.user_id != actor.pk:
        raise MatchingError(_("Only the proposed mentor can accept."))
    if proposal.status != MatchProposal.Status.PROPOSED:
        raise MatchingError(_("This proposal is no longer waiting for an answer."))
    _require_in_time(proposal, actor)
    # Lock the mentor's enrollment: concurrent accepts for the same mentor queue up here.
    mentor = Enrollment.objects.select_for_update().select_related("program").get(pk=proposal.mentor_id)
    program = proposal.program
    taken = program.relationships.filter(mentor_id=mentor.user_id, status__in=Relationship.OPEN_STATUSES).count()
    if taken >= mentor.effective_capacity:
        raise MatchingError(
            _("You have no free place left in this program. Decline, or ask HR to raise your capacity.")
        )
    try:
        relationship = relationship_create(
            program=program, mentee=proposal.mentee.user, mentor=mentor.user, created_by=actor
        )
    except RelationshipError as exc:
        raise MatchingError(str(exc)) from None
    proposal.status = MatchProposal.Status.ACCEPTED
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
    # Other open proposals for this mentee are moot now.
    MatchProposal.objects.filter(mentee=proposal.mentee, status__in=MatchProposal.OPEN_STATUSES).exclude(
        pk=proposal.pk
    ).update(status=MatchProposal.Status.WITHDRAWN)
    return relationship


@transaction.atomic
def proposal_decline(*, proposal: MatchProposal, actor: User, reason: str) -> MatchProposal | None:
    """The mentor says no; the mentee gets the next-best feasible proposal straight away."""
    proposal = _lock_proposal(proposal)
    if proposal.mentor.user_id != actor.pk:
        raise MatchingError(_("Only the proposed mentor can decline."))
    if proposal.status != MatchProposal.Status.PROPOSED:
        raise MatchingError(_("This proposal is no longer waiting for an answer."))
    if not reason.strip():
        raise MatchingError(_("A short reason helps the program find a better match."))
    proposal.status = MatchProposal.Status.DECLINED
    proposal.decline_reason = reason.strip()
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decline_reason", "decided_at"])
    return propose_next_best(program=proposal.program, mentee=proposal.mentee)


@transaction.atomic
def proposal_ask(*, proposal: MatchProposal, actor: User, question: str) -> MatchProposal:
    proposal = _lock_proposal(proposal)
    if proposal.mentor.user_id != actor.pk or proposal.status != MatchProposal.Status.PROPOSED:
        raise MatchingError(_("You cannot ask about this proposal."))
    _require_in_time(proposal, actor)
    if not question.strip():
        raise MatchingError(_("Write your question first."))
    proposal.question = question.strip()
    proposal.answer = ""
    proposal.save(update_fields=["question", "answer"])
    emails.proposal_question(proposal=proposal)
    return proposal


@transaction.atomic
def proposal_answer(*, proposal: MatchProposal, actor: User, answer: str) -> MatchProposal:
    proposal = _lock_proposal(proposal)
    if proposal.mentee.user_id != actor.pk or not proposal.question:
        raise MatchingError(_("There is no question for you here."))
    if not answer.strip():
        raise MatchingError(_("Write your answer first."))
    proposal.answer = answer.strip()
    proposal.save(update_fields=["answer"])
    emails.proposal_answered(proposal=proposal)
    return proposal


def propose_next_best(*, program: Program, mentee: Enrollment) -> MatchProposal | None:
    """The best feasible mentor with a free place for one mentee, proposed at once with a fresh deadline."""
    if program.relationships.filter(mentee_id=mentee.user_id, status__in=Relationship.OPEN_STATUSES).exists():
        return None
    data = matching_input(program, mentees=[mentee])
    result = solve(data)
    if not result.matches:
        return None
    match = result.matches[0]
    proposal = MatchProposal.objects.create(
        program=program,
        mentee=mentee,
        mentor_id=match.mentor_id,
        origin=MatchProposal.Origin.ENGINE,
        status=MatchProposal.Status.PROPOSED,
        respond_by=timezone.now() + datetime.timedelta(days=program.mentor_response_days),
        **_proposal_fields(data, match.mentee_id, match.mentor_id),
    )
    emails.proposal_received(proposal=proposal)
    return proposal


def proposals_expire(*, now: datetime.datetime | None = None) -> int:
    """Proposals past their deadline lapse, and their mentees move on to the next-best mentor."""
    now = now or timezone.now()
    expired = 0
    due = MatchProposal.objects.filter(status=MatchProposal.Status.PROPOSED, respond_by__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        with transaction.atomic():
            proposal = (
                MatchProposal.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, status=MatchProposal.Status.PROPOSED)
                .select_related("program", "mentee")
                .first()
            )
            if proposal is None:
                continue
            proposal.status = MatchProposal.Status.EXPIRED
            proposal.decided_at = now
            proposal.save(update_fields=["status", "decided_at"])
            propose_next_best(program=proposal.program, mentee=proposal.mentee)
            expired += 1
    return expired


# -- mentee chooses ----------------------------------------------------------------------------------------


@transaction.atomic
def mentee_request(*, program: Program, mentee: Enrollment, mentor_id: int) -> MatchProposal:
    if program.matching_mode != Program.MatchingMode.MENTEE_CHOOSES:
        raise MatchingError(_("In this program, the program team proposes matches."))
    Enrollment.objects.select_for_update().get(pk=mentee.pk)
    open_requests = MatchProposal.objects.filter(mentee=mentee, status=MatchProposal.Status.PROPOSED).count()
    if open_requests >= MAX_MENTEE_REQUESTS:
        raise MatchingError(
            _("You already have %(n)s requests waiting. Wait for an answer before asking someone else.")
            % {"n": MAX_MENTEE_REQUESTS}
        )
    options = {r.mentor.pk: r for r in recommendations(program=program, mentee=mentee, limit=1000)}
    if mentor_id not in options:
        raise MatchingError(_("That mentor cannot take you on in this program."))
    choice = options[mentor_id]
    try:
        with transaction.atomic():
            proposal = MatchProposal.objects.create(
                program=program,
                mentee=mentee,
                mentor=choice.mentor,
                origin=MatchProposal.Origin.MENTEE,
                status=MatchProposal.Status.PROPOSED,
                score=choice.score,
                reasons=choice.reasons,
                penalties=choice.penalties,
                respond_by=timezone.now() + datetime.timedelta(days=program.mentor_response_days),
            )
    except IntegrityError:
        raise MatchingError(_("You already asked this mentor.")) from None
    emails.proposal_received(proposal=proposal)
    return proposal


@transaction.atomic
def pair_by_hand(*, program: Program, mentee: User, mentor: User, actor: User) -> Relationship:
    """An administrator pairs two people directly; the pairing rules apply as for any other pairing."""
    relationship = relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=actor)
    audit_record(
        action=Action.PAIRED_BY_HAND,
        actor=actor,
        target=relationship,
        summary="Pair created by an administrator",
        details={"program": program.pk},
    )
    return relationship
