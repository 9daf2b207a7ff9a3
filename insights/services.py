"""Writes of insights: refreshing the health figures pages read, and what program administrators do from the
insights pages (nudge a pair, pause, end, re-match the mentee).

Each HR service checks that the actor runs the relationship's program, locks the relationship row (two clicks at
once do the thing once, the second is refused with a reason), and records an ``HRAction`` with who and when.
Pausing and ending go through relationships.services with the administrator's side, so the pair is told and the
timeline says what happened exactly as when HR acts from the relationship page.
"""

from __future__ import annotations

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from insights import emails
from insights.facts import PairFacts, pair_facts
from insights.metrics import meetings_by_month
from insights.models import HRAction, PairHealth, ProgramFigures
from insights.selectors import NUDGE_INTERVAL, STALE_AFTER, next_nudge_from
from matching.models import MatchProposal
from matching.services import propose_next_best
from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from mentorship.common.paging import ids_by_pk
from programs.models import Enrollment, Program
from programs.selectors import user_administers
from relationships.models import Relationship, Side
from relationships.services import relationship_end, relationship_pause

NOTE_MAX = 1000


class InsightsError(DomainError):
    """An administrator's request the rules refuse; the message says why."""


# -- the health figures ------------------------------------------------------------------------------------

# Pages refresh a program whose figures are older than this; the periodic task comes round more often.
logger = logging.getLogger(__name__)
REFRESH_PAGE = 2000
_COPIED = (
    "cadence",
    "cadence_agreed",
    "agreement",
    "agreement_ever_accepted",
    "last_held",
    "next_meeting",
    "held_total",
    "held_recently",
    "pending_wrap_ups",
    "open_items",
    "overdue_items",
    "done_items",
    "rating_sum",
    "ratings",
)
_UPDATED = [*_COPIED, "program", "score", "band", "reasons", "codes", "cadence_kept", "days_to_match", "computed_at"]
DAY = datetime.timedelta(days=1)


def _approvals(facts: list[PairFacts]) -> dict[tuple[int, int], datetime.datetime]:
    """When each mentee of these relationships was approved (or joined) in its program, in one query."""
    wanted = Q()
    for program_id in {fact.program_id for fact in facts}:
        wanted |= Q(program_id=program_id, user_id__in=[f.mentee_id for f in facts if f.program_id == program_id])
    rows = (
        Enrollment.objects.filter(wanted, role=Enrollment.Role.MENTEE)
        .order_by()
        .annotate(approved_at=Coalesce("decided_at", "created_at"))
        .values_list("program_id", "user_id", "approved_at")
    )
    return {(program_id, user_id): approved for program_id, user_id, approved in rows}


def _health_row(fact: PairFacts, approved: datetime.datetime | None, now: datetime.datetime) -> PairHealth:
    health = fact.health
    waited = fact.created_at - approved if approved is not None and fact.created_at >= approved else None
    return PairHealth(
        relationship_id=fact.pk,
        program_id=fact.program_id,
        score=health.score if health else None,
        band=health.band if health else "",
        reasons=[[reason.code, reason.points, list(reason.figures)] for reason in health.reasons] if health else [],
        codes=" " + " ".join(reason.code for reason in health.reasons) + " " if health and health.reasons else "",
        cadence_kept=health.cadence_kept if health else None,
        days_to_match=waited / DAY if waited is not None else None,
        computed_at=now,
        **{name: getattr(fact, name) for name in _COPIED},
    )


def health_refresh(*, relationships: QuerySet[Relationship], now: datetime.datetime | None = None) -> int:
    """Work out the health figures of these relationships afresh, a page at a time; returns how many."""
    now = now or timezone.now()
    ordered = relationships.order_by("pk")
    refreshed = 0
    for ids in ids_by_pk(ordered, size=REFRESH_PAGE):
        facts = pair_facts(ordered, now=now, ids=ids, detail=True)
        approvals = _approvals(facts)
        rows = [_health_row(fact, approvals.get((fact.program_id, fact.mentee_id)), now) for fact in facts]
        PairHealth.objects.bulk_create(
            rows, update_conflicts=True, unique_fields=["relationship"], update_fields=_UPDATED
        )
        refreshed += len(rows)
    return refreshed


def program_refresh(*, program: Program, now: datetime.datetime | None = None) -> int:
    """Refresh every pair of the program and its meetings per month; returns the number of pairs.

    Each page of pairs is written on its own and nothing is locked: two refreshes of one program at once (the
    periodic task and a page) write the same rows twice, and pairing or meetings never wait for a refresh.
    """
    now = now or timezone.now()
    refreshed = health_refresh(relationships=program.relationships.all(), now=now)
    months = [
        {"start": month.start.isoformat(), "planned": month.planned, "held": month.held}
        for month in meetings_by_month(program=program, now=now)
    ]
    ProgramFigures.objects.bulk_create(
        [ProgramFigures(program=program, months=months, computed_at=now)],
        update_conflicts=True,
        unique_fields=["program"],
        update_fields=["months", "computed_at"],
    )
    return refreshed


def program_refresh_by_id(*, program_id: int) -> int:
    program = Program.objects.filter(pk=program_id).first()
    return program_refresh(program=program) if program is not None else 0


def figures_refresh_soon(*, program_ids: list[int]) -> None:
    """Ask the workers to bring these programs' figures up to date, once the surrounding transaction commits.

    Pages call this instead of refreshing themselves, so that a GET never writes: they show the figures they
    have, with their age, and the next view shows the new ones.
    """
    from insights.tasks import refresh_program

    def enqueue() -> None:
        for program_id in program_ids:
            try:
                refresh_program.delay(program_id)
            except Exception:  # noqa: BLE001 - no broker: the periodic refresh catches up
                logger.warning("broker unavailable; figures of program %s wait for the periodic refresh", program_id)
                return

    if program_ids:
        transaction.on_commit(enqueue)


def figures_ensure_fresh(*, programs: QuerySet[Program] | list[Program], now: datetime.datetime | None = None) -> int:
    """Before a page shows these programs: refresh those whose figures are missing or stale, and any new pair.

    For the periodic task, the digest and the benchmark; pages never call it (they use figures_refresh_soon).
    """
    now = now or timezone.now()
    stale = list(
        Program.objects.filter(pk__in=[p.pk for p in programs]).exclude(
            pk__in=ProgramFigures.objects.filter(computed_at__gte=now - STALE_AFTER).values("program_id")
        )
    )
    refreshed = sum(program_refresh(program=program, now=now) for program in stale)
    stale_ids = {program.pk for program in stale}
    fresh = [p.pk for p in programs if p.pk not in stale_ids]
    missing = Relationship.objects.filter(program_id__in=fresh, health_figures__isnull=True)
    return refreshed + health_refresh(relationships=missing, now=now)


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


def _refresh_pair(relationship: Relationship) -> None:
    health_refresh(relationships=Relationship.objects.filter(pk=relationship.pk))


@transaction.atomic
def pair_pause(*, relationship: Relationship, actor: User, reason: str) -> HRAction:
    relationship = _locked(relationship, actor)
    reason = _note(reason)
    relationship_pause(relationship=relationship, side=Side.ADMIN, actor=actor, reason=reason)
    _refresh_pair(relationship)
    return HRAction.objects.create(relationship=relationship, actor=actor, kind=HRAction.Kind.PAUSE, note=reason)


@transaction.atomic
def pair_end(*, relationship: Relationship, actor: User, completed: bool, reason: str) -> HRAction:
    relationship = _locked(relationship, actor)
    reason = _note(reason)
    relationship_end(relationship=relationship, side=Side.ADMIN, actor=actor, completed=completed, reason=reason)
    _refresh_pair(relationship)
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
    _refresh_pair(relationship)
    return HRAction.objects.create(
        relationship=relationship, actor=actor, kind=HRAction.Kind.REMATCH, note=reason, proposal=proposal
    )
