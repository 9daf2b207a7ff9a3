"""The health of one relationship: a score from 0 (in trouble) to 100 (all well) and the reasons in words.

``relationship_health`` is the one place the score is computed. It reads figures the database already
aggregated (see ``insights.facts``) and does no I/O, so it is cheap for ten thousand relationships and easy to
test on its own. Each warning sign costs points and brings a sentence an administrator can act on, such as
"no meeting held for 47 days; agreed monthly".
"""

from __future__ import annotations

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from meetings.stalled import grace_days
from programs.models import CADENCE_DAYS, Cadence
from relationships.models import Relationship

# Meetings held in this many days are compared with what the agreed rhythm asks for (a quarter: one quarterly
# meeting, three monthly ones, thirteen weekly ones).
CADENCE_WINDOW_DAYS = 91
# Ratings of the meetings held in that window are the "recent" ratings.
RECENT_RATINGS_DAYS = CADENCE_WINDOW_DAYS
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
    str(Cadence.WEEKLY): gettext_lazy("weekly"),
    str(Cadence.BIWEEKLY): gettext_lazy("every two weeks"),
    str(Cadence.MONTHLY): gettext_lazy("monthly"),
    str(Cadence.QUARTERLY): gettext_lazy("quarterly"),
}


class HealthInputs(NamedTuple):
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


class Reason(NamedTuple):
    """One warning sign: its code, the points it costs, and the figures its sentence is written from.

    The sentence is written when it is read: a program of ten thousand pairs is scored for its dashboard, but only
    the few pairs on screen (or in a file) need their reasons in words. (Named tuples rather than dataclasses here:
    they are built ten thousand times for one page, and cost a third as much.)
    """

    code: str
    points: int
    figures: tuple[int | float | str | bool, ...] = ()

    @property
    def text(self) -> str:
        return _SENTENCES[self.code](*self.figures)


class Health(NamedTuple):
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
        return str(BAND_LABELS[self.band])


BAND_LABELS = dict(Band.choices)
_HEALTHY_BAND, _WATCH_BAND, _AT_RISK_BAND = str(Band.HEALTHY), str(Band.WATCH), str(Band.AT_RISK)


def band_of(score: int) -> str:
    if score >= HEALTHY:
        return _HEALTHY_BAND
    if score < AT_RISK:
        return _AT_RISK_BAND
    return _WATCH_BAND


def rhythm_text(cadence: str, agreed: bool) -> str:
    """How often the pair should meet, and whether they agreed it: "agreed monthly"."""
    rhythm = RHYTHM[cadence]
    if agreed:
        return _("agreed %(rhythm)s") % {"rhythm": rhythm}
    return _("no agreed rhythm yet, the program's is %(rhythm)s") % {"rhythm": rhythm}


def _stalled(days: int, never: bool, cadence: str, agreed: bool) -> str:
    if never:
        text = _("no meeting held yet, %(days)s days after the start; %(rhythm)s")
    else:
        text = _("no meeting held for %(days)s days; %(rhythm)s")
    return text % {"days": days, "rhythm": rhythm_text(cadence, agreed)}


def _behind(held: int, expected: int, days: int, cadence: str, agreed: bool) -> str:
    text = ngettext(
        "held %(held)s of the %(expected)s meeting expected in the last %(days)s days; %(rhythm)s",
        "held %(held)s of the %(expected)s meetings expected in the last %(days)s days; %(rhythm)s",
        expected,
    )
    return text % {"held": held, "expected": expected, "days": days, "rhythm": rhythm_text(cadence, agreed)}


def _overdue(n: int) -> str:
    return ngettext("%(n)s overdue action item", "%(n)s overdue action items", n) % {"n": n}


def _wrap_up(n: int) -> str:
    return ngettext("%(n)s meeting waiting for its wrap-up", "%(n)s meetings waiting for their wrap-up", n) % {"n": n}


def _rated(rating: float) -> str:
    return _("recent meetings rated %(rating).1f out of 5") % {"rating": rating}


def _agreement(state: str, days: int) -> str:
    if state == AgreementState.NONE:
        return _("no agreement after %(days)s days") % {"days": days}
    return _("agreement not accepted by both after %(days)s days") % {"days": days}


_SENTENCES = {
    ReasonCode.STALLED: _stalled,
    ReasonCode.CADENCE: _behind,
    ReasonCode.OVERDUE: _overdue,
    ReasonCode.WRAP_UP: _wrap_up,
    ReasonCode.FEEDBACK: _rated,
    ReasonCode.AGREEMENT: _agreement,
    ReasonCode.PAUSED: lambda: _("paused"),
}
# Looked up for every relationship scored: plain dictionaries, not enum constructors.
_CADENCE_DAYS = {str(cadence): days for cadence, days in CADENCE_DAYS.items()}
_GRACE_DAYS = {cadence: grace_days(cadence) for cadence in _CADENCE_DAYS}
_UNSETTLED = (str(AgreementState.NONE), str(AgreementState.DRAFT))
_NO_AGREEMENT = str(AgreementState.NONE)
_PAUSED = str(Relationship.Status.PAUSED)
STALLED, CADENCE, OVERDUE = str(ReasonCode.STALLED), str(ReasonCode.CADENCE), str(ReasonCode.OVERDUE)
WRAP_UP, FEEDBACK, AGREEMENT = str(ReasonCode.WRAP_UP), str(ReasonCode.FEEDBACK), str(ReasonCode.AGREEMENT)
PAUSED = str(ReasonCode.PAUSED)


def _meeting_reasons(inputs: HealthInputs, reasons: list[Reason]) -> bool | None:
    cadence, agreed = inputs.cadence, inputs.cadence_agreed
    cadence_days = _CADENCE_DAYS[cadence]
    grace = _GRACE_DAYS[cadence]
    never = inputs.days_since_held is None
    since = inputs.days_open if never else inputs.days_since_held
    if since > grace:
        points = min(50, 30 + round(20 * (since - grace) / cadence_days))
        reasons.append(Reason(STALLED, points, (since, never, cadence, agreed)))
    window = min(CADENCE_WINDOW_DAYS, inputs.days_open)
    expected = window // cadence_days
    if expected == 0:
        return None
    missing = expected - inputs.held_recently
    if missing > 0:
        figures = (inputs.held_recently, expected, window, cadence, agreed)
        reasons.append(Reason(CADENCE, round(20 * missing / expected), figures))
    return missing <= 0


def relationship_health(inputs: HealthInputs) -> Health:
    """The score (100 minus the points of each warning sign, never below 0), its band and the reasons."""
    if inputs.status == _PAUSED:
        return Health(PAUSED_SCORE, band_of(PAUSED_SCORE), (Reason(PAUSED, 100 - PAUSED_SCORE),), None)
    reasons: list[Reason] = []
    cadence_kept = _meeting_reasons(inputs, reasons)
    if inputs.overdue_items:
        n = inputs.overdue_items
        reasons.append(Reason(OVERDUE, min(24, 8 * n), (n,)))
    if inputs.pending_wrap_ups:
        n = inputs.pending_wrap_ups
        reasons.append(Reason(WRAP_UP, min(20, 10 * n), (n,)))
    rating = inputs.recent_rating
    if rating is not None and rating < 3.5:
        reasons.append(Reason(FEEDBACK, 15 if rating < 2.5 else 5, (rating,)))
    if inputs.days_open > SETTLING_IN_DAYS and inputs.agreement in _UNSETTLED:
        points = 15 if inputs.agreement == _NO_AGREEMENT else 10
        reasons.append(Reason(AGREEMENT, points, (inputs.agreement, inputs.days_open)))
    if len(reasons) > 1:
        reasons.sort(key=lambda reason: -reason.points)
    score = max(0, 100 - sum(reason.points for reason in reasons))
    return Health(score, band_of(score), tuple(reasons), cadence_kept)
