"""The health of one relationship: a score from 0 (in trouble) to 100 (all well) and the reasons in words.

``relationship_health`` is the one place the score is computed. It reads figures the database already
aggregated (see ``insights.facts``) and does no I/O, so it is cheap for ten thousand relationships and easy to
test on its own. Each warning sign costs points and brings a sentence an administrator can act on, such as
"no meeting held for 47 days; agreed monthly".
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from meetings.stalled import grace_days
from programs.models import CADENCE_DAYS, Cadence
from relationships.models import Relationship

# Meetings held in this many days are compared with what the agreed rhythm asks for (a quarter: one quarterly
# meeting, three monthly ones, thirteen weekly ones).
CADENCE_WINDOW_DAYS = 91
# Meeting ratings from this period count as "recent".
RECENT_RATINGS_DAYS = 91
# A new pair gets this long to write and accept its agreement before it counts against them.
SETTLING_IN_DAYS = 14
# Scores at or above HEALTHY are healthy; below AT_RISK the pair is at risk; in between it needs attention.
HEALTHY = 80
AT_RISK = 50
PAUSED_SCORE = 70


class Band(models.TextChoices):
    HEALTHY = "healthy", gettext_lazy("Healthy")
    WATCH = "watch", gettext_lazy("Needs attention")
    AT_RISK = "at_risk", gettext_lazy("At risk")


class ReasonCode(models.TextChoices):
    STALLED = "stalled", gettext_lazy("Stopped meeting")
    CADENCE = "cadence", gettext_lazy("Behind the agreed rhythm")
    OVERDUE = "overdue", gettext_lazy("Overdue action items")
    WRAP_UP = "wrap_up", gettext_lazy("Meetings waiting for a wrap-up")
    FEEDBACK = "feedback", gettext_lazy("Low meeting ratings")
    AGREEMENT = "agreement", gettext_lazy("No accepted agreement")
    PAUSED = "paused", gettext_lazy("Paused")


class AgreementState(models.TextChoices):
    NONE = "none", gettext_lazy("None yet")
    DRAFT = "draft", gettext_lazy("Not accepted by both")
    ACCEPTED = "accepted", gettext_lazy("Accepted")
    # Both accepted an earlier version; a change waits for acceptance. The accepted version still holds.
    REVISING = "revising", gettext_lazy("Accepted; a change waits")


RHYTHM = {
    Cadence.WEEKLY: gettext_lazy("weekly"),
    Cadence.BIWEEKLY: gettext_lazy("every two weeks"),
    Cadence.MONTHLY: gettext_lazy("monthly"),
    Cadence.QUARTERLY: gettext_lazy("quarterly"),
}


@dataclass(frozen=True, slots=True)
class HealthInputs:
    """What the score is computed from, for one relationship, as of today."""

    status: str
    days_open: int  # days since the relationship started
    cadence: str  # the agreed rhythm, else the program's
    cadence_agreed: bool
    agreement: str  # an AgreementState
    days_since_held: int | None  # None: no meeting held yet
    held_recently: int  # meetings held in the last CADENCE_WINDOW_DAYS
    overdue_items: int
    recent_rating: float | None  # average usefulness over RECENT_RATINGS_DAYS, None without ratings
    pending_wrap_ups: int  # meetings that ended a while ago and nobody said whether they took place


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text: str
    points: int


@dataclass(frozen=True, slots=True)
class Health:
    score: int
    band: str
    reasons: tuple[Reason, ...]
    # Whether the pair met as often as agreed over the window; None when it cannot be judged yet (or paused).
    cadence_kept: bool | None

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(reason.code for reason in self.reasons)

    @property
    def summary(self) -> str:
        return "; ".join(reason.text for reason in self.reasons)

    @property
    def band_label(self) -> str:
        return str(Band(self.band).label)


def band_of(score: int) -> str:
    if score >= HEALTHY:
        return Band.HEALTHY
    if score < AT_RISK:
        return Band.AT_RISK
    return Band.WATCH


def rhythm_text(cadence: str, agreed: bool) -> str:
    """How often the pair should meet, and whether they agreed it: "agreed monthly"."""
    rhythm = RHYTHM[Cadence(cadence)]
    if agreed:
        return _("agreed %(rhythm)s") % {"rhythm": rhythm}
    return _("no agreed rhythm yet, the program's is %(rhythm)s") % {"rhythm": rhythm}


def _rhythm(inputs: HealthInputs) -> str:
    return rhythm_text(inputs.cadence, inputs.cadence_agreed)


def _meeting_reasons(inputs: HealthInputs) -> tuple[list[Reason], bool | None]:
    reasons = []
    cadence_days = CADENCE_DAYS[Cadence(inputs.cadence)]
    grace = grace_days(inputs.cadence)
    since = inputs.days_since_held if inputs.days_since_held is not None else inputs.days_open
    if since > grace:
        points = min(50, 30 + round(20 * (since - grace) / cadence_days))
        if inputs.days_since_held is None:
            text = _("no meeting held yet, %(days)s days after the start; %(rhythm)s")
        else:
            text = _("no meeting held for %(days)s days; %(rhythm)s")
        reasons.append(Reason(ReasonCode.STALLED, text % {"days": since, "rhythm": _rhythm(inputs)}, points))
    window = min(CADENCE_WINDOW_DAYS, inputs.days_open)
    expected = window // cadence_days
    if expected == 0:
        return reasons, None
    missing = expected - inputs.held_recently
    if missing > 0:
        text = ngettext(
            "%(held)s of the %(expected)s meeting expected in the last %(days)s days was held; %(rhythm)s",
            "%(held)s of the %(expected)s meetings expected in the last %(days)s days were held; %(rhythm)s",
            expected,
        ) % {"held": inputs.held_recently, "expected": expected, "days": window, "rhythm": _rhythm(inputs)}
        reasons.append(Reason(ReasonCode.CADENCE, text, round(20 * missing / expected)))
    return reasons, missing <= 0


def relationship_health(inputs: HealthInputs) -> Health:
    """The score (100 minus the points of each warning sign, never below 0), its band and the reasons."""
    if inputs.status == Relationship.Status.PAUSED:
        reason = Reason(ReasonCode.PAUSED, _("paused"), 100 - PAUSED_SCORE)
        return Health(PAUSED_SCORE, band_of(PAUSED_SCORE), (reason,), None)
    reasons, cadence_kept = _meeting_reasons(inputs)
    if inputs.overdue_items:
        text = ngettext("%(n)s overdue action item", "%(n)s overdue action items", inputs.overdue_items)
        reasons.append(
            Reason(ReasonCode.OVERDUE, text % {"n": inputs.overdue_items}, min(24, 8 * inputs.overdue_items))
        )
    if inputs.pending_wrap_ups:
        text = ngettext(
            "%(n)s meeting waiting for its wrap-up", "%(n)s meetings waiting for their wrap-up", inputs.pending_wrap_ups
        )
        points = min(20, 10 * inputs.pending_wrap_ups)
        reasons.append(Reason(ReasonCode.WRAP_UP, text % {"n": inputs.pending_wrap_ups}, points))
    if inputs.recent_rating is not None and inputs.recent_rating < 3.5:
        text = _("recent meetings rated %(rating).1f out of 5") % {"rating": inputs.recent_rating}
        reasons.append(Reason(ReasonCode.FEEDBACK, text, 15 if inputs.recent_rating < 2.5 else 5))
    if inputs.days_open > SETTLING_IN_DAYS and inputs.agreement in (AgreementState.NONE, AgreementState.DRAFT):
        if inputs.agreement == AgreementState.NONE:
            text, points = _("no agreement after %(days)s days"), 15
        else:
            text, points = _("agreement not accepted by both after %(days)s days"), 10
        reasons.append(Reason(ReasonCode.AGREEMENT, text % {"days": inputs.days_open}, points))
    reasons.sort(key=lambda reason: -reason.points)
    score = max(0, 100 - sum(reason.points for reason in reasons))
    return Health(score, band_of(score), tuple(reasons), cadence_kept)
