"""A mentoring or sponsorship relationship and what the two people build in it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from mentorship.common.constraints import texts_capped
from programs.models import CADENCE_DAYS, Cadence, GoalCategory, Program

# Each text of an agreement, a goal's reasons, and why a relationship paused or ended.
AGREEMENT_TEXT = 2000
GOAL_TEXT = 2000
REASON_TEXT = 1000

if TYPE_CHECKING:
    from mentorship.accounts.models import User


class Side(models.TextChoices):
    """Who someone is in a relationship; admins look in from the program."""

    MENTEE = "mentee", _("Mentee")
    MENTOR = "mentor", _("Mentor")
    ADMIN = "admin", _("Program administrator")


class Relationship(models.Model):
    class Kind(models.TextChoices):
        MENTORING = "mentoring", _("Mentoring")
        SPONSORSHIP = "sponsorship", _("Sponsorship")
        REVERSE = "reverse", _("Reverse mentoring")

    class Status(models.TextChoices):
        STARTING = "starting", _("Getting started")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    OPEN_STATUSES = (Status.STARTING, Status.ACTIVE, Status.PAUSED)
    CLOSED_STATUSES = (Status.COMPLETED, Status.ENDED)

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="relationships")
    mentee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="as_mentee")
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="as_mentor",
        help_text=_("The mentor, or the sponsor in a sponsorship."),
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STARTING)
    started_on = models.DateField()
    planned_end_on = models.DateField(null=True, blank=True)
    mentor_is_external = models.BooleanField(default=False)
    mentor_outside_team = models.BooleanField(default=False)
    paused_reason = models.TextField(blank=True, max_length=REASON_TEXT)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True, max_length=REASON_TEXT)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every write that changes what the relationship page shows (services.relationships_touch); the
    # page's cached parts are keyed by it, so a change shows at once without purging anything.
    revision = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(mentee=F("mentor")), name="relationship_two_people"),
            models.UniqueConstraint(fields=["program", "mentee", "mentor"], name="relationship_pair_once"),
            # A mentee has at most one open relationship per program.
            models.UniqueConstraint(
                fields=["program", "mentee"],
                condition=Q(status__in=["starting", "active", "paused"]),
                name="relationship_one_open_per_mentee",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(status__in=["completed", "ended"]),
                name="relationship_end_date_only_when_closed",
            ),
            texts_capped("relationship_texts_capped", paused_reason=REASON_TEXT, end_reason=REASON_TEXT),
        ]
        indexes = [models.Index(fields=["program", "status"], name="relationship_program_status")]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor}"

    def save(self, **kwargs: Any) -> None:
        # A full save of a row read earlier must not put back the revision it was read with: an older revision
        # would name parts of the page cached before later changes.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "revision"
            ]
        super().save(**kwargs)

    def get_absolute_url(self) -> str:
        return reverse("relationships:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_sponsorship(self) -> bool:
        return self.kind == self.Kind.SPONSORSHIP

    @property
    def mentor_title(self) -> str:
        return str(_("Sponsor")) if self.is_sponsorship else str(_("Mentor"))

    @property
    def mentee_title(self) -> str:
        return str(_("Sponsee")) if self.is_sponsorship else str(_("Mentee"))

    def side_of(self, user_id: int) -> str | None:
        if user_id == self.mentee_id:
            return Side.MENTEE
        if user_id == self.mentor_id:
            return Side.MENTOR
        return None

    def other_person_id(self, user_id: int) -> int:
        return self.mentor_id if user_id == self.mentee_id else self.mentee_id

    def other_person(self, user_id: int) -> User:
        return self.mentor if user_id == self.mentee_id else self.mentee


class Goal(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    CUSTOM = "custom"

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    category = models.CharField(_("category"), max_length=12, choices=[*GoalCategory.choices, (CUSTOM, _("Other"))])
    custom_category = models.CharField(_("other category"), max_length=60, blank=True)
    why = models.TextField(_("why it matters to you"), blank=True, max_length=GOAL_TEXT)
    success_measure = models.TextField(_("how you will know you got there"), blank=True, max_length=GOAL_TEXT)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    shared_with_program = models.BooleanField(
        _("share this goal with the program team"),
        default=False,
        help_text=_("Program administrators then see its title, status and progress. Otherwise only you two do."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__gte=0, progress__lte=100), name="goal_progress_percent"),
            texts_capped("goal_texts_capped", why=GOAL_TEXT, success_measure=GOAL_TEXT),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def category_label(self) -> str:
        if self.category == self.CUSTOM:
            return self.custom_category or str(_("Other"))
        return str(self.get_category_display())


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [texts_capped("goal_comment_texts_capped", body=2000)]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.goal}"


class Agreement(models.Model):
    """One version of what the two people agree to. A change after acceptance is a new version."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField(default=1)
    channels = models.JSONField(
        _("how we keep in touch"), default=list, help_text=_("A list of {channel, purpose} pairs.")
    )
    cadence = models.CharField(_("how often we meet"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    meeting_minutes = models.PositiveSmallIntegerField(_("meeting length (minutes)"), default=60)
    mentee_responsibilities = models.TextField(_("the mentee's role and responsibilities"), max_length=AGREEMENT_TEXT)
    mentor_responsibilities = models.TextField(_("the mentor's role and responsibilities"), max_length=AGREEMENT_TEXT)
    mentee_offers = models.TextField(
        _("how the mentee is a resource to the mentor"), blank=True, max_length=AGREEMENT_TEXT
    )
    mentor_offers = models.TextField(
        _("how the mentor is a resource to the mentee"), blank=True, max_length=AGREEMENT_TEXT
    )
    desired_outcomes = models.TextField(_("what we want to achieve"), max_length=AGREEMENT_TEXT)
    confidentiality = models.TextField(_("confidentiality"), max_length=AGREEMENT_TEXT)
    review_on = models.DateField(_("we review this agreement on"), null=True, blank=True)
    ends_on = models.DateField(_("the relationship ends on"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(fields=["relationship", "version"], name="agreement_version_unique"),
            models.CheckConstraint(
                condition=Q(meeting_minutes__gte=15, meeting_minutes__lte=240), name="agreement_meeting_length"
            ),
            models.CheckConstraint(
                condition=Q(review_on__isnull=True) | Q(ends_on__isnull=True) | Q(review_on__lte=F("ends_on")),
                name="agreement_review_before_end",
            ),
            texts_capped(
                "agreement_texts_capped",
                **dict.fromkeys(
                    (
                        "mentee_responsibilities",
                        "mentor_responsibilities",
                        "mentee_offers",
                        "mentor_offers",
                        "desired_outcomes",
                        "confidentiality",
                    ),
                    AGREEMENT_TEXT,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement v{self.version} for {self.relationship}"

    @property
    def accepted_by_both(self) -> bool:
        return self.mentee_accepted_at is not None and self.mentor_accepted_at is not None

    @property
    def has_acceptance(self) -> bool:
        return self.mentee_accepted_at is not None or self.mentor_accepted_at is not None

    def accepted_by(self, side: str) -> bool:
        if side == Side.MENTEE:
            return self.mentee_accepted_at is not None
        if side == Side.MENTOR:
            return self.mentor_accepted_at is not None
        return False

    @property
    def cadence_days(self) -> int:
        """The agreed rhythm in days: meetings suggest it and reminders measure stalls against it."""
        return CADENCE_DAYS[Cadence(self.cadence)]


class AdvocacyAction(models.Model):
    """Something a sponsor does with their network and standing for the sponsee."""

    class Kind(models.TextChoices):
        PROMOTION = "promotion", _("Recommended for a promotion")
        PROJECT = "project", _("Put forward for an important project or stretch assignment")
        INTRODUCTION = "introduction", _("Introduced to a leader")
        NOMINATION = "nomination", _("Nominated for a visible opportunity")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        DONE = "done", _("Done")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        DID_NOT_HAPPEN = "did_not_happen", _("Did not happen")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="advocacy")
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    happened_on = models.DateField(_("date"))
    description = models.TextField(_("details"), max_length=2000)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PLANNED)
    outcome = models.CharField(_("outcome"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING)
    sponsee_followup = models.TextField(_("what followed"), blank=True, max_length=2000)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-happened_on", "-pk"]
        constraints = [texts_capped("advocacy_texts_capped", description=2000, sponsee_followup=2000)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.happened_on}"


class PrivateNote(models.Model):
    """A note only its author ever reads: not the other person, not HR."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [texts_capped("private_note_texts_capped", body=5000)]

    def __str__(self) -> str:
        return f"Private note {self.pk}"


class Reflection(models.Model):
    """What each person takes away when the relationship ends; the rating feeds program reporting."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    goals_reached = models.TextField(_("which goals did you reach?"), blank=True, max_length=2000)
    what_worked = models.TextField(_("what worked well?"), blank=True, max_length=2000)
    what_to_change = models.TextField(_("what would you change next time?"), blank=True, max_length=2000)
    rating = models.PositiveSmallIntegerField(
        _("how was the relationship overall?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    thank_you = models.TextField(_("a thank-you message"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "author"], name="reflection_once_per_person"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="reflection_rating_1_to_5"),
            texts_capped(
                "reflection_texts_capped", goals_reached=2000, what_worked=2000, what_to_change=2000, thank_you=2000
            ),
        ]

    def __str__(self) -> str:
        return f"Reflection by {self.author}"


class Activity(models.Model):
    """The relationship's timeline. Entries name what happened, never private content."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="activity")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    summary = models.CharField(max_length=300)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return self.summary
