"""Every dashboard figure of the hand-built program (see conftest.py), checked against what it must be."""

from __future__ import annotations

import datetime

import pytest

from insights.metrics import Dashboard, MentorLoad, program_dashboard
from insights.services import figures_ensure_fresh
from insights.tests.conftest import Known
from programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def board(known: Known, known_program: Program) -> Dashboard:
    figures_ensure_fresh(programs=[known_program])
    return program_dashboard(program=known_program)


def test_relationships_by_status(board: Dashboard) -> None:
    counts = {value: n for value, _label, n in board.by_status}
    assert counts == {"starting": 0, "active": 4, "paused": 0, "completed": 1, "ended": 1}
    assert board.relationships == 6


def test_funnel_counts_and_conversion_per_role(board: Dashboard) -> None:
    funnel = board.funnel
    assert [role for role, _label in funnel.roles] == ["mentee", "mentor"]
    counts = {step.key: step.counts for step in funnel.steps}
    assert counts == {
        "invited": (11, 5),  # mentees: 2 invitations not taken up + 9 enrollments; mentors: 1 + 4
        "applied": (8, 4),
        "approved": (6, 3),
        "matched": (6, 3),
        "agreement": (5, 3),
        "first_meeting": (5, 3),
        "active": (5, 3),
        "completed": (1, 1),
    }
    conversions = {step.key: step.conversions for step in funnel.steps}
    assert conversions["invited"] == (None, None)
    assert conversions["applied"] == pytest.approx((8 / 11, 4 / 5))
    assert conversions["agreement"] == pytest.approx((5 / 6, 1.0))
    assert conversions["completed"] == pytest.approx((1 / 5, 1 / 3))


def test_time_to_match_and_proposals(board: Dashboard) -> None:
    matching = board.matching
    assert matching.matched == 6
    assert matching.days_to_match_median == pytest.approx(8.5)  # 2, 5, 7, 10, 10, 30 days
    assert matching.days_to_match_mean == pytest.approx(64 / 6)
    assert (matching.proposals_sent, matching.accepted, matching.declined) == (6, 2, 1)
    assert (matching.expired, matching.waiting) == (1, 1)
    assert matching.acceptance_rate == pytest.approx(0.5)
    assert matching.response_hours_mean == pytest.approx(18)  # 6, 12 and 36 hours


def test_meetings_held_versus_planned_per_month(board: Dashboard) -> None:
    months = {month.start: (month.planned, month.held) for month in board.months}
    assert len(months) == 12
    assert min(months) == datetime.date(2026, 4, 1)
    assert max(months) == datetime.date(2027, 3, 1)
    assert months[datetime.date(2026, 7, 1)] == (1, 1)
    assert months[datetime.date(2027, 1, 1)] == (4, 4)
    assert months[datetime.date(2027, 2, 1)] == (4, 4)  # B's cancelled meeting is not planned any more
    assert months[datetime.date(2027, 3, 1)] == (4, 2)  # B missed, D's waits for its wrap-up
    assert sum(planned for planned, _held in months.values()) == 13


def test_health_bands_cadence_and_the_worst_pairs(board: Dashboard, known: Known) -> None:
    health = board.health
    assert health.open == 4
    assert health.bands == {"healthy": 2, "watch": 1, "at_risk": 1}
    assert health.buckets == [0, 0, 0, 0, 1, 0, 0, 1, 0, 2]  # 40, 76, 90 and 100
    assert (health.cadence_kept, health.cadence_assessed) == (3, 4)
    assert health.cadence_share == pytest.approx(0.75)
    assert health.flagged == 3
    assert [fact.pk for fact in health.worst] == [known.pairs["B"], known.pairs["C"]]


def test_action_items(board: Dashboard) -> None:
    # Open and overdue count open relationships only; the item E left open when it completed is history.
    assert (board.items.open, board.items.overdue, board.items.done) == (4, 3, 3)


def test_goals_by_category_and_status(board: Dashboard) -> None:
    rows = {row.category: row.counts for row in board.goals}  # not started, in progress, achieved, dropped
    assert rows == {
        "skills": (1, 0, 1, 0),
        "onboarding": (0, 0, 1, 0),
        "career": (0, 1, 0, 0),
        "culture": (0, 0, 0, 1),
        "custom": (0, 1, 0, 0),
    }
    assert [row.label for row in board.goals][-1] == "Other"
    assert {row.category: row.achieved for row in board.goals}["skills"] == 1


def test_meeting_usefulness_of_the_last_91_days(board: Dashboard) -> None:
    assert board.usefulness == pytest.approx(4.5)  # E's meeting of July 2026, rated 3, is too old to count
    assert board.usefulness_ratings == 2


def test_mentor_load(board: Dashboard) -> None:
    assert board.load == MentorLoad(mentors=3, places=7, taken=4, full=2, idle=1)
    assert board.load.used == pytest.approx(4 / 7)


def test_outcomes(board: Dashboard) -> None:
    outcomes = board.outcomes
    assert outcomes.ratings == (0, 1, 0, 1, 1)
    assert (outcomes.reflections, outcomes.from_mentees, outcomes.from_mentors) == (3, 2, 1)
    assert outcomes.average_rating == pytest.approx(11 / 3)
    assert outcomes.advocacy == ()


def test_sponsorship_advocacy(known: Known) -> None:
    sponsorship = Program.objects.get(pk=known.sponsorship)
    figures_ensure_fresh(programs=[sponsorship])
    board = program_dashboard(program=sponsorship)
    outcomes = board.outcomes
    rows = {row.kind: row.counts for row in outcomes.advocacy}  # pending, succeeded, did not happen
    assert rows == {"promotion": (1, 1, 0), "project": (0, 1, 0), "introduction": (0, 0, 1)}
    assert (outcomes.promotions, outcomes.placements, outcomes.succeeded) == (2, 1, 2)
    assert [label for _role, label in board.funnel.roles] == ["Mentee", "Sponsor"]
