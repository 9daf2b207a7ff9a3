"""Meetings: recurring series and their occurrences, agendas, notes, feedback, action items and calendar feeds."""

from __future__ import annotations

import datetime
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.links import PROVIDER_LABELS, MeetingLinkError, Provider, validate_meeting_link
from mentorship.common.constraints import texts_capped
from relationships.models import Relationship

PROVIDER_CHOICES = [(provider.value, label) for provider, label in PROVIDER_LABELS.items()]
# The "Join" button appears this long before a meeting starts.
# From this long before the start until the end, the Join button is the page's main action.
JOIN_WINDOW = datetime.timedelta(minutes=10)


class MeetingSeries(models.Model):
    """A recurring schedule: a wall-clock start in the organiser's zone and an RFC 5545 RRULE."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="series")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    zone = models.CharField(_("time zone"), max_length=64)
    first_date = models.DateField(_("first meeting"))
    start_time = models.TimeField(_("local start time"))
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    rrule = models.CharField(max_length=500)
    provider = models.CharField(_("where"), max_length=10, choices=PROVIDER_CHOICES)
    location = models.CharField(_("link or place"), max_length=500)
    sequence = models.PositiveIntegerField(default=0)
    # Occurrences exist as rows up to this instant; the periodic task moves it forward.
    materialised_until = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["first_date"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=1440), name="series_duration_sane"
            ),
        ]
        indexes = [models.Index(fields=["materialised_until"], name="series_horizon")]

    def __str__(self) -> str:
        return f"{self.title} ({self.relationship})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:series_edit", args=[self.pk])

    @property
    def dtstart_local(self) -> datetime.datetime:
        return datetime.datetime.combine(self.first_date, self.start_time)

    @property
    def duration(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.duration_minutes)

    @property
    def uid(self) -> str:
        return f"series-{self.pk}@mentorship"


class Meeting(models.Model):
    """One meeting: an occurrence of a series (which may be moved or cancelled on its own) or a one-off."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    # No single-column indexes on these two: (relationship, start) and (series, original_start) lead with them
    # and serve the same lookups, and every materialised occurrence would pay for two more index entries.
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="meetings", db_index=False)
    series = models.ForeignKey(
        MeetingSeries, on_delete=models.CASCADE, null=True, blank=True, related_name="meetings", db_index=False
    )
    # For occurrences: the start the series gave it (RFC 5545 RECURRENCE-ID), whatever it was moved to.
    original_start = models.DateTimeField(null=True, blank=True)
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    zone = models.CharField(_("time zone"), max_length=64)
    title = models.CharField(_("title"), max_length=120)
    provider = models.CharField(_("where"), max_length=10, choices=PROVIDER_CHOICES)
    location = models.CharField(_("link or place"), max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    # True once this occurrence was moved, cancelled or relocated by itself; series edits then leave it alone.
    is_override = models.BooleanField(default=False)
    sequence = models.PositiveIntegerField(default=0)
    shared_notes = models.TextField(_("shared notes"), blank=True, max_length=10000)
    wrapped_up_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["series", "original_start"], name="meeting_occurrence_once"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="meeting_ends_after_start"),
            models.CheckConstraint(
                condition=Q(series__isnull=True) | Q(original_start__isnull=False),
                name="meeting_occurrence_has_original_start",
            ),
            texts_capped("meeting_texts_capped", shared_notes=10000),
        ]
        indexes = [
            models.Index(fields=["relationship", "start"], name="meeting_relationship_start"),
            models.Index(fields=["status", "start"], name="meeting_status_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} on {self.start:%Y-%m-%d %H:%M} UTC"

    def get_absolute_url(self) -> str:
        return reverse("meetings:detail", args=[self.pk])

    @property
    def uid(self) -> str:
        return self.series.uid if self.series_id else f"meeting-{self.pk}@mentorship"

    @property
    def local_start(self) -> datetime.datetime:
        return self.start.astimezone(zoneinfo.ZoneInfo(self.zone))

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    @property
    def is_past(self) -> bool:
        return self.end <= timezone.now()

    @property
    def join_url(self) -> str | None:
        """The link behind the Join button: a video call's, or an "Other" place given as an https link."""
        try:
            return validate_meeting_link(self.provider, self.location).href if self.location else None
        except MeetingLinkError:
            return None  # stored before the checks, or edited by hand: no button rather than a bad link

    @property
    def join_host(self) -> str:
        """For "Other", the site the Join button leads to, shown beside it: it can be any site at all."""
        if self.provider != Provider.OTHER or not self.join_url:
            return ""
        return urlsplit(self.join_url).hostname or ""

    @property
    def has_started(self) -> bool:
        """Wrapping up (notes, rating, what was agreed) makes sense from the start on, not before."""
        return self.start <= timezone.now()

    @property
    def shows_join(self) -> bool:
        """The meeting page offers its link and a Join button: a link to follow, and a meeting still on."""
        return self.status == self.Status.SCHEDULED and self.provider != Provider.PHONE and self.join_url is not None

    @property
    def can_join_now(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.SCHEDULED
            and self.provider != Provider.PHONE
            and self.join_url is not None
            and self.start - JOIN_WINDOW <= now <= self.end
        )

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("topic"), max_length=300)
    needs_extra_time = models.BooleanField(_("needs extra time"), default=False)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Topics that need extra time go first, then the order the two agreed.
        ordering = ["-needs_extra_time", "position", "pk"]

    def __str__(self) -> str:
        return self.text


class MeetingPrivateNote(models.Model):
    """Each person's own notes on a meeting; nobody else reads them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("my private notes"), max_length=10000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="meeting_private_note_once"),
            texts_capped("meeting_private_note_texts_capped", body=10000),
        ]

    def __str__(self) -> str:
        return f"Private note {self.pk}"


class MeetingFeedback(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("how useful was this meeting?"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="meeting_feedback_once"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="meeting_feedback_1_to_5"),
            texts_capped("meeting_feedback_texts_capped", comment=2000),
        ]

    def __str__(self) -> str:
        return f"Feedback {self.rating}/5"


class ActionItem(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="action_items")
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items")
    description = models.CharField(_("what"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="action_items")
    due_on = models.DateField(_("due on"))
    resource_url = models.URLField(_("link to a shared resource"), blank=True, max_length=500)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner_open")]

    def __str__(self) -> str:
        return self.description

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_on < timezone.localdate()


class CalendarFeed(models.Model):
    """A person's private subscription URL. Only a SHA-256 digest of its secret is stored."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
