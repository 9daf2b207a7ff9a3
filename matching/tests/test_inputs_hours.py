"""Matching reads everyone's saved working hours in one query and scores shared time from them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.engine.scoring import ScoringContext, compatibility
from matching.engine.types import Ingredient
from matching.inputs import matching_input
from matching.solving import problem_of
from matching.tests.test_flow import enroll
from mentorship.accounts.hours import DayHours
from mentorship.accounts.services import working_hours_save
from programs.models import Program

pytestmark = pytest.mark.django_db


def _queries(program: Program) -> int:
    with CaptureQueriesContext(connection) as captured:
        matching_input(program)
    return len(captured)


@pytest.fixture
def running(program: Program, make_user: Any) -> Program:
    """Mia wants a mentor and has not said when she works; Mo mentors and is free on Tuesday mornings only."""
    program.status = Program.Status.RUNNING
    program.save()
    mia = make_user(email="mia@example.com", full_name="Mia")
    mo = make_user(email="mo@example.com", full_name="Mo")
    enroll(program, mia, "mentee", skills=["Python"])
    enroll(program, mo, "mentor", capacity=1, skills=["Python"])
    working_hours_save(user=mo, ranges=[DayHours(1, 9 * 60, 12 * 60)])
    return program


def test_saved_hours_reach_the_engine_in_one_query(running: Program, make_user: Any) -> None:
    program = running
    data = matching_input(program)
    (mentee,) = data.mentees
    (mentor,) = data.mentors
    assert mentee.hours is None  # never saved: the engine's 09:00-17:00 weekdays
    assert mentor.hours == ((1, 9 * 60, 12 * 60),)
    few = _queries(program)
    for n in range(6):
        person = make_user(email=f"p{n}@example.com", full_name=f"P{n}")
        enroll(program, person, "mentee" if n % 2 else "mentor", capacity=1, skills=["Python"])
        working_hours_save(user=person, ranges=[DayHours(d, 8 * 60, 16 * 60) for d in range(n % 5 + 1)])
    assert _queries(program) == few


def test_shared_time_follows_the_saved_hours(running: Program) -> None:
    problem = problem_of(matching_input(running))
    context = ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    result = compatibility(problem.mentees[0], problem.mentors[0], context)
    (zone,) = [item for item in result.reasons if item.ingredient == Ingredient.TIME_ZONE]
    assert zone.minutes == 3 * 60  # Tuesday morning, the only time Mo gave
