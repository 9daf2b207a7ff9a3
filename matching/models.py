"""Match proposals and administrators' pair rules.

These tables were created by the programs app and keep their names (``programs_pairrule``,
``programs_matchproposal``): the move to this app changed the Django state only, not the database.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentorship.common.constraints import texts_capped
from programs.models import Enrollment, Program


class PairRule(models.Model):
    """An administrator's decision about one pair: keep it in every run (lock) or never propose it (forbid)."""

    class Rule(models.TextChoices):
        LOCK = "lock", _("Locked")
        FORBID = "forbid", _("Forbidden")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pair_rules")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=6, choices=Rule.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "programs_pairrule"
        constraints = [models.UniqueConstraint(fields=["mentee", "mentor"], name="pair_rule_once")]

    def __str__(self) -> str:
        return f"{self.get_rule_display()}: {self.mentee_id} with {self.mentor_id}"


class MatchProposal(models.Model):
    """A proposed pair. Drafts belong to an administrator's matching run; proposed ones wait for the mentor."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Waiting for the mentor")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Origin(models.TextChoices):
        ENGINE = "engine", _("Matching engine")
        MENTEE = "mentee", _("Requested by the mentee")
        ADMIN = "admin", _("Assigned by an administrator")

    OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED)

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentee")
    mentor = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="proposals_as_mentor")
    origin = models.CharField(max_length=6, choices=Origin.choices)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.DRAFT)
    score = models.FloatField(default=0)
    # Plain-language explanation captured when the pair was proposed: [{"text": ..., "points": ...}].
    reasons = models.JSONField(default=list, blank=True)
    penalties = models.JSONField(default=list, blank=True)
    locked = models.BooleanField(default=False)
    respond_by = models.DateTimeField(null=True, blank=True)
    question = models.TextField(_("question for the mentee"), blank=True, max_length=2000)
    answer = models.TextField(_("the mentee's answer"), blank=True, max_length=2000)
    decline_reason = models.TextField(_("why not"), blank=True, max_length=2000)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "programs_matchproposal"
        ordering = ["-score", "pk"]
        constraints = [
            # One open proposal per pair, and a mentee has at most one proposal waiting for a mentor at a time
            # unless they chose mentors themselves (mentee requests are capped in the service instead).
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=Q(status__in=["draft", "proposed"]),
                name="proposal_open_once_per_pair",
            ),
            texts_capped("proposal_texts_capped", question=2000, answer=2000, decline_reason=2000),
        ]
        indexes = [
            models.Index(fields=["program", "status"], name="proposal_program_status"),
            models.Index(fields=["status", "respond_by"], name="proposal_deadline"),
        ]

    def __str__(self) -> str:
        return f"Proposal {self.pk}: {self.mentee_id} with {self.mentor_id} ({self.status})"
