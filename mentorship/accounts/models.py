"""People: the User (signs in with an email address), their Profile and the Skill vocabulary."""

from __future__ import annotations

import re
import zoneinfo

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.zones import is_known_zone
from mentorship.common.constraints import texts_capped


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)


class User(AbstractUser):
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["full_name", "email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: object, **kwargs: object) -> None:
        # Addresses are compared case-insensitively everywhere; store them in one case.
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return display_name_of(self.full_name, self.email)

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone this person sees times in: their profile's, or UTC without a usable one."""
        try:
            name = self.profile.time_zone
        except Profile.DoesNotExist:
            name = None
        return zone_named(name)

    @property
    def is_program_admin(self) -> bool:
        from mentorship.accounts.roles import user_is_program_admin

        return user_is_program_admin(self)


def display_name_of(full_name: str | None, email: str | None) -> str:
    """What a person is called on pages and in emails: their name, or the first part of their address.

    A function of plain values too, for lists read as values rather than User rows.
    """
    return full_name or (email or "").split("@")[0]


def normalise_skill_name(raw: str) -> str:
    """Collapse whitespace; the case-folded form is what makes two spellings the same skill."""
    return re.sub(r"\s+", " ", raw).strip()


# A skill someone types joins everyone's suggestions once this many people use it (or an administrator does).
SKILL_SHARED_BY = 3
# How many skills one list (offered, or wanted) may hold.
MAX_SKILLS = 20
SKILL_NAME_LENGTH = 80


class Skill(models.Model):
    """One entry in the shared vocabulary of skills and growth areas."""

    name = models.CharField(max_length=SKILL_NAME_LENGTH)
    key = models.CharField(max_length=SKILL_NAME_LENGTH, unique=True, editable=False)
    # Vetted skills are suggested to everyone. A new one typed by one person is theirs until an administrator
    # uses it too or SKILL_SHARED_BY people do, so nobody can plant text in everyone's suggestions.
    vetted = models.BooleanField(
        default=False, help_text="Suggested to everyone. Skills an administrator adds or uses are vetted."
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = normalise_skill_name(self.name)
        self.key = self.name.casefold()
        super().save(*args, **kwargs)


class Seniority(models.IntegerChoices):
    """An ordered scale: a larger number is more senior. Sponsorship relies on the order."""

    ENTRY = 1, _("Entry level")
    JUNIOR = 2, _("Junior")
    MID = 3, _("Mid-level")
    SENIOR = 4, _("Senior")
    LEAD = 5, _("Lead / Staff")
    PRINCIPAL = 6, _("Principal / Manager")
    DIRECTOR = 7, _("Director")
    EXECUTIVE = 8, _("Executive")


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that name, or UTC when it is empty or unknown (a zone removed from the tz database since)."""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def validate_time_zone(value: str) -> None:
    if not is_known_zone(value):
        raise ValidationError(
            _("%(value)s is not a known time zone; pick one such as Europe/Berlin."), params={"value": value}
        )


def validate_languages(value: object) -> None:
    known = {code for code, _name in LANGUAGE_CHOICES}
    if not isinstance(value, list) or any(code not in known for code in value):
        raise ValidationError(_("Choose languages from the list."))


class Profile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    department = models.CharField(_("department or team"), max_length=100, blank=True)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    seniority = models.PositiveSmallIntegerField(_("seniority level"), choices=Seniority.choices, null=True)
    manager = models.ForeignKey(
        User,
        verbose_name=_("manager"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_report_profiles",
    )
    location = models.CharField(_("location"), max_length=100, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC", validators=[validate_time_zone])
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    skills_offered = models.ManyToManyField(Skill, blank=True, related_name="offered_by")
    growth_areas = models.ManyToManyField(Skill, blank=True, related_name="wanted_by")
    interests = models.CharField(_("interests"), max_length=300, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True, validators=[validate_languages])
    open_to_outside_mentors = models.BooleanField(_("open to mentors from outside my team"), default=True)
    is_external = models.BooleanField(
        _("external participant"),
        default=False,
        help_text=_("Someone from outside the organisation, invited to a program by email."),
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seniority__isnull=True) | models.Q(seniority__gte=1, seniority__lte=8),
                name="profile_seniority_in_scale",
            ),
            models.CheckConstraint(condition=~models.Q(manager=models.F("user")), name="profile_not_own_manager"),
            texts_capped("profile_texts_capped", bio=1000),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_named(self.time_zone)

    def language_names(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names.get(code, code)) for code in self.languages]


class DeletionRequest(models.Model):
    """A person asked for their personal data to be deleted; an operator confirms, and the data is erased.

    The row outlives the erasure (the user row is kept, anonymised, so that program statistics stay whole) and
    records who confirmed it and when.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an operator")
        DONE = "done", _("Deleted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deletion_requests")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="deletion_request_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"Deletion request {self.pk} ({self.status})"


class FormSubmission(models.Model):
    """A form's single-use token, claimed by the request that saves the form.

    A double click sends the same form twice; the second request finds its token taken (the unique key makes
    the two wait for each other on PostgreSQL) and is told it was already saved, so it creates nothing.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "token"], name="form_submission_once")]

    def __str__(self) -> str:
        return f"Form submission {self.token}"


class WorkingHours(models.Model):
    """One stretch of a weekday a person can meet in, in their profile's zone (minutes after local midnight).

    A person with no rows has never said: they are taken to work 09:00-17:00 on weekdays (accounts.hours), and
    nothing is written for them until they save their own week.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday
    start_minute = models.PositiveSmallIntegerField(_("from"))
    end_minute = models.PositiveSmallIntegerField(_("to"))

    class Meta:
        ordering = ["user", "weekday", "start_minute"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="working_hours_weekday"),
            models.CheckConstraint(
                condition=models.Q(start_minute__lt=models.F("end_minute"), end_minute__lte=1440),
                name="working_hours_end_after_start",
            ),
            models.UniqueConstraint(fields=["user", "weekday", "start_minute"], name="working_hours_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on day {self.weekday}: {self.start_minute}-{self.end_minute}"
