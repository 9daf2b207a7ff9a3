"""The notification outbox, in-app notices, each person's notification preferences, and the audit log.

Every email is a row first, so that nothing is lost and nothing is sent twice; every in-app notice is a row
with the same kind of key. This app knows nothing of programs, relationships or meetings: callers hand it
keys, recipients, templates and links.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Lead times (minutes before a meeting) a person can choose for meeting reminders.
LEAD_TIME_CHOICES: list[tuple[int, str]] = [
    (15, _("15 minutes before")),
    (60, _("1 hour before")),
    (120, _("2 hours before")),
    (240, _("4 hours before")),
    (720, _("12 hours before")),
    (1440, _("1 day before")),
    (2880, _("2 days before")),
    (10080, _("1 week before")),
]
DEFAULT_LEAD_MINUTES = [1440, 60]


class Kind(models.TextChoices):
    """The reminders and nudges a person can switch on, off or to a daily digest."""

    MEETING_REMINDER = "meeting_reminder", _("Reminders before my meetings")
    MEETING_PREPARE = "meeting_prepare", _("A nudge two days ahead to add agenda topics")
    MEETING_FOLLOWUP = "meeting_followup", _("A follow-up after a meeting to record notes and next steps")
    ACTION_ITEM = "action_item", _("Action items that are nearly due or overdue")
    RELATIONSHIP_STALLED = "relationship_stalled", _("A relationship that has stopped meeting")
    AGREEMENT_PENDING = "agreement_pending", _("An agreement still waiting for acceptance")
    MATCH_PROPOSAL = "match_proposal", _("Match proposals waiting for an answer")
    ADMIN_DIGEST = "admin_digest", _("Weekly program summary (program administrators)")


class Mode(models.TextChoices):
    ON = "on", _("Email me each time")
    DIGEST = "digest", _("Collect into one daily email")
    OFF = "off", _("No email")


class OutboundEmail(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The thing it was about was done, cancelled or unsubscribed before the email left.
        SKIPPED = "skipped", _("No longer needed")
        # It could not leave before the moment it was about (a reminder after its meeting began): kept with the
        # reason in last_error, so an administrator sees it and the weekly digest counts it.
        MISSED = "missed", _("Missed: too late to send")

    # Identifies the notice (recipient, kind, object, moment, lead time): a second request for the same key is
    # a no-op, whether it comes from a second scan, a second worker or a retry. (A constraint rather than
    # unique=True: PostgreSQL then keeps no extra LIKE index, and every status change updates fewer indexes.)
    key = models.CharField(max_length=255)
    kind = models.CharField(max_length=64)
    to = models.EmailField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=255, blank=True)
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    # Reminders are rendered when they leave, not when they are scanned: the agenda and the open action items
    # are then current, the scan stays cheap, and a provider can say the email is no longer needed.
    template = models.CharField(max_length=100, blank=True)
    context = models.JSONField(default=dict, blank=True)
    context_provider = models.CharField(max_length=200, blank=True)
    # [{filename, mimetype, content}] inline, or [{filename, mimetype, provider, args}] built when sending.
    attachments = models.JSONField(default=list, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not before this instant: backoff after a transient failure. Null means as soon as possible.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # When the row was last claimed, or the claim's lease last renewed (see outbox.LEASE): a "sending" row older
    # than the lease belongs to a worker that died. It stays set afterwards: the time of the last attempt.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_next"),
            models.Index(fields=["claim_token"], name="outbox_claim_token", condition=~Q(claim_token="")),
        ]
        constraints = [models.UniqueConstraint(fields=["key"], name="outbox_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to} ({self.status})"


class Heartbeat(models.Model):
    """The last time a periodic signal of life arrived (beat's heartbeat task, run by a worker)."""

    name = models.CharField(max_length=50, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class Notice(models.Model):
    """One in-app notice, shown under the bell. The key follows the outbox's discipline: one per notice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices")
    key = models.CharField(max_length=255, unique=True)
    kind = models.CharField(max_length=64)
    title = models.CharField(max_length=255)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waiting for the person's daily digest email (their preference for this kind is "digest").
    digest_pending = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notice_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notice_user_recent"),
            models.Index(fields=["digest_pending"], name="notice_digest", condition=Q(digest_pending=True)),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationSettings(models.Model):
    """A person's choices: a mode per kind (absent means on) and the lead times of meeting reminders."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    modes = models.JSONField(default=dict, blank=True)
    lead_minutes = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"

    def mode_for(self, kind: str) -> str:
        return self.modes.get(kind, Mode.ON)

    @property
    def leads(self) -> list[int]:
        return sorted(self.lead_minutes or DEFAULT_LEAD_MINUTES, reverse=True)


class AuditEvent(models.Model):
    """Who did what, when, from where, with what outcome: for operators and security reviews.

    Written only through notifications.audit.audit_record, which keeps out passwords, tokens, feed secrets and
    anything a person wrote: a row names the action, the objects by type and id, and fixed wording.
    """

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_OUT = "sign_out", _("Signed out")
        MFA_CHANGED = "mfa_changed", _("Two-factor settings changed")
        MFA_FAILED = "mfa_failed", _("Two-factor code refused")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        EMAIL_CHANGED = "email_changed", _("Email address changed")
        ACCESS_REFUSED = "access_refused", _("Access refused")
        ROLE_CHANGED = "role_changed", _("Role changed")
        ENROLLMENT_CHANGED = "enrollment_changed", _("Enrollment changed")
        MATCHING_RUN = "matching_run", _("Matching run")
        MATCHING_PUBLISHED = "matching_published", _("Matches published")
        PAIRED_BY_HAND = "paired_by_hand", _("Pair created by hand")
        INTERVENTION = "intervention", _("HR intervention")
        EXPORT = "export", _("Data exported")
        DELETION_REQUESTED = "deletion_requested", _("Deletion requested")
        DELETION_CANCELLED = "deletion_cancelled", _("Deletion request withdrawn")
        DELETION_DONE = "deletion_done", _("Personal data deleted")

    class Outcome(models.TextChoices):
        OK = "ok", _("Done")
        REFUSED = "refused", _("Refused")
        FAILED = "failed", _("Failed")

    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=32, choices=Action.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OK)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The address as it was then (or as typed at a failed sign-in); replaced when the person is erased.
    actor_email = models.CharField(max_length=254, blank=True)
    # The person the event is about, when that is someone else (an enrollment decided, an account erased).
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=300)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["-at"], name="audit_recent"),
            models.Index(fields=["action", "-at"], name="audit_action_recent"),
            models.Index(fields=["actor", "-at"], name="audit_actor_recent"),
            models.Index(fields=["subject", "-at"], name="audit_subject_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"
