"""Writes for programs: creating and running programs, invitations, applications and decisions."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentorship.accounts.models import Profile, User
from mentorship.accounts.services import profile_ensure, skills_from_names
from mentorship.common.errors import DomainError
from programs import emails
from programs.invitations_csv import InviteRow
from programs.models import ApplicationQuestion, Enrollment, Invitation, Program


class ProgramError(DomainError):
    """A request that the rules refuse; the message is shown to the person as it is."""


# -- programs ----------------------------------------------------------------------------------------------


# Path segments that sit beside program slugs under /programs/.
RESERVED_SLUGS = {"manage", "invitations", "new", "proposals"}


def unique_slug(name: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:70] or "program"
    slug, n = base, 2
    taken = Program.objects.exclude(pk=exclude_pk) if exclude_pk else Program.objects.all()
    while slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


# A second click on "create" this soon after the first, for the same name, is the same request.
DOUBLE_SUBMIT_WINDOW = datetime.timedelta(seconds=30)


@transaction.atomic
def program_create(
    *, created_by: User, administrators: Iterable[User] = (), once: bool = False, **fields: Any
) -> Program:
    """A new program run by its creator and the administrators given.

    With `once`, a program the same person created under the same name moments ago is returned instead of a
    twin: two clicks on the button make one program.
    """
    if once:
        # Serialise this person's creations so two requests at the same moment cannot both miss the twin.
        list(User.objects.select_for_update().filter(pk=created_by.pk).values_list("pk", flat=True))
        twin = Program.objects.filter(
            created_by=created_by, name=fields.get("name"), created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
        ).first()
        if twin is not None:
            return twin
    if not fields.get("slug"):
        fields["slug"] = unique_slug(fields["name"])
    program = Program(created_by=created_by, **fields)
    program.full_clean()
    program.save()
    program.administrators.set({created_by, *administrators})
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    administrators: Iterable[User] | None = None,
    questions: Sequence[dict[str, Any]] | None = None,
    **fields: Any,
) -> Program:
    """Save changed settings, and the administrators and application questions when given."""
    for name, value in fields.items():
        setattr(program, name, value)
    program.full_clean()
    program.save()
    if administrators is not None:
        admins = set(administrators)
        if not admins:
            raise ProgramError(_("A program needs at least one administrator."))
        program.administrators.set(admins)
    if questions is not None:
        questions_replace(program=program, questions=questions)
    return program


def program_set_status(*, program: Program, status: str) -> Program:
    if not program.can_move_to(status):
        raise ProgramError(
            _("A program that is %(current)s cannot become %(new)s.")
            % {
                "current": program.get_status_display().lower(),
                "new": str(Program.Status(status).label).lower(),
            }
        )
    program.status = status
    program.save(update_fields=["status", "updated_at"])
    return program


@transaction.atomic
def questions_replace(*, program: Program, questions: Sequence[dict[str, Any]]) -> None:
    """Store the application questions in the given order. Answers already given stay with the enrollments."""
    keep: list[int] = []
    for position, data in enumerate(questions):
        question_id = data.pop("id", None)
        question = program.questions.filter(pk=question_id).first() if question_id else None
        question = question or ApplicationQuestion(program=program)
        for name, value in data.items():
            setattr(question, name, value)
        question.position = position
        question.save()
        keep.append(question.pk)
    program.questions.exclude(pk__in=keep).delete()


# -- invitations -------------------------------------------------------------------------------------------


# Where an invitation link's token waits in the session while its holder signs up or signs in.
INVITATION_SESSION_KEY = "programs.invitation_token"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class InviteReport:
    invited_users: list[str] = field(default_factory=list)
    invited_emails: list[str] = field(default_factory=list)
    already_invited: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return len(self.invited_users) + len(self.invited_emails)


def invitations_send(
    *, program: Program, rows: Sequence[InviteRow], invited_by: User, errors: Sequence[tuple[int, str]] = ()
) -> InviteReport:
    """Invite each row once: people with an account are enrolled as invited, others get a signup link.

    Rows already invited (same address, case ignored, and role) are reported and skipped, so importing
    the same file twice creates nothing new.
    """
    if program.status not in (Program.Status.OPEN, Program.Status.RUNNING):
        raise ProgramError(_("Open enrollment or start the program before inviting people."))
    report = InviteReport(errors=list(errors))
    # Addresses are compared in lower case, as the invitation_once_per_role constraint compares them.
    rows = [replace(row, email=row.email.strip().lower()) for row in rows]
    emails_wanted = {row.email for row in rows}
    users = {user.email: user for user in User.objects.filter(email__in=emails_wanted)}
    invited = set(
        program.invitations.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails_wanted)
        .values_list("email_lower", "role")
    ) | set(program.enrollments.filter(user__email__in=emails_wanted).values_list("user__email", "role"))
    for row in rows:
        if row.role not in program.roles:
            report.errors.append((row.line, _("%(role)s is not a role in this program.") % {"role": row.role}))
            continue
        if row.is_external and not (program.allow_external and row.role != Enrollment.Role.MENTEE):
            report.errors.append((row.line, _("This program does not admit external participants in that role.")))
            continue
        if (row.email, row.role) in invited:
            report.already_invited.append(row.email)
            continue
        _invite_one(program=program, row=row, user=users.get(row.email), invited_by=invited_by, report=report)
        invited.add((row.email, row.role))
    return report


def _invite_one(*, program: Program, row: InviteRow, user: User | None, invited_by: User, report: InviteReport) -> None:
    token = secrets.token_urlsafe(24)  # 192 random bits
    with transaction.atomic():
        invitation = Invitation.objects.create(
            program=program,
            email=row.email,
            full_name=row.name,
            role=row.role,
            is_external=row.is_external,
            token_hash=_token_hash(token),
            invited_by=invited_by,
        )
        if user is not None:
            _enroll_invited(invitation=invitation, user=user)
            report.invited_users.append(row.email)
        else:
            report.invited_emails.append(row.email)
        emails.invitation(invitation=invitation, token=token, has_account=user is not None)


def _enroll_invited(*, invitation: Invitation, user: User) -> Enrollment:
    enrollment, created = Enrollment.objects.get_or_create(
        program=invitation.program,
        user=user,
        role=invitation.role,
        defaults={"status": Enrollment.Status.INVITED, "invited_by": invitation.invited_by},
    )
    if not created and enrollment.status == Enrollment.Status.WITHDRAWN:
        enrollment.status = Enrollment.Status.INVITED
        enrollment.save(update_fields=["status", "updated_at"])
    # An enrollment answers one invitation; a second one for the same role (another address of the
    # same person) stays unlinked instead of breaking the one-to-one link.
    if not Invitation.objects.filter(enrollment=enrollment).exclude(pk=invitation.pk).exists():
        invitation.enrollment = enrollment
        invitation.save(update_fields=["enrollment"])
    if invitation.is_external:
        Profile.objects.filter(user=user).update(is_external=True)
    return enrollment


def invitation_for_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("program", "enrollment").filter(token_hash=_token_hash(token)).first()


@transaction.atomic
def invitation_claim(*, invitation: Invitation, user: User) -> Enrollment:
    """The holder of an invitation link takes it up with their account."""
    if invitation.enrollment_id and invitation.enrollment.user_id != user.pk:
        raise ProgramError(_("This invitation belongs to another account."))
    profile_ensure(user=user)
    enrollment = invitation.enrollment or _enroll_invited(invitation=invitation, user=user)
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return enrollment


def invitations_claim_for_email(*, user: User, email: str) -> list[Enrollment]:
    """After someone confirms an address, the open invitations sent to it become theirs."""
    pending = Invitation.objects.select_related("program").filter(email__iexact=email, enrollment__isnull=True)
    return [invitation_claim(invitation=invitation, user=user) for invitation in pending]


# -- applications ------------------------------------------------------------------------------------------


@dataclass
class Application:
    answers: dict[str, Any] = field(default_factory=dict)
    goal_categories: list[str] = field(default_factory=list)
    growth_areas: list[str] = field(default_factory=list)
    offers: list[str] = field(default_factory=list)
    capacity: int | None = None
    prefers_outside_team: bool = False
    open_to_external: bool = False
    languages: list[str] = field(default_factory=list)


def application_problem(*, program: Program, user: User, role: str, today: datetime.date) -> str | None:
    """Why this person cannot apply in this role now, in words for them; None when they can."""
    if role not in program.roles:
        return _("This program has no %(role)s role.") % {"role": role}
    existing = Enrollment.objects.filter(program=program, user=user, role=role).first()
    if existing and existing.status == Enrollment.Status.INVITED:
        # An invitation is accepted through the same form, whatever the enrollment window says.
        if program.status in (Program.Status.OPEN, Program.Status.RUNNING):
            return None
        return _("This program is not taking anyone in right now.")
    if existing and existing.status in Enrollment.ACTIVE_STATUSES:
        return _("You have already applied as %(role)s; your application is %(status)s.") % {
            "role": existing.get_role_display().lower(),
            "status": existing.get_status_display().lower(),
        }
    if existing and existing.status == Enrollment.Status.DECLINED:
        return _("Your application as %(role)s was declined. Contact the program administrators to talk it over.") % {
            "role": existing.get_role_display().lower()
        }
    if program.access == Program.Access.INVITATION:
        return _("This program is by invitation only.")
    if role != Enrollment.Role.MENTEE and profile_ensure(user=user).is_external and not program.allow_external:
        return _("This program does not admit external mentors or sponsors.")
    return program.enrollment_window_problem(today)


@transaction.atomic
def enrollment_apply(*, program: Program, user: User, role: str, application: Application) -> Enrollment:
    today = timezone.localdate()
    # Lock the program row so two submissions of the same form cannot both pass the checks.
    program = Program.objects.select_for_update().get(pk=program.pk)
    problem = application_problem(program=program, user=user, role=role, today=today)
    if problem:
        raise ProgramError(problem)
    enrollment = Enrollment.objects.filter(program=program, user=user, role=role).first()
    was_invited = enrollment is not None and enrollment.status == Enrollment.Status.INVITED
    if was_invited or program.access == Program.Access.OPEN:
        status = Enrollment.Status.APPROVED
    else:
        status = Enrollment.Status.APPLIED
    enrollment = enrollment or Enrollment(program=program, user=user, role=role)
    enrollment.status = status
    enrollment.answers = application.answers
    enrollment.goal_categories = application.goal_categories if role == Enrollment.Role.MENTEE else []
    enrollment.capacity = None if role == Enrollment.Role.MENTEE else application.capacity
    enrollment.prefers_outside_team = application.prefers_outside_team
    enrollment.open_to_external = application.open_to_external and program.allow_external
    enrollment.languages = application.languages
    enrollment.decision_reason = ""
    try:
        with transaction.atomic():
            enrollment.save()
    except IntegrityError:
        raise ProgramError(_("You have already applied in this role.")) from None
    enrollment.growth_areas.set(skills_from_names(names=application.growth_areas))
    enrollment.offers.set(skills_from_names(names=application.offers))
    if status == Enrollment.Status.APPLIED:
        emails.application_received(enrollment=enrollment)
    elif not was_invited:
        emails.enrollment_decided(enrollment=enrollment)
    return enrollment


@transaction.atomic
def enrollment_withdraw(*, enrollment: Enrollment) -> Enrollment:
    if not enrollment.can_withdraw:
        raise ProgramError(_("This enrollment has already ended."))
    enrollment.status = Enrollment.Status.WITHDRAWN
    enrollment.save(update_fields=["status", "updated_at"])
    return enrollment


@dataclass
class DecisionReport:
    changed: int = 0
    skipped: int = 0


@transaction.atomic
def enrollments_decide(
    *, enrollments: QuerySet[Enrollment], decision: str, decided_by: User, reason: str = ""
) -> DecisionReport:
    """Approve, decline or waitlist applications in bulk; those the decision does not apply to are skipped."""
    if decision not in Enrollment.DECIDABLE_FROM:
        raise ProgramError(_("Unknown decision."))
    if decision == Enrollment.Status.DECLINED and not reason.strip():
        raise ProgramError(_("Say why the applications are declined; the applicants will read it."))
    report = DecisionReport()
    now = timezone.now()
    for enrollment in enrollments.select_for_update(of=("self",)).select_related("user", "program"):
        if not enrollment.can_become(decision):
            report.skipped += 1
            continue
        enrollment.status = decision
        enrollment.decision_reason = reason.strip() if decision == Enrollment.Status.DECLINED else ""
        enrollment.decided_by = decided_by
        enrollment.decided_at = now
        enrollment.save(update_fields=["status", "decision_reason", "decided_by", "decided_at", "updated_at"])
        emails.enrollment_decided(enrollment=enrollment)
        report.changed += 1
    return report
