"""Programs, the people enrolled in them, their application answers and invitations."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.models import Skill
from mentorship.common.constraints import texts_capped


class GoalCategory(models.TextChoices):
    """What a mentee wants from a relationship; programs focus on some, goals pick one."""

    SKILL_DEVELOPMENT = "skills", _("Skill development")
    ONBOARDING = "onboarding", _("Onboarding")
    JOINING_A_PROJECT = "project", _("Joining a project")
    CAREER_ADVANCEMENT = "career", _("Career advancement")
    CULTURE = "culture", _("Working within the culture")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")
    QUARTERLY = "quarterly", _("Every three months")


CADENCE_DAYS = {Cadence.WEEKLY: 7, Cadence.BIWEEKLY: 14, Cadence.MONTHLY: 30, Cadence.QUARTERLY: 91}


class Program(models.Model):
    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("One-to-one mentoring")
        SPONSORSHIP = "sponsorship", _("Sponsorship")
        REVERSE = "reverse", _("Reverse mentoring")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Enrollment open")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    class MatchingMode(models.TextChoices):
        ADMIN_ASSIGNS = "admin", _("An administrator assigns pairs")
        ENGINE_PROPOSES = "engine", _("The matching engine proposes, the mentor accepts")
        MENTEE_CHOOSES = "mentee", _("The mentee chooses, the mentor accepts")

    class Access(models.TextChoices):
        OPEN = "open", _("Anyone can join")
        APPROVAL = "approval", _("Anyone can apply; an administrator approves")
        INVITATION = "invitation", _("Invitation only")

    # Which moves between statuses make sense; anything else is refused.
    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.OPEN, Status.RUNNING},
        Status.OPEN: {Status.DRAFT, Status.RUNNING, Status.CLOSED},
        Status.RUNNING: {Status.OPEN, Status.CLOSED},
        Status.CLOSED: {Status.RUNNING},
    }

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name in links"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.MENTORING)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    enrollment_opens_on = models.DateField(_("enrollment opens on"), null=True, blank=True)
    enrollment_closes_on = models.DateField(_("enrollment closes on"), null=True, blank=True)
    starts_on = models.DateField(_("program starts on"), null=True, blank=True)
    ends_on = models.DateField(_("program ends on"), null=True, blank=True)
    default_relationship_months = models.PositiveSmallIntegerField(_("relationship length in months"), default=6)
    goal_categories = models.JSONField(_("goal categories in focus"), default=list, blank=True)
    custom_goal_categories = models.JSONField(_("custom goal categories"), default=list, blank=True)
    default_cadence = models.CharField(
        _("default meeting cadence"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    default_meeting_minutes = models.PositiveSmallIntegerField(_("default meeting length (minutes)"), default=60)
    matching_mode = models.CharField(
        _("matching"), max_length=8, choices=MatchingMode.choices, default=MatchingMode.ENGINE_PROPOSES
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(_("default mentor capacity"), default=2)
    mentor_response_days = models.PositiveSmallIntegerField(_("days a mentor has to answer a proposal"), default=3)
    access = models.CharField(_("who may join"), max_length=10, choices=Access.choices, default=Access.APPROVAL)
    allow_external = models.BooleanField(_("external mentors and sponsors allowed"), default=False)
    sponsor_min_level_gap = models.PositiveSmallIntegerField(
        _("levels a sponsor must be above the sponsee"),
        default=2,
        help_text=_("Seniority levels between sponsor and sponsee; matching never pairs them closer."),
    )
    administrators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="administered_programs", verbose_name=_("administrators")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gt=F("starts_on")),
                name="program_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(enrollment_closes_on__isnull=True)
                | Q(enrollment_opens_on__isnull=True)
                | Q(enrollment_closes_on__gte=F("enrollment_opens_on")),
                name="program_enrollment_window_ordered",
            ),
            models.CheckConstraint(
                condition=Q(default_meeting_minutes__gte=15, default_meeting_minutes__lte=240),
                name="program_meeting_length_sane",
            ),
            models.CheckConstraint(condition=Q(default_relationship_months__gte=1), name="program_length_positive"),
            texts_capped("program_texts_capped", description=5000),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:detail", args=[self.slug])

    def get_manage_url(self) -> str:
        return reverse("programs:manage", args=[self.slug])

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS.get(self.status, set())

    @property
    def helper_role(self) -> str:
        """The role that takes people on: sponsors in a sponsorship program, mentors everywhere else."""
        return Enrollment.Role.SPONSOR if self.kind == self.Kind.SPONSORSHIP else Enrollment.Role.MENTOR

    @property
    def roles(self) -> list[str]:
        """The roles people can take in this kind of program."""
        return [Enrollment.Role.MENTEE, self.helper_role]

    def enrollment_window_problem(self, today: datetime.date) -> str | None:
        """Why nobody can apply today, or None when applications are accepted."""
        if self.status != self.Status.OPEN:
            return str(_("This program is not taking applications right now."))
        if self.enrollment_opens_on and today < self.enrollment_opens_on:
            return str(_("Enrollment opens on %(date)s.") % {"date": self.enrollment_opens_on.strftime("%d %B %Y")})
        if self.enrollment_closes_on and today > self.enrollment_closes_on:
            return str(_("Enrollment closed on %(date)s.") % {"date": self.enrollment_closes_on.strftime("%d %B %Y")})
        return None

    def goal_category_choices(self) -> list[tuple[str, str]]:
        standard = dict(GoalCategory.choices)
        chosen = [(key, str(standard[key])) for key in self.goal_categories if key in standard]
        if not chosen:
            chosen = [(key, str(label)) for key, label in GoalCategory.choices]
        return chosen + [(f"custom:{name}", name) for name in self.custom_goal_categories]


class ApplicationQuestion(models.Model):
    class Kind(models.TextChoices):
        SHORT = "short", _("Short text")
        LONG = "long", _("Long text")
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    prompt = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=300, blank=True)
    kind = models.CharField(_("answer type"), max_length=10, choices=Kind.choices, default=Kind.SHORT)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    roles = models.JSONField(
        _("asked of"), default=list, blank=True, help_text=_("Roles that see the question; empty means everyone.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.prompt

    def applies_to(self, role: str) -> bool:
        return not self.roles or role in self.roles


class Enrollment(models.Model):
    class Role(models.TextChoices):
        MENTEE = "mentee", _("Mentee")
        MENTOR = "mentor", _("Mentor")
        SPONSOR = "sponsor", _("Sponsor")

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        WAITLISTED = "waitlisted", _("Waitlisted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ACTIVE_STATUSES = (Status.INVITED, Status.APPLIED, Status.APPROVED, Status.WAITLISTED)
    # The decisions an administrator can take on an application, from the statuses that allow them.
    DECIDABLE_FROM = {
        Status.APPROVED: {Status.APPLIED, Status.WAITLISTED, Status.DECLINED},
        Status.DECLINED: {Status.APPLIED, Status.WAITLISTED},
        Status.WAITLISTED: {Status.APPLIED},
    }

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.APPLIED)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    goal_categories = models.JSONField(_("goal categories"), default=list, blank=True)
    growth_areas = models.ManyToManyField(Skill, blank=True, related_name="+")
    offers = models.ManyToManyField(Skill, blank=True, related_name="+")
    capacity = models.PositiveSmallIntegerField(_("how many people I can take on"), null=True, blank=True)
    prefers_outside_team = models.BooleanField(_("prefer someone from outside my team"), default=False)
    open_to_external = models.BooleanField(_("open to a mentor from outside the organisation"), default=False)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    # Mentees may name up to five mentors they would like (best first) and people to avoid (enrollment ids).
    wished_mentors = models.JSONField(default=list, blank=True)
    avoided_mentors = models.JSONField(default=list, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["program", "user", "role"], name="enrollment_one_per_role"),
            models.CheckConstraint(
                condition=Q(capacity__isnull=True) | Q(capacity__lte=20), name="enrollment_capacity_sane"
            ),
            texts_capped("enrollment_texts_capped", decision_reason=1000),
        ]
        indexes = [models.Index(fields=["program", "role", "status"], name="enrollment_roster")]

    def __str__(self) -> str:
        return f"{self.user} as {self.get_role_display()} in {self.program}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def can_withdraw(self) -> bool:
        return self.is_active

    @property
    def offers_help(self) -> bool:
        return self.role in (self.Role.MENTOR, self.Role.SPONSOR)

    @property
    def effective_capacity(self) -> int:
        """How many people a mentor or sponsor takes on: their own figure, else the program's default.

        Reads ``program``; callers that list many enrollments select it with them.
        """
        return self.capacity if self.capacity is not None else self.program.default_mentor_capacity

    def can_become(self, status: str) -> bool:
        return self.status in self.DECIDABLE_FROM.get(status, set())


class Invitation(models.Model):
    """An invitation by email. People without an account sign up from its link and land in the program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=8, choices=Enrollment.Role.choices)
    is_external = models.BooleanField(_("external participant"), default=False)
    # Only a SHA-256 digest of the link's secret is kept, so a database leak reveals no working links.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "program", "role", name="invitation_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.email} invited to {self.program} as {self.get_role_display()}"


class Job(models.Model):
    """A long administrator action on a program, run by a Celery worker while a page shows its progress.

    An invitation import of thousands of rows or a matching run on a big program outlasts a web request; the
    request that starts one answers at once with a progress page. Only the person who started it sees it, and
    only while they run the program. ``payload`` holds the input until the job finishes; ``summary`` is what
    the result page shows. A worker records progress in the same transaction as the work it describes, so a
    job whose worker died is picked up again where it stopped.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    FINISHED = (Status.DONE, Status.FAILED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="jobs")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=40)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    payload = models.JSONField(default=dict, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Moves with every step of progress; a running job whose heartbeat stopped belongs to a worker that died.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=F("total")), name="job_progress_within_total"),
            models.CheckConstraint(
                condition=Q(status__in=["done", "failed"], finished_at__isnull=False)
                | Q(status__in=["queued", "running"], finished_at__isnull=True),
                name="job_finished_when_done",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed"]), name="job_status_known"
            ),
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_waiting")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} on {self.program_id} ({self.status})"

    def get_absolute_url(self) -> str:
        return reverse("programs:job", args=[self.program.slug, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return 100 * self.progress // self.total if self.total else 0

    def get_result_url(self) -> str:
        return reverse("programs:job_result", args=[self.program.slug, self.pk])

    def progress_text(self) -> str:
        if self.status == self.Status.QUEUED:
            return str(_("Waiting for a worker to start…"))
        if self.status == self.Status.RUNNING:
            if self.total > 1:
                return str(_("%(done)s of %(total)s done (%(percent)s%%).")) % {
                    "done": self.progress,
                    "total": self.total,
                    "percent": self.percent,
                }
            return str(_("Working on it…"))
        return str(self.get_status_display())
