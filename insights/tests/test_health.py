"""The health score: the pure function on its own, then the four telling pairs of the hand-built program."""

from __future__ import annotations

import pytest

from insights.facts import pair_facts
from insights.health import AgreementState, Band, Health, HealthInputs, relationship_health
from insights.selectors import AtRiskFilters, at_risk
from insights.services import figures_ensure_fresh
from insights.tests.conftest import NOW, Known
from programs.models import Program
from relationships.models import Relationship

WELL = HealthInputs(
    status="active",
    days_open=120,
    cadence="monthly",
    cadence_agreed=True,
    agreement=AgreementState.ACCEPTED,
    days_since_held=10,
    held_recently=3,
    overdue_items=0,
    recent_rating=4.5,
    pending_wrap_ups=0,
)


def health_of(**changes: object) -> Health:
    return relationship_health(WELL._replace(**changes))


def test_a_pair_that_meets_as_agreed_is_healthy() -> None:
    health = health_of()
    assert (health.score, health.band, health.reasons, health.cadence_kept) == (100, Band.HEALTHY, (), True)


def test_stopping_meeting_costs_more_the_longer_it_lasts() -> None:
    monthly = [health_of(days_since_held=days, held_recently=3).score for days in (45, 46, 60, 90, 200)]
    assert monthly == [100, 69, 60, 50, 50]  # grace is 45 days; 30 points past it, more later, 50 at most
    weekly = health_of(cadence="weekly", days_since_held=12, held_recently=13)
    assert weekly.reasons[0].text == "no meeting held for 12 days; agreed weekly"


def test_the_reason_names_the_program_rhythm_until_the_pair_agrees_one() -> None:
    health = health_of(days_since_held=None, days_open=50, cadence_agreed=False, held_recently=0)
    texts = [reason.text for reason in health.reasons]
    assert texts[0] == "no meeting held yet, 50 days after the start; no agreed rhythm yet, the program's is monthly"


def test_cadence_is_judged_only_once_the_pair_had_time() -> None:
    assert health_of(days_open=20, days_since_held=None, held_recently=0).cadence_kept is None
    behind = health_of(held_recently=1)
    assert behind.cadence_kept is False
    assert behind.reasons[0].text == "held 1 of the 3 meetings expected in the last 91 days; agreed monthly"
    assert behind.score == 87


def test_each_sign_costs_points_with_a_cap() -> None:
    assert health_of(overdue_items=1).score == 92
    assert health_of(overdue_items=9).score == 76
    assert health_of(pending_wrap_ups=5).score == 80
    assert health_of(recent_rating=3.0).score == 95
    assert health_of(recent_rating=2.0).reasons[0].text == "recent meetings rated 2.0 out of 5"
    assert health_of(agreement=AgreementState.NONE).score == 85
    assert health_of(agreement=AgreementState.DRAFT).reasons[0].text == "agreement not accepted by both after 120 days"
    assert health_of(agreement=AgreementState.REVISING).score == 100
    assert health_of(agreement=AgreementState.NONE, days_open=10, held_recently=0).reasons == ()


def test_the_score_never_drops_below_zero() -> None:
    health = health_of(
        days_since_held=400,
        held_recently=0,
        overdue_items=9,
        pending_wrap_ups=9,
        recent_rating=1.0,
        agreement=AgreementState.NONE,
    )
    assert (health.score, health.band) == (0, Band.AT_RISK)
    assert [reason.points for reason in health.reasons] == sorted((r.points for r in health.reasons), reverse=True)


def test_a_paused_pair_is_watched_not_judged_on_meetings() -> None:
    health = health_of(status="paused", days_since_held=300, overdue_items=5)
    assert (health.score, health.band, [r.code for r in health.reasons]) == (70, Band.WATCH, ["paused"])


@pytest.mark.django_db
def test_the_four_pairs_land_in_order_with_their_reasons(known: Known) -> None:
    facts = {fact.pk: fact for fact in pair_facts(Relationship.objects.filter(program_id=known.program), now=NOW)}
    stopped, overdue, wrap_up, healthy = (facts[known.pairs[name]] for name in "BCDA")
    assert [f.health.score for f in (stopped, overdue, wrap_up, healthy)] == [40, 76, 90, 100]
    assert [r.text for r in stopped.health.reasons] == [
        "no meeting held for 70 days; agreed monthly",
        "held 1 of the 3 meetings expected in the last 91 days; agreed monthly",
    ]
    assert stopped.health.band == Band.AT_RISK
    assert [r.text for r in overdue.health.reasons] == ["3 overdue action items"]
    assert [r.text for r in wrap_up.health.reasons] == ["1 meeting waiting for its wrap-up"]
    assert healthy.health.reasons == ()
    assert facts[known.pairs["E"]].health is None  # closed relationships get no score

    everywhere = Program.objects.all()
    figures_ensure_fresh(programs=everywhere)
    listed = at_risk(programs=Program.objects.filter(pk=known.program), filters=AtRiskFilters())
    assert [row.pk for row in listed] == [known.pairs[name] for name in "BCD"]
    assert [r.text for r in listed[0].health.reasons] == [r.text for r in stopped.health.reasons]
    by_reason = at_risk(programs=everywhere, filters=AtRiskFilters(reason="overdue"))
    assert [row.pk for row in by_reason] == [known.pairs["C"]]
    by_mentor = at_risk(programs=everywhere, filters=AtRiskFilters(mentor="rex@"))
    assert [row.pk for row in by_mentor] == [known.pairs["B"]]
    assert not at_risk(programs=everywhere, filters=AtRiskFilters(status="paused")).exists()
