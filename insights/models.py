"""What program administrators did to a relationship from the insights pages: who, what and when."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.models import MatchProposal
from relationships.models import Relationship


class HRAction(models.Model):
    """One step an administrator took: a check-in nudge, a pause, an end, a re-match. Never deleted by the app."""

    class Kind(models.TextChoices):
        NUDGE = "nudge", _("Check-in nudge sent")
        PAUSE = "pause", _("Paused")
        END = "end", _("Ended")
        REMATCH = "rematch", _("Mentee re-matched")

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="hr_actions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    # What the administrator wrote with it: the reason for a pause or an end, the message of a nudge.
    note = models.TextField(blank=True, max_length=1000)
    # For nudges, the ISO week it went out in ("2027-W03"): the database holds the pair to one nudge a week.
    week = models.CharField(max_length=8, blank=True)
    # For re-matches, the proposal that went to the next-best mentor (None when nobody could be proposed).
    proposal = models.ForeignKey(MatchProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["nudge", "pause", "end", "rematch"]), name="hr_action_kind"),
            models.CheckConstraint(
                condition=(Q(kind="nudge") & ~Q(week="")) | (~Q(kind="nudge") & Q(week="")),
                name="hr_action_week_for_nudges_only",
            ),
            models.UniqueConstraint(
                fields=["relationship", "week"], condition=Q(kind="nudge"), name="hr_action_one_nudge_a_week"
            ),
        ]
        indexes = [models.Index(fields=["relationship", "kind", "created_at"], name="hr_action_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.created_at:%Y-%m-%d}"
