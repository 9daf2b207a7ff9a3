"""Writes for programs: creating and running programs, invitations, applications and decisions."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mentorship.accounts.addresses import address_belongs_to, address_confirm, address_is_confirmed, confirmed_owners
from mentorship.accounts.models import Profile, User
from mentorship.accounts.services import profile_ensure, skills_from_names
from mentorship.common.errors import DomainError
from mentorship.notifications.audit import Action, audit_record
from programs import emails
from programs.invitations_csv import InviteRow
from programs.jobs import job_advance, job_start
from programs.models import ApplicationQuestion, Enrollment, Invitation, Job, Program


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


# How many times a new program tries the next free slug when others took the one it picked at the same moment.
SLUG_ATTEMPTS = 20
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
    program = Program(created_by=created_by, **fields)
    chosen = fields.get("slug")
    program.slug = chosen or unique_slug(program.name)
    # The slug's uniqueness is the database's to decide below: a check here would race with other requests.
    program.full_clean(validate_unique=False)
    for _attempt in range(SLUG_ATTEMPTS):
        try:
            with transaction.atomic():
                program.save()
            break
        except IntegrityError:
            # Someone created a program with the same name a moment ago; take the next free slug, as one
            # created a moment later would have.
            if chosen:
                raise ProgramError(_("Another program already uses this short name."), field="slug") from None
            program.slug = unique_slug(program.name)
    else:
        raise ProgramError(_("Many programs of this name are being created right now. Try again in a moment."))
    program.administrators.set({created_by, *administrators})
    audit_record(
        action=Action.ROLE_CHANGED,
        actor=created_by,
        target=program,
        summary="Program created with its administrators",
        details={"administrators": program.administrators.count()},
    )
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
        before = set(program.administrators.values_list("pk", flat=True))
        program.administrators.set(admins)
        if before != {admin.pk for admin in admins}:
            audit_record(
                action=Action.ROLE_CHANGED,
                target=program,
                summary="Program administrators changed",
                details={
                    "added": len({a.pk for a in admins} - before),
                    "removed": len(before - {a.pk for a in admins}),
                },
            )
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

    def added_to(self, summary: dict[str, Any]) -> dict[str, Any]:
        """The counts and problems a result page shows, this report's added to ``summary``'s."""
        return {
            "invited_users": summary.get("invited_users", 0) + len(self.invited_users),
            "invited_emails": summary.get("invited_emails", 0) + len(self.invited_emails),
            "already_invited": summary.get("already_invited", 0) + len(self.already_invited),
            "errors": sorted([*map(tuple, summary.get("errors", [])), *self.errors]),
        }


def _check_invitations_open(program: Program) -> None:
    if program.status not in (Program.Status.OPEN, Program.Status.RUNNING):
        raise ProgramError(_("Open enrollment or start the program before inviting people."))


@transaction.atomic
def invitations_send(
    *, program: Program, rows: Sequence[InviteRow], invited_by: User | None, errors: Sequence[tuple[int, str]] = ()
) -> InviteReport:
    """Invite each row once: people with an account are enrolled as invited, others get a signup link.

    Rows already invited (same address, case ignored, and role) are reported and skipped, so importing
    the same file twice creates nothing new.
    """
    _check_invitations_open(program)
    report = InviteReport(errors=list(errors))
    # Addresses are compared in lower case, as the invitation_once_per_role constraint compares them.
    rows = [replace(row, email=row.email.strip().lower()) for row in rows]
    emails_wanted = {row.email for row in rows}
    # Only an account that confirmed the address is enrolled at once; anyone else takes the link like a newcomer.
    users = confirmed_owners(emails_wanted)
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
        try:
            _invite_one(program=program, row=row, user=users.get(row.email), invited_by=invited_by, report=report)
        except IntegrityError:
            # Another administrator invited the same address in this role at the same moment.
            report.already_invited.append(row.email)
        invited.add((row.email, row.role))
    return report


def _invite_one(
    *, program: Program, row: InviteRow, user: User | None, invited_by: User | None, report: InviteReport
) -> None:
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
        try:
            with transaction.atomic():
                invitation.enrollment = enrollment
                invitation.save(update_fields=["enrollment"])
        except IntegrityError:
            # The other invitation was linked at the same moment (both addresses accepted at once).
            invitation.enrollment = None
    if invitation.is_external:
        Profile.objects.filter(user=user).update(is_external=True)
    return enrollment


# Up to this many rows are invited while the administrator waits; a bigger list goes to a worker as a job.
INVITE_NOW_MAX = 100
# Rows a worker invites per transaction; each step commits its invitations, emails and progress together.
INVITE_STEP = 100
INVITATIONS_IMPORT = "invitations-import"


def invitations_import_start(
    *, program: Program, rows: Sequence[InviteRow], invited_by: User, errors: Sequence[tuple[int, str]] = ()
) -> Job:
    """Queue a long list of invitations for a worker; the administrator watches its progress page."""
    _check_invitations_open(program)
    return job_start(
        program=program,
        owner=invited_by,
        kind=INVITATIONS_IMPORT,
        total=len(rows),
        payload={"rows": [asdict(row) for row in rows]},
        summary=InviteReport(errors=list(errors)).added_to({}),
    )


def invitations_import_run(job: Job) -> dict[str, Any]:
    """Invite the job's rows step by step, from where it got to (a resumed job skips what is done)."""
    rows = [InviteRow(**row) for row in job.payload.get("rows", [])]
    summary = job.summary
    for start in range(job.progress, len(rows), INVITE_STEP):
        step = rows[start : start + INVITE_STEP]
        with transaction.atomic():
            program = Program.objects.get(pk=job.program_id)
            report = invitations_send(program=program, rows=step, invited_by=job.owner)
            summary = report.added_to(summary)
            job_advance(job=job, progress=start + len(step), summary=summary)
    return summary


def invitation_for_token(*, token: str) -> Invitation | None:
    return Invitation.objects.select_related("program", "enrollment").filter(token_hash=_token_hash(token)).first()


def invitation_problem(*, invitation: Invitation, user: User) -> str | None:
    """Why this account cannot take the invitation up, in words for them; None when it can.

    An invitation is for the address it was mailed to: whoever holds the link, only the account that owns that
    address may accept it, so a link opened on a shared computer or forwarded cannot give the place away.
    """
    whose = f"{invitation.full_name} ({invitation.email})" if invitation.full_name else invitation.email
    if invitation.enrollment_id and invitation.enrollment.user_id != user.pk:
        return _("This invitation is for %(whose)s and another account has already accepted it.") % {"whose": whose}
    if not address_belongs_to(user=user, email=invitation.email):
        return _(
            "This invitation is for %(whose)s, and you are signed in as %(you)s. If it is yours, sign out and "
            "sign in, or create an account, with %(email)s."
        ) % {"whose": whose, "you": user.email, "email": invitation.email}
    return None


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Enrollment:
    """The invited person, signed in with the invited address, takes the invitation up."""
    # Lock the row, then read it with what it links to: a join in the locking query would be read from before
    # the wait, missing the enrollment a concurrent accept just linked.
    Invitation.objects.select_for_update().filter(pk=invitation.pk).values_list("pk").first()
    invitation = Invitation.objects.select_related("program", "enrollment").get(pk=invitation.pk)
    problem = invitation_problem(invitation=invitation, user=user)
    if problem:
        raise ProgramError(problem)
    if not address_is_confirmed(user=user, email=invitation.email):
        # The link's secret was mailed to this address: following it proves the address, as a confirmation would.
        address_confirm(user=user, email=invitation.email)
    return _invitation_claim(invitation=invitation, user=user)


def _invitation_claim(*, invitation: Invitation, user: User) -> Enrollment:
    """Enroll the account the invitation was for (the callers made sure the address is theirs)."""
    if invitation.enrollment_id and invitation.enrollment.user_id != user.pk:
        raise ProgramError(_("This invitation belongs to another account."))
    profile_ensure(user=user)
    enrollment = invitation.enrollment or _enroll_invited(invitation=invitation, user=user)
    if invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return enrollment


@transaction.atomic
def invitations_claim_for_email(*, user: User, email: str) -> list[Enrollment]:
    """After someone confirms an address, the open invitations sent to it become theirs."""
    pending = Invitation.objects.select_related("program").filter(email__iexact=email, enrollment__isnull=True)
    return [_invitation_claim(invitation=invitation, user=user) for invitation in pending]


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
    audit_record(
        action=Action.ENROLLMENT_CHANGED,
        actor=enrollment.user,
        subject=enrollment.user,
        target=enrollment,
        summary="Withdrew from the program",
        details={"program": enrollment.program_id, "status": Enrollment.Status.WITHDRAWN},
    )
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
        audit_record(
            action=Action.ENROLLMENT_CHANGED,
            actor=decided_by,
            subject=enrollment.user,
            target=enrollment,
            summary=f"Application {decision}",
            details={"program": enrollment.program_id, "status": decision},
        )
        report.changed += 1
    return report
