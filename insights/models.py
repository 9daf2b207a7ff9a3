"""Insights' own rows: what program administrators did to a pair (who, what, when), and the health figures
pages read instead of working them out from every meeting on each view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from insights.health import Health, Reason
from matching.models import MatchProposal
from mentorship.common.constraints import texts_capped
from programs.models import Program
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
            texts_capped("hr_action_texts_capped", note=1000),
        ]
        indexes = [models.Index(fields=["relationship", "kind", "created_at"], name="hr_action_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.created_at:%Y-%m-%d}"


class PairHealth(models.Model):
    """A relationship's health score and the figures behind it, as of the last refresh.

    Working these out means reading every pair's recent meetings, ratings and action items: seconds for a program
    of ten thousand pairs, far too slow for each page view. So insights.services refreshes these rows: a periodic
    task every few minutes, a page for the programs it shows when their figures are missing or stale, and each HR
    action for its pair. Pages then read and aggregate these rows in the database. They are derived data only;
    deleting them all loses nothing.
    """

    relationship = models.OneToOneField(
        Relationship, on_delete=models.CASCADE, primary_key=True, related_name="health_figures"
    )
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="+", db_index=False)
    score = models.PositiveSmallIntegerField(null=True)  # None for a closed relationship
    band = models.CharField(max_length=8, blank=True)
    # [[code, points, [figures of its sentence]], ...], the costliest first (see insights.health.Reason).
    reasons = models.JSONField(default=list, blank=True)
    # The reason codes between spaces (" stalled overdue "), so a list can be filtered by one of them.
    codes = models.CharField(max_length=100, blank=True)
    cadence = models.CharField(max_length=10)
    cadence_agreed = models.BooleanField(default=False)
    cadence_kept = models.BooleanField(null=True)
    agreement = models.CharField(max_length=8)
    agreement_ever_accepted = models.BooleanField(default=False)
    last_held = models.DateTimeField(null=True)
    next_meeting = models.DateTimeField(null=True)
    held_total = models.PositiveIntegerField(default=0)
    held_recently = models.PositiveIntegerField(default=0)
    pending_wrap_ups = models.PositiveIntegerField(default=0)
    open_items = models.PositiveIntegerField(default=0)
    overdue_items = models.PositiveIntegerField(default=0)
    done_items = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    # From the mentee's approval (or joining) to the match.
    days_to_match = models.FloatField(null=True)
    computed_at = models.DateTimeField()

    class Meta:
        # The at-risk list: a program's pairs by score (ties by id), the first page read straight off the index.
        indexes = [models.Index(fields=["program", "score", "relationship"], name="pair_health_program_score")]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True, band="") | Q(score__lte=100, band__in=["healthy", "watch", "at_risk"]),
                name="pair_health_score_and_band",
            ),
        ]

    def __str__(self) -> str:
        return f"Health of relationship {self.relationship_id}: {self.score}"

    # The same names as insights.facts.PairFacts, so a template shows either.

    @property
    def health(self) -> Health | None:
        if self.score is None:
            return None
        reasons = tuple(Reason(code, points, tuple(figures)) for code, points, figures in self.reasons)
        return Health(self.score, self.band, reasons, self.cadence_kept)

    @property
    def status(self) -> str:
        return self.relationship.status

    @property
    def mentee_name(self) -> str:
        return self.relationship.mentee.display_name

    @property
    def mentor_name(self) -> str:
        return self.relationship.mentor.display_name

    @property
    def program_name(self) -> str:
        return self.program.name

    @property
    def pair_label(self) -> str:
        return f"{self.mentee_name} & {self.mentor_name}"

    @property
    def recent_rating(self) -> float | None:
        return self.rating_sum / self.ratings if self.ratings else None


class ProgramFigures(models.Model):
    """A program's figures that read a year of meetings (meetings per month), kept with its pairs' health.

    ``computed_at`` is when the program's pairs were last refreshed together; a page showing figures older than
    insights.selectors.STALE_AFTER asks the workers to refresh them.
    """

    program = models.OneToOneField(Program, on_delete=models.CASCADE, primary_key=True, related_name="+")
    months = models.JSONField(default=list)  # [{"start": "2027-03-01", "planned": 4, "held": 2}, ...]
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "program figures"

    def __str__(self) -> str:
        return f"Figures of program {self.program_id} as of {self.computed_at:%Y-%m-%d %H:%M}"
