"""What program administrators do from the insights pages: nudge a pair, pause, end, re-match the mentee.

Each service checks that the actor runs the relationship's program, locks the relationship row (two clicks at
once do the thing once, the second is refused with a reason), and records an ``HRAction`` with who and when.
Pausing and ending go through relationships.services with the administrator's side, so the pair is told and the
timeline says what happened exactly as when HR acts from the relationship page.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from insights import emails
from insights.models import HRAction
from matching.models import MatchProposal
from matching.services import propose_next_best
from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from programs.models import Enrollment
from programs.selectors import user_administers
from relationships.models import Relationship, Side
from relationships.services import relationship_end, relationship_pause

# A pair hears from the program team at most once in this period.
NUDGE_INTERVAL = datetime.timedelta(days=7)
NOTE_MAX = 1000


class InsightsError(DomainError):
    """An administrator's request the rules refuse; the message says why."""


def _locked(relationship: Relationship, actor: User) -> Relationship:
    if not user_administers(user=actor, program=relationship.program):
        raise InsightsError(_("Only the program's administrators can do this."))
    return (
        Relationship.objects.select_for_update().select_related("program", "mentee", "mentor").get(pk=relationship.pk)
    )


def _note(text: str) -> str:
    note = text.strip()
    if len(note) > NOTE_MAX:
        raise InsightsError(_("Keep it under %(n)s characters.") % {"n": NOTE_MAX}, field="note")
    return note


def iso_week(moment: datetime.datetime) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def next_nudge_from(relationship: Relationship, *, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """When the program team may nudge this pair again, or None when it may now."""
    now = now or timezone.now()
    last = HRAction.objects.filter(relationship=relationship, kind=HRAction.Kind.NUDGE).order_by("-created_at").first()
    if last is None or last.created_at + NUDGE_INTERVAL <= now:
        return None
    return last.created_at + NUDGE_INTERVAL


@transaction.atomic
def pair_nudge(*, relationship: Relationship, actor: User, note: str = "") -> HRAction:
    """A check-in to both people: a notice under the bell and an email, once a week at most."""
    relationship = _locked(relationship, actor)
    if not relationship.is_open:
        raise InsightsError(_("This relationship has ended; there is nobody to nudge."))
    note = _note(note)
    now = timezone.now()
    again = next_nudge_from(relationship, now=now)
    refusal = _("This pair already had a check-in nudge this week. The next one can go on %(date)s.")
    if again is not None:
        raise InsightsError(refusal % {"date": date_format(timezone.localtime(again), "j F Y")})
    week = iso_week(now)
    try:
        with transaction.atomic():
            action = HRAction.objects.create(
                relationship=relationship, actor=actor, kind=HRAction.Kind.NUDGE, note=note, week=week
            )
    except IntegrityError:
        raise InsightsError(
            refusal % {"date": date_format(timezone.localtime(now + NUDGE_INTERVAL), "j F Y")}
        ) from None
    emails.checkin_nudge(relationship=relationship, actor=actor, week=week, note=note)
    return action


@transaction.atomic
def pair_pause(*, relationship: Relationship, actor: User, reason: str) -> HRAction:
    relationship = _locked(relationship, actor)
    reason = _note(reason)
    relationship_pause(relationship=relationship, side=Side.ADMIN, actor=actor, reason=reason)
    return HRAction.objects.create(relationship=relationship, actor=actor, kind=HRAction.Kind.PAUSE, note=reason)


@transaction.atomic
def pair_end(*, relationship: Relationship, actor: User, completed: bool, reason: str) -> HRAction:
    relationship = _locked(relationship, actor)
    reason = _note(reason)
    relationship_end(relationship=relationship, side=Side.ADMIN, actor=actor, completed=completed, reason=reason)
    return HRAction.objects.create(relationship=relationship, actor=actor, kind=HRAction.Kind.END, note=reason)


@transaction.atomic
def pair_rematch(*, relationship: Relationship, actor: User, reason: str) -> HRAction:
    """End the relationship early (when it is still open) and propose the next-best mentor to the mentee.

    When no other mentor fits, nothing changes: the pair is not split without somewhere for the mentee to go.
    """
    relationship = _locked(relationship, actor)
    reason = _note(reason)
    if not reason:
        raise InsightsError(_("Say why the mentee needs someone else; both of them will read it."), field="note")
    program, mentee = relationship.program, relationship.mentee
    enrollment = Enrollment.objects.filter(program=program, user=mentee, role=Enrollment.Role.MENTEE).first()
    if enrollment is None or enrollment.status != Enrollment.Status.APPROVED:
        raise InsightsError(
            _("%(name)s is no longer an approved participant of this program.") % {"name": mentee.display_name}
        )
    if MatchProposal.objects.filter(mentee=enrollment, status=MatchProposal.Status.PROPOSED).exists():
        raise InsightsError(
            _("A proposal for %(name)s is already waiting for an answer.") % {"name": mentee.display_name}
        )
    if relationship.is_open:
        relationship_end(relationship=relationship, side=Side.ADMIN, actor=actor, completed=False, reason=reason)
    elif program.relationships.filter(mentee=mentee, status__in=Relationship.OPEN_STATUSES).exists():
        raise InsightsError(_("%(name)s is already in another relationship.") % {"name": mentee.display_name})
    try:
        with transaction.atomic():
            proposal = propose_next_best(program=program, mentee=enrollment)
    except IntegrityError:
        # The mentee and the chosen mentor sit in an unpublished draft of a matching run already.
        raise InsightsError(
            _("A matching draft already pairs %(name)s; publish or rerun it on the Matching tab.")
            % {"name": mentee.display_name}
        ) from None
    if proposal is None:
        raise InsightsError(
            _(
                "No other %(role)s with a free place fits %(name)s, so the pair stays as it is. "
                "You can pair them by hand on the Relationships tab."
            )
            % {"role": relationship.mentor_title.lower(), "name": mentee.display_name}
        )
    return HRAction.objects.create(
        relationship=relationship, actor=actor, kind=HRAction.Kind.REMATCH, note=reason, proposal=proposal
    )
