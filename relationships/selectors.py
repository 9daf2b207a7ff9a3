"""Reads for relationship pages. One door per object: get_relationship_for_user 404s for outsiders."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mentorship.accounts.models import User
from mentorship.accounts.page_parts import part_key
from mentorship.common.needs import need_rows
from programs.models import Program
from programs.selectors import user_administers
from relationships.models import (
    AdvocacyAction,
    Agreement,
    Goal,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
    Side,
)


def get_relationship_for_user(*, user: User, pk: int) -> tuple[Relationship, str]:
    """The relationship and the viewer's side in it (mentee, mentor or admin); 404 for anyone else."""
    relationship = (
        Relationship.objects.select_related("program", "mentee__profile", "mentor__profile").filter(pk=pk).first()
    )
    if relationship is None or not user.is_authenticated:
        raise Http404("No such relationship")
    side = relationship.side_of(user.pk)
    if side is None and user_administers(user=user, program=relationship.program):
        side = Side.ADMIN
    if side is None:
        raise Http404("No such relationship")
    return relationship, side


def page_key(relationship: Relationship, *, side: str, viewer: User, path: str) -> str:
    """The cache key of the page's body for this viewer: everything it shows that its revision does not cover.

    The path (with its query) is there because the body's forms send people back to it.
    """
    program = relationship.program
    return part_key(
        "relationship",
        path,
        relationship.pk,
        relationship.created_at,
        relationship.revision,
        side,
        viewer.pk,
        timezone.get_current_timezone_name(),
        translation.get_language(),
        program.updated_at,
        relationship.mentee.display_name,
        relationship.mentor.display_name,
    )


class AgreementState:
    """Where the latest agreement stands, as one word: read in one subquery instead of three."""

    DRAFT = "draft"  # nobody accepted it yet
    MENTEE = "mentee"  # only the mentee accepted
    MENTOR = "mentor"  # only the mentor accepted
    BOTH = "both"

    @classmethod
    def of(cls, agreement: Agreement | None) -> str | None:
        if agreement is None:
            return None
        mentee, mentor = agreement.mentee_accepted_at is not None, agreement.mentor_accepted_at is not None
        return cls.BOTH if mentee and mentor else cls.MENTEE if mentee else cls.MENTOR if mentor else cls.DRAFT

    @classmethod
    def accepted_by(cls, state: str | None, side: str) -> bool:
        return state == cls.BOTH or (state is not None and state == side)


def _agreement_state() -> Subquery:
    latest = Agreement.objects.filter(relationship=OuterRef("pk")).order_by("-version")
    state = Case(
        When(mentee_accepted_at__isnull=False, mentor_accepted_at__isnull=False, then=Value(AgreementState.BOTH)),
        When(mentee_accepted_at__isnull=False, then=Value(AgreementState.MENTEE)),
        When(mentor_accepted_at__isnull=False, then=Value(AgreementState.MENTOR)),
        default=Value(AgreementState.DRAFT),
        output_field=CharField(),
    )
    return Subquery(latest.annotate(state=state).values("state")[:1])


def with_progress(relationships: QuerySet[Relationship], *, viewer: User) -> QuerySet[Relationship]:
    """Annotate what the next step needs, so a list of relationships costs a fixed number of queries.

    Flags and one word rather than counts: no GROUP BY over every selected column, and a short query to build,
    which is most of what a page with a few relationships spends on them.
    """
    return relationships.select_related("program", "mentee", "mentor").annotate(
        has_goals=Exists(Goal.objects.filter(relationship=OuterRef("pk"))),
        agreement_state=_agreement_state(),
        my_reflection=Exists(Reflection.objects.filter(relationship=OuterRef("pk"), author=viewer)),
        # Meetings hang off relationships through their reverse accessor; this app never imports them.
        has_meetings=Exists(Relationship.objects.filter(pk=OuterRef("pk"), meetings__isnull=False)),
    )


def next_step(relationship: Relationship, *, viewer_id: int) -> str:
    """The one thing this person should do next, in their words (on a relationship from with_progress)."""
    side = relationship.side_of(viewer_id)
    other = relationship.mentor if side == Side.MENTEE else relationship.mentee
    if not relationship.is_open:
        return "" if relationship.my_reflection else _("Share your reflection and say thank you")
    if relationship.status == Relationship.Status.PAUSED:
        return _("Paused: resume when you are both ready")
    if not relationship.has_goals:
        if side == Side.MENTEE:
            return _("Agree on your goals: add your first goal")
        return _("Help %(name)s put their goals into words") % {"name": other.display_name}
    state = relationship.agreement_state
    if state is None:
        return _("Draft your agreement")
    other_side = Side.MENTOR if side == Side.MENTEE else Side.MENTEE
    if not AgreementState.accepted_by(state, side):
        return _("Accept the agreement")
    if not AgreementState.accepted_by(state, other_side):
        return _("Waiting for %(name)s to accept the agreement") % {"name": other.display_name}
    if not relationship.has_meetings:
        return _("Schedule your first meeting")
    return ""


def relationships_of(*, user: User) -> list[Relationship]:
    relationships = with_progress(Relationship.objects.filter(Q(mentee=user) | Q(mentor=user)), viewer=user).order_by(
        "-created_at"
    )
    result = list(relationships)
    for relationship in result:
        relationship.next_step = next_step(relationship, viewer_id=user.pk)
        relationship.other = relationship.mentor if relationship.mentee_id == user.pk else relationship.mentee
    return result


def revisions_of(*, user: User) -> list[tuple[int, int]]:
    """(id, revision) of each of the person's relationships: what a cached part listing them is keyed by."""
    theirs = Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))
    return list(theirs.order_by("pk").values_list("pk", "revision"))


@dataclass
class RelationshipPage:
    """Everything the shared page shows. Private notes are the viewer's own; admins get counts only."""

    goals: list[Goal]
    agreement: Agreement | None
    agreement_versions: list[Agreement]
    advocacy: list[AdvocacyAction]
    my_notes: list[PrivateNote]
    my_reflection: Reflection | None
    activity: list[object]


def relationship_page(*, relationship: Relationship, side: str, viewer: User) -> RelationshipPage:
    goals = relationship.goals.prefetch_related(
        Prefetch("milestones", Milestone.objects.order_by("due_on", "pk")),
        "comments__author",
    )
    if side == Side.ADMIN:
        # HR sees only the goals the mentee chose to share, and no comments on them.
        goals = relationship.goals.filter(shared_with_program=True).prefetch_related(None)
    agreements = list(relationship.agreements.select_related("drafted_by"))
    return RelationshipPage(
        goals=list(goals),
        agreement=agreements[0] if agreements else None,
        agreement_versions=agreements,
        advocacy=list(relationship.advocacy.all()) if relationship.is_sponsorship else [],
        my_notes=list(relationship.private_notes.filter(author=viewer)) if side != Side.ADMIN else [],
        my_reflection=relationship.reflections.filter(author=viewer).first(),
        activity=list(relationship.activity.select_related("actor")[:30]),
    )


def progress_from_page(relationship: Relationship, page: RelationshipPage) -> None:
    """Set what next_step reads from what the page already loaded (a party's view: every goal is there)."""
    relationship.has_goals = bool(page.goals)
    relationship.agreement_state = AgreementState.of(page.agreement)
    relationship.my_reflection = page.my_reflection is not None
    # One cheap query: meetings belong to a higher app, whose panel this app cannot read.
    relationship.has_meetings = relationship.meetings.exists()


def program_relationships(*, program: Program, status: str = "") -> QuerySet[Relationship]:
    """HR's list of the program's pairs with their goal count and whether the latest agreement stands.

    Subqueries per row rather than a join and GROUP BY over every selected column: the page reads one page of
    rows, and the database counts only for those.
    """
    goals = Goal.objects.filter(relationship=OuterRef("pk")).order_by().values("relationship")
    relationships = (
        program.relationships.select_related("mentee", "mentor")
        .annotate(
            goal_count=Coalesce(Subquery(goals.annotate(n=Count("pk")).values("n")), 0),
            agreement_state=_agreement_state(),
        )
        # Judged on the latest version: a newer draft waiting for acceptance means "pending".
        .annotate(
            agreement_accepted=Case(
                When(agreement_state=AgreementState.BOTH, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    if status:
        relationships = relationships.filter(status=status)
    return relationships.order_by("mentee__full_name", "pk")


@dataclass
class ProgramHealth:
    by_status: dict[str, int]
    advocacy: list[dict[str, object]]
    average_rating: float | None
    ratings: int


def program_health(*, program: Program) -> ProgramHealth:
    """Counts and outcomes for HR: never the text people wrote."""
    by_status = {
        row["status"]: row["n"] for row in program.relationships.values("status").annotate(n=Count("pk")).order_by()
    }
    advocacy = list(
        AdvocacyAction.objects.filter(relationship__program=program)
        .values("kind", "outcome")
        .annotate(n=Count("pk"))
        .order_by("kind", "outcome")
    )
    kinds, outcomes = dict(AdvocacyAction.Kind.choices), dict(AdvocacyAction.Outcome.choices)
    for row in advocacy:
        row["kind_label"], row["outcome_label"] = kinds[row["kind"]], outcomes[row["outcome"]]
    rating = Reflection.objects.filter(relationship__program=program).aggregate(avg=Avg("rating"), n=Count("pk"))
    return ProgramHealth(by_status=by_status, advocacy=advocacy, average_rating=rating["avg"], ratings=rating["n"])


# -- what waits for a person (the "needs you" list; see mentorship/needs_you.py) ---------------------------

# An agreement's review date enters the list this long before it comes.
REVIEW_AHEAD = datetime.timedelta(days=7)
# A paused relationship asks nothing of anyone until it resumes.
UNDER_WAY = (Relationship.Status.STARTING, Relationship.Status.ACTIVE)


def other_side(user: User, field: str, *, via: str = "") -> Case:
    """The other person's `field` in rows that reach a relationship through `via` ("relationship__" or "")."""
    return Case(
        When(**{f"{via}mentee": user}, then=F(f"{via}mentor__{field}")),
        default=F(f"{via}mentee__{field}"),
        output_field=CharField(),
    )


def needs_you_rows(*, user: User, today: datetime.date) -> list[QuerySet[Any]]:
    """The latest agreement, where it waits for this person's acceptance or its review date is near."""
    latest = Agreement.objects.filter(relationship=OuterRef("relationship")).order_by("-version").values("pk")[:1]
    current = Agreement.objects.filter(
        Q(relationship__mentee=user) | Q(relationship__mentor=user),
        pk=Subquery(latest),
        relationship__status__in=UNDER_WAY,
    )
    person = {
        "ref": F("pk"),
        "parent": F("relationship_id"),
        "name": other_side(user, "full_name", via="relationship__"),
        "email": other_side(user, "email", via="relationship__"),
    }
    waiting_for_me = Q(relationship__mentee=user, mentee_accepted_at__isnull=True) | Q(
        relationship__mentor=user, mentor_accepted_at__isnull=True
    )
    to_accept = need_rows(current.filter(waiting_for_me), kind="agreement", due=F("updated_at"), **person)
    to_review = need_rows(
        current.filter(
            mentee_accepted_at__isnull=False,
            mentor_accepted_at__isnull=False,
            review_on__lte=today + REVIEW_AHEAD,
        ),
        kind="agreement_review",
        day=F("review_on"),
        **person,
    )
    return [to_accept, to_review]
