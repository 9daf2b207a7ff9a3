"""Writes for relationships. Each one checks the actor's side before it changes anything."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from mentorship.notifications.audit import Action, audit_record
from programs.models import Enrollment, Program
from relationships import emails
from relationships.models import (
    Activity,
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
    Side,
)
from relationships.plugins import relationship_closed


class RelationshipError(DomainError):
    """A request the rules refuse; the message is meant for the person who asked."""


def _require(side: str, *allowed: str, message: str) -> None:
    if side not in allowed:
        raise RelationshipError(message)


def _require_open(relationship: Relationship) -> None:
    if not relationship.is_open:
        raise RelationshipError(_("This relationship has ended; it can be read but no longer changed."))


def relationships_touch(*relationship_ids: int) -> None:
    """Say that what these relationships' pages show has changed: their cached parts are read afresh.

    Every write that changes something on the page calls it (the timeline's _log does), in the write's own
    transaction, so a page read before the commit keeps the old revision and one read after it gets the new.
    """
    if relationship_ids:
        Relationship.objects.filter(pk__in=relationship_ids).update(revision=F("revision") + 1)


def _log(relationship: Relationship, actor: User | None, summary: str) -> None:
    Activity.objects.create(relationship=relationship, actor=actor, summary=summary[:300])
    relationships_touch(relationship.pk)


def _audit_intervention(side: str, relationship: Relationship, actor: User, what: str) -> None:
    """HR stepping into a pair's relationship is recorded in the audit log (the pair's own moves are not)."""
    if side == Side.ADMIN:
        audit_record(
            action=Action.INTERVENTION,
            actor=actor,
            target=relationship,
            summary=f"Relationship {what} by the program team",
            details={"program": relationship.program_id, "status": relationship.status},
        )


# -- creation ----------------------------------------------------------------------------------------------

KIND_FOR_PROGRAM = {
    Program.Kind.MENTORING: Relationship.Kind.MENTORING,
    Program.Kind.SPONSORSHIP: Relationship.Kind.SPONSORSHIP,
    Program.Kind.REVERSE: Relationship.Kind.REVERSE,
}


def pairing_problem(*, program: Program, mentee: User, mentor: User) -> str | None:
    """Why these two cannot be paired in this program, or None."""
    if mentee.pk == mentor.pk:
        return _("Nobody can mentor themselves.")
    helper_role = program.helper_role
    approved = Enrollment.objects.filter(program=program, status=Enrollment.Status.APPROVED)
    if not approved.filter(user=mentee, role=Enrollment.Role.MENTEE).exists():
        return _("%(name)s is not an approved mentee in this program.") % {"name": mentee.display_name}
    helper = approved.filter(user=mentor, role=helper_role).first()
    if helper is None:
        return _("%(name)s is not an approved %(role)s in this program.") % {
            "name": mentor.display_name,
            "role": Enrollment.Role(helper_role).label.lower(),
        }
    open_rel = Relationship.objects.filter(program=program, status__in=Relationship.OPEN_STATUSES)
    if open_rel.filter(mentee=mentee).exists():
        return _("%(name)s already has a relationship in this program.") % {"name": mentee.display_name}
    if Relationship.objects.filter(program=program, mentee=mentee, mentor=mentor).exists():
        return _("These two were already paired in this program.")
    helper.program = program
    if open_rel.filter(mentor=mentor).count() >= helper.effective_capacity:
        return _("%(name)s has no free capacity.") % {"name": mentor.display_name}
    if program.kind == Program.Kind.SPONSORSHIP:
        mentee_level, sponsor_level = mentee.profile.seniority or 0, mentor.profile.seniority or 0
        if sponsor_level < mentee_level + program.sponsor_min_level_gap:
            return _("A sponsor must be at least %(gap)s seniority levels above the sponsee.") % {
                "gap": program.sponsor_min_level_gap
            }
    return None


@transaction.atomic
def relationship_create(*, program: Program, mentee: User, mentor: User, created_by: User | None) -> Relationship:
    # Serialise pairings per program so capacity and the one-relationship rule hold under concurrency.
    Program.objects.select_for_update().get(pk=program.pk)
    problem = pairing_problem(program=program, mentee=mentee, mentor=mentor)
    if problem:
        raise RelationshipError(problem)
    today = timezone.localdate()
    try:
        relationship = Relationship.objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            kind=KIND_FOR_PROGRAM[Program.Kind(program.kind)],
            started_on=today,
            planned_end_on=today + relativedelta(months=program.default_relationship_months),
            mentor_is_external=mentor.profile.is_external,
            mentor_outside_team=mentor.profile.department.casefold() != mentee.profile.department.casefold(),
        )
    except IntegrityError:
        raise RelationshipError(_("These two cannot be paired again in this program.")) from None
    _log(relationship, created_by, _("The relationship was created."))
    emails.relationship_started(relationship=relationship)
    return relationship


def refresh_status(*, relationship: Relationship, actor: User | None) -> None:
    """Getting started becomes active once there is a goal and both accepted the agreement."""
    if relationship.status != Relationship.Status.STARTING:
        return
    agreement = relationship.agreements.first()
    if agreement and agreement.accepted_by_both and relationship.goals.exists():
        relationship.status = Relationship.Status.ACTIVE
        relationship.save(update_fields=["status", "updated_at"])
        _log(relationship, actor, _("Goals and agreement are in place: the relationship is active."))


# -- goals -------------------------------------------------------------------------------------------------

GOAL_FIELDS = (
    "title",
    "category",
    "custom_category",
    "why",
    "success_measure",
    "target_date",
    "status",
    "progress",
    "shared_with_program",
)


@transaction.atomic
def goal_save(*, relationship: Relationship, side: str, actor: User, goal: Goal | None, **fields: Any) -> Goal:
    _require(side, Side.MENTEE, message=_("Goals belong to the mentee; only they can add or change them."))
    _require_open(relationship)
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise TypeError(f"not goal fields: {sorted(unknown)}")
    created = goal is None
    goal = goal or Goal(relationship=relationship)
    for name, value in fields.items():
        setattr(goal, name, value)
    if goal.status == Goal.Status.ACHIEVED:
        goal.progress = 100
    goal.full_clean()
    goal.save()
    if created:
        _log(relationship, actor, _("Goal added: %(title)s") % {"title": goal.title})
        refresh_status(relationship=relationship, actor=actor)
    else:
        _log(
            relationship,
            actor,
            _("Goal updated: %(title)s (%(status)s)")
            % {
                "title": goal.title,
                "status": goal.get_status_display().lower(),
            },
        )
    return goal


def goal_comment(*, goal: Goal, side: str, actor: User, body: str) -> GoalComment:
    _require(side, Side.MENTEE, Side.MENTOR, message=_("Only the two people in the relationship can comment."))
    _require_open(goal.relationship)
    if not body.strip():
        raise RelationshipError(_("Write something before posting the comment."))
    comment = GoalComment.objects.create(goal=goal, author=actor, body=body.strip())
    relationships_touch(goal.relationship_id)
    return comment


def milestone_add(*, goal: Goal, side: str, title: str, due_on: datetime.date | None) -> Milestone:
    _require(side, Side.MENTEE, message=_("Only the mentee plans milestones for their goals."))
    _require_open(goal.relationship)
    milestone = Milestone.objects.create(goal=goal, title=title.strip(), due_on=due_on)
    relationships_touch(goal.relationship_id)
    return milestone


def milestone_toggle(*, milestone: Milestone, side: str) -> Milestone:
    _require(side, Side.MENTEE, message=_("Only the mentee ticks off milestones."))
    _require_open(milestone.goal.relationship)
    milestone.done_at = None if milestone.done_at else timezone.now()
    milestone.save(update_fields=["done_at"])
    relationships_touch(milestone.goal.relationship_id)
    return milestone


# -- agreement ---------------------------------------------------------------------------------------------

AGREEMENT_FIELDS = (
    "channels",
    "cadence",
    "meeting_minutes",
    "mentee_responsibilities",
    "mentor_responsibilities",
    "mentee_offers",
    "mentor_offers",
    "desired_outcomes",
    "confidentiality",
    "review_on",
    "ends_on",
)


@transaction.atomic
def agreement_save(*, relationship: Relationship, side: str, actor: User, **fields: Any) -> Agreement:
    """Draft or change the agreement. Once anyone accepted a version, a change starts a new version."""
    _require(side, Side.MENTEE, Side.MENTOR, message=_("Only the two people in the relationship draft the agreement."))
    _require_open(relationship)
    unknown = set(fields) - set(AGREEMENT_FIELDS)
    if unknown:
        raise TypeError(f"not agreement fields: {sorted(unknown)}")
    current = relationship.agreements.select_for_update().first()
    if current is None or current.has_acceptance:
        agreement = Agreement(relationship=relationship, version=(current.version + 1) if current else 1)
    else:
        agreement = current
    for name, value in fields.items():
        setattr(agreement, name, value)
    agreement.drafted_by = actor
    agreement.full_clean()
    try:
        with transaction.atomic():
            agreement.save()
    except IntegrityError:
        # The other person saved a version at the same moment; theirs stands and this one must be redone.
        raise RelationshipError(_("The agreement was changed at the same moment. Reload it and try again.")) from None
    _log(relationship, actor, _("Agreement version %(v)s drafted; both need to accept it.") % {"v": agreement.version})
    emails.agreement_to_accept(agreement=agreement, recipient_id=relationship.other_person_id(actor.pk))
    return agreement


@transaction.atomic
def agreement_accept(*, agreement: Agreement, side: str, actor: User) -> Agreement:
    _require(side, Side.MENTEE, Side.MENTOR, message=_("Only the mentee and the mentor can accept the agreement."))
    relationship = agreement.relationship
    _require_open(relationship)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    latest = relationship.agreements.first()
    if latest is None or latest.pk != agreement.pk:
        raise RelationshipError(_("A newer version of the agreement exists; read and accept that one."))
    if agreement.accepted_by(side):
        return agreement
    now = timezone.now()
    if side == Side.MENTEE:
        agreement.mentee_accepted_at = now
    else:
        agreement.mentor_accepted_at = now
    agreement.save(update_fields=["mentee_accepted_at", "mentor_accepted_at", "updated_at"])
    _log(
        relationship,
        actor,
        _("Agreement version %(v)s accepted by %(name)s.")
        % {
            "v": agreement.version,
            "name": actor.display_name,
        },
    )
    refresh_status(relationship=relationship, actor=actor)
    return agreement


# -- sponsorship advocacy ----------------------------------------------------------------------------------

ADVOCACY_FIELDS = ("kind", "happened_on", "description", "status", "outcome")


@transaction.atomic
def advocacy_save(
    *, relationship: Relationship, side: str, actor: User, action: AdvocacyAction | None, **fields: Any
) -> AdvocacyAction:
    if not relationship.is_sponsorship:
        raise RelationshipError(_("The advocacy log belongs to sponsorships."))
    _require(side, Side.MENTOR, message=_("Only the sponsor records advocacy."))
    _require_open(relationship)
    created = action is None
    action = action or AdvocacyAction(relationship=relationship, created_by=actor)
    for name in ADVOCACY_FIELDS:
        if name in fields:
            setattr(action, name, fields[name])
    action.full_clean()
    action.save()
    verb = _("recorded") if created else _("updated")
    _log(relationship, actor, _("Advocacy %(verb)s: %(kind)s") % {"verb": verb, "kind": action.get_kind_display()})
    return action


def advocacy_followup(*, action: AdvocacyAction, side: str, actor: User, text: str) -> AdvocacyAction:
    _require(side, Side.MENTEE, message=_("Only the sponsee adds what followed."))
    _require_open(action.relationship)
    action.sponsee_followup = text.strip()
    action.save(update_fields=["sponsee_followup", "updated_at"])
    _log(
        action.relationship, actor, _("The sponsee added what followed: %(kind)s") % {"kind": action.get_kind_display()}
    )
    return action


# -- private notes -----------------------------------------------------------------------------------------


def private_note_add(*, relationship: Relationship, side: str, actor: User, body: str) -> PrivateNote:
    _require(side, Side.MENTEE, Side.MENTOR, message=_("Only the two people keep private notes here."))
    if not body.strip():
        raise RelationshipError(_("The note is empty."))
    # Deliberately not logged in the timeline: the other person should not even learn a note exists.
    note = PrivateNote.objects.create(relationship=relationship, author=actor, body=body.strip())
    relationships_touch(relationship.pk)
    return note


def private_note_delete(*, note: PrivateNote, actor: User) -> None:
    if note.author_id != actor.pk:
        raise RelationshipError(_("Only the author can delete a private note."))
    note.delete()
    relationships_touch(note.relationship_id)


# -- pause, resume, end ------------------------------------------------------------------------------------


@transaction.atomic
def relationship_pause(*, relationship: Relationship, side: str, actor: User, reason: str) -> Relationship:
    _require(side, Side.MENTEE, Side.MENTOR, Side.ADMIN, message=_("You cannot pause this relationship."))
    if relationship.status not in (Relationship.Status.STARTING, Relationship.Status.ACTIVE):
        raise RelationshipError(_("Only a relationship that is under way can be paused."))
    if not reason.strip():
        raise RelationshipError(_("Say why you are pausing; the other person will read it."))
    relationship.status = Relationship.Status.PAUSED
    relationship.paused_reason = reason.strip()
    relationship.save(update_fields=["status", "paused_reason", "updated_at"])
    _log(
        relationship,
        actor,
        _("Paused by %(name)s: %(reason)s") % {"name": actor.display_name, "reason": reason.strip()},
    )
    _audit_intervention(side, relationship, actor, "paused")
    emails.status_changed(relationship=relationship, actor=actor)
    return relationship


@transaction.atomic
def relationship_resume(*, relationship: Relationship, side: str, actor: User) -> Relationship:
    _require(side, Side.MENTEE, Side.MENTOR, Side.ADMIN, message=_("You cannot resume this relationship."))
    if relationship.status != Relationship.Status.PAUSED:
        raise RelationshipError(_("Only a paused relationship can be resumed."))
    relationship.status = Relationship.Status.STARTING
    relationship.paused_reason = ""
    relationship.save(update_fields=["status", "paused_reason", "updated_at"])
    _log(relationship, actor, _("Resumed by %(name)s.") % {"name": actor.display_name})
    # Resuming returns to wherever the pair actually is: active only when goals and agreement are in place.
    refresh_status(relationship=relationship, actor=actor)
    _audit_intervention(side, relationship, actor, "resumed")
    emails.status_changed(relationship=relationship, actor=actor)
    return relationship


@transaction.atomic
def relationship_end(
    *, relationship: Relationship, side: str, actor: User, completed: bool, reason: str
) -> Relationship:
    _require(side, Side.MENTEE, Side.MENTOR, Side.ADMIN, message=_("You cannot end this relationship."))
    _require_open(relationship)
    if not completed and not reason.strip():
        raise RelationshipError(_("Say why the relationship ends early; it helps the program improve."))
    relationship.status = Relationship.Status.COMPLETED if completed else Relationship.Status.ENDED
    relationship.ended_on = timezone.localdate()
    relationship.end_reason = reason.strip()
    relationship.ended_by = actor
    # Ending a paused relationship: the pause reason is history, not why it ended (the email shows both).
    relationship.paused_reason = ""
    relationship.save(update_fields=["status", "ended_on", "end_reason", "ended_by", "paused_reason", "updated_at"])
    # Apps above this one (meetings) stop what they planned for the pair, in this same transaction.
    relationship_closed.send(sender=Relationship, relationship=relationship)
    _log(
        relationship,
        actor,
        _("%(status)s by %(name)s.")
        % {
            "status": relationship.get_status_display(),
            "name": actor.display_name,
        },
    )
    _audit_intervention(side, relationship, actor, "ended")
    emails.status_changed(relationship=relationship, actor=actor)
    return relationship


@dataclass
class ReflectionInput:
    goals_reached: str
    what_worked: str
    what_to_change: str
    rating: int
    thank_you: str


@transaction.atomic
def reflection_save(*, relationship: Relationship, side: str, actor: User, data: ReflectionInput) -> Reflection:
    _require(side, Side.MENTEE, Side.MENTOR, message=_("Only the two people reflect on their relationship."))
    if relationship.is_open:
        raise RelationshipError(_("Reflections come when the relationship ends."))
    if Reflection.objects.filter(relationship=relationship, author=actor).exists():
        raise RelationshipError(_("You already shared your reflection. Thank you!"))
    reflection = Reflection(relationship=relationship, author=actor, **data.__dict__)
    reflection.full_clean()
    try:
        with transaction.atomic():
            reflection.save()
    except IntegrityError:
        raise RelationshipError(_("You already shared your reflection. Thank you!")) from None
    _log(relationship, actor, _("%(name)s shared a reflection.") % {"name": actor.display_name})
    if reflection.thank_you.strip():
        emails.thank_you(reflection=reflection, recipient_id=relationship.other_person_id(actor.pk))
    return reflection
