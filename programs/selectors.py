"""Reads for program pages, each one permission-aware. Outsiders get 404, never a hint that a program exists."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from mentorship.accounts.models import User
from mentorship.common.needs import need_rows
from programs.models import Enrollment, Invitation, Job, Program


def _administers(user: User) -> Q:
    return Q(administrators=user)


def programs_visible_to(user: User) -> QuerySet[Program]:
    """Programs this person may see: open or running ones they may join, and any they are part of or run."""
    if user.is_superuser:
        return Program.objects.all()
    mine = Exists(Enrollment.objects.filter(program=OuterRef("pk"), user=user))
    invited = Exists(Invitation.objects.filter(program=OuterRef("pk"), email__iexact=user.email))
    public = Q(status__in=[Program.Status.OPEN, Program.Status.RUNNING]) & ~Q(access=Program.Access.INVITATION)
    visible = Program.objects.filter(public | Q(pk__in=Program.objects.filter(_administers(user)).values("pk")))
    return visible | Program.objects.filter(mine | invited)


def get_program_for_user(*, user: User, slug: str) -> Program:
    program = programs_visible_to(user).filter(slug=slug).distinct().first()
    if program is None:
        raise Http404("No such program")
    # Drafts are for their administrators' eyes only, even for people already enrolled.
    if program.status == Program.Status.DRAFT and not user_administers(user=user, program=program):
        raise Http404("No such program")
    return program


def programs_run_by(user: User) -> QuerySet[Program]:
    """The programs this person administers (a superuser, every program)."""
    return Program.objects.all() if user.is_superuser else Program.objects.filter(administrators=user)


def programs_administered_by(user: User) -> QuerySet[Program]:
    return (
        programs_run_by(user)
        .annotate(
            mentees=Count(
                "enrollments", filter=Q(enrollments__role=Enrollment.Role.MENTEE, enrollments__status="approved")
            ),
            helpers=Count(
                "enrollments",
                filter=Q(enrollments__role__in=[Enrollment.Role.MENTOR, Enrollment.Role.SPONSOR])
                & Q(enrollments__status="approved"),
            ),
            waiting=Count("enrollments", filter=Q(enrollments__status=Enrollment.Status.APPLIED)),
        )
        .order_by("-created_at")
    )


def user_administers(*, user: User, program: Program) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or program.administrators.filter(pk=user.pk).exists()


def get_program_for_admin(*, user: User, slug: str) -> Program:
    program = Program.objects.filter(slug=slug).first()
    if program is None or not user_administers(user=user, program=program):
        raise Http404("No such program")
    return program


def get_enrollment_for_owner(*, user: User, pk: int) -> Enrollment:
    enrollment = Enrollment.objects.select_related("program").filter(pk=pk, user=user).first()
    if enrollment is None:
        raise Http404("No such enrollment")
    return enrollment


# Programs taking people first, then running ones, closed ones last.
_STATUS_ORDER = Case(
    When(status=Program.Status.OPEN, then=Value(0)),
    When(status=Program.Status.RUNNING, then=Value(1)),
    default=Value(2),
)


def browse_programs(*, user: User) -> QuerySet[Program]:
    """Programs for the browse page, each with this person's enrollments attached (two queries in all)."""
    return (
        programs_visible_to(user)
        .exclude(status=Program.Status.DRAFT)
        .distinct()
        .order_by(_STATUS_ORDER, "name")
        .prefetch_related(Prefetch("enrollments", Enrollment.objects.filter(user=user), to_attr="my_enrollments"))
    )


def my_enrollments(*, user: User) -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(user=user)
        .exclude(program__status=Program.Status.DRAFT)
        .select_related("program")
        .order_by("program__name", "role")
    )


@dataclass(frozen=True)
class RosterFilters:
    query: str = ""
    role: str = ""
    status: str = ""
    department: str = ""


def roster(*, program: Program, filters: RosterFilters) -> QuerySet[Enrollment]:
    enrollments = program.enrollments.select_related("user", "user__profile").order_by("user__full_name", "pk")
    if filters.query:
        enrollments = enrollments.filter(
            Q(user__full_name__icontains=filters.query)
            | Q(user__email__icontains=filters.query)
            | Q(user__profile__job_title__icontains=filters.query)
        )
    if filters.role:
        enrollments = enrollments.filter(role=filters.role)
    if filters.status:
        enrollments = enrollments.filter(status=filters.status)
    if filters.department:
        enrollments = enrollments.filter(user__profile__department=filters.department)
    return enrollments


def roster_departments(*, program: Program) -> list[str]:
    return list(
        program.enrollments.exclude(user__profile__department="")
        .values_list("user__profile__department", flat=True)
        .distinct()
        .order_by("user__profile__department")
    )


def program_counts(*, program: Program) -> dict[str, dict[str, int]]:
    """Enrollments per role and status, from one grouped query."""
    counts: dict[str, dict[str, int]] = {role: {} for role in program.roles}
    rows = program.enrollments.values("role", "status").annotate(n=Count("pk")).order_by()
    for row in rows:
        counts.setdefault(row["role"], {})[row["status"]] = row["n"]
    return counts


def administrators_by_program(program_ids: set[int] | list[int]) -> dict[int, list[tuple[int, str]]]:
    """{program id: [(user id, email) of each active administrator]}, in one query."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = Program.administrators.through.objects.filter(program_id__in=program_ids, user__is_active=True).values_list(
        "program_id", "user_id", "user__email"
    )
    for program_id, user_id, email in rows:
        found.setdefault(program_id, []).append((user_id, email))
    return found


def invitations_of(*, program: Program, query: str = "") -> QuerySet[Invitation]:
    """The program's invitations, newest first, with who sent each and whose account took it (one query)."""
    invitations = program.invitations.select_related("invited_by", "enrollment__user").order_by("-created_at", "-pk")
    if query:
        invitations = invitations.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
    return invitations


def get_job_for_user(*, user: User, slug: str, pk: int) -> Job:
    """A job is shown to the person who started it, while they still run its program; to anyone else it is 404."""
    job = Job.objects.select_related("program").filter(pk=pk, program__slug=slug, owner=user).first()
    if job is None or not user_administers(user=user, program=job.program):
        raise Http404("No such job")
    return job


# -- what waits for a person (the "needs you" list; see mentorship/needs_you.py) ---------------------------

# A decision on someone's application stays in their list this long; it asks nothing more of them than reading.
OUTCOME_SHOWN_FOR = datetime.timedelta(days=14)
LIVE_STATUSES = (Program.Status.OPEN, Program.Status.RUNNING)


def needs_you_rows(*, user: User, now: datetime.datetime) -> list[QuerySet[Any]]:
    """Invitations to take up, recent decisions on the person's applications, and applications to decide on."""
    mine = Enrollment.objects.filter(user=user)
    program_columns = {"parent": F("program_id"), "label": F("program__name"), "slug": F("program__slug")}
    invitations = need_rows(
        mine.filter(status=Enrollment.Status.INVITED, program__status__in=LIVE_STATUSES),
        kind="invitation",
        ref=F("pk"),
        day=F("program__enrollment_closes_on"),
        tag=F("role"),
        **program_columns,
    )
    decided = (
        mine.filter(
            status__in=list(Enrollment.DECIDABLE_FROM), decided_at__gte=now - OUTCOME_SHOWN_FOR, decided_at__lte=now
        )
        .exclude(program__status=Program.Status.DRAFT)
        # A mentee let into a program where mentees choose hears it as "choose your mentor" (matching says it).
        .exclude(
            role=Enrollment.Role.MENTEE,
            status=Enrollment.Status.APPROVED,
            program__matching_mode=Program.MatchingMode.MENTEE_CHOOSES,
        )
    )
    outcomes = need_rows(
        decided, kind="application_outcome", ref=F("pk"), due=F("decided_at"), tag=F("status"), **program_columns
    )
    rows = [invitations, outcomes]
    if user.is_program_admin:
        waiting = Enrollment.objects.filter(program=OuterRef("pk"), status=Enrollment.Status.APPLIED).order_by()
        to_decide = (
            Program.objects.filter(administrators=user)
            .exclude(status=Program.Status.CLOSED)
            .annotate(
                waiting=Subquery(waiting.values("program").annotate(n=Count("pk")).values("n")),
                waiting_since=Subquery(waiting.values("program").annotate(first=Min("created_at")).values("first")),
            )
            .filter(waiting__gt=0)
        )
        rows.append(
            need_rows(
                to_decide,
                kind="applications",
                ref=F("pk"),
                due=F("waiting_since"),
                label=F("name"),
                slug=F("slug"),
                count=F("waiting"),
            )
        )
    return rows
