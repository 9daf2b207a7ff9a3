"""The exact solver against brute force on programs small enough to enumerate."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.assignment import solve_exact
from matching.engine.constraints import check_pair
from matching.engine.scoring import ScoringContext, score_scaled
from matching.engine.types import MatchingProblem, Mentee, Mentor, ProgramSettings

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata"]


@st.composite
def programs(draw: st.DrawFn) -> MatchingProblem:
    n = draw(st.integers(0, 5))
    m = draw(st.integers(0, 3))
    mentors = tuple(
        Mentor(
            id=100 + j,
            user_id=100 + j,
            department=draw(st.sampled_from(["a", "b"])),
            seniority=draw(st.integers(1, 8)),
            time_zone=draw(st.sampled_from(ZONES)),
            languages=frozenset(draw(st.sets(st.sampled_from(["en", "de"]), max_size=2))),
            skills=frozenset(draw(st.sets(st.integers(1, 4), max_size=3))),
            capacity=draw(st.integers(0, 2)),
            is_external=draw(st.booleans()),
        )
        for j in range(m)
    )
    mentees = tuple(
        Mentee(
            id=i,
            user_id=i,
            department=draw(st.sampled_from(["a", "b"])),
            manager_chain=frozenset(draw(st.sets(st.sampled_from([100, 101, 102]), max_size=1))),
            seniority=draw(st.integers(1, 8)),
            time_zone=draw(st.sampled_from(ZONES)),
            languages=frozenset(draw(st.sets(st.sampled_from(["en", "de"]), max_size=2))),
            growth_areas=frozenset(draw(st.sets(st.integers(1, 4), max_size=3))),
            prefers_outside_team=draw(st.booleans()),
            avoid=frozenset(draw(st.sets(st.sampled_from([100, 101, 102]), max_size=1))),
        )
        for i in range(n)
    )
    kind = draw(st.sampled_from(["mentoring", "sponsorship", "reverse"]))
    return MatchingProblem(mentees, mentors, ProgramSettings(kind=kind, allow_external=draw(st.booleans())))


def brute_force(problem: MatchingProblem) -> tuple[int, int]:
    """Best (matched count, total score in hundredths) over every assignment."""
    context = ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    options = []
    for mentee in problem.mentees:
        choices = [None] + [
            j for j, mentor in enumerate(problem.mentors) if check_pair(mentee, mentor, problem.settings).ok
        ]
        options.append(choices)
    best = (0, 0)
    for assignment in itertools.product(*options):
        used = [0] * len(problem.mentors)
        total, count, ok = 0, 0, True
        for mentee, j in zip(problem.mentees, assignment, strict=True):
            if j is None:
                continue
            used[j] += 1
            if used[j] > problem.mentors[j].capacity:
                ok = False
                break
            count += 1
            total += score_scaled(mentee, problem.mentors[j], context)
        if ok:
            best = max(best, (count, total))
    return best


@settings(max_examples=150, deadline=None)
@given(programs())
def test_matches_the_brute_force_optimum_and_breaks_no_rule(problem: MatchingProblem) -> None:
    result = solve_exact(problem)
    mentors = {m.id: m for m in problem.mentors}
    mentees = {m.id: m for m in problem.mentees}
    load: dict[int, int] = {}
    for match in result.matches:
        assert check_pair(mentees[match.mentee_id], mentors[match.mentor_id], problem.settings).ok
        load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
        assert load[match.mentor_id] <= mentors[match.mentor_id].capacity
    assert len({m.mentee_id for m in result.matches}) == len(result.matches)
    count, total = brute_force(problem)
    assert len(result.matches) == count
    assert round(result.total_score * 100) == total


def test_no_mentors_gives_a_clear_summary() -> None:
    problem = MatchingProblem((Mentee(id=1, user_id=1),), (), ProgramSettings())
    result = solve_exact(problem)
    assert result.summary == "0 of 1 mentees matched: there are no approved mentors"


def test_zero_capacity_gives_a_clear_summary() -> None:
    problem = MatchingProblem((Mentee(id=1, user_id=1),), (Mentor(id=2, user_id=2, capacity=0),), ProgramSettings())
    assert solve_exact(problem).summary == "0 of 1 mentees matched: no mentor has free capacity"


def test_locked_pairs_are_kept() -> None:
    mentees = (Mentee(id=1, user_id=1, growth_areas=frozenset({1})), Mentee(id=2, user_id=2))
    mentors = (
        Mentor(id=10, user_id=10, skills=frozenset({1}), capacity=1, seniority=5),
        Mentor(id=11, user_id=11, capacity=1, seniority=5),
    )
    result = solve_exact(MatchingProblem(mentees, mentors, ProgramSettings(locked=frozenset({(2, 10)}))))
    assert (2, 10) in {(m.mentee_id, m.mentor_id) for m in result.matches}
    assert any(m.locked for m in result.matches)


@settings(max_examples=100, deadline=None)
@given(programs())
def test_the_production_solver_agrees_with_the_reference(problem: MatchingProblem) -> None:
    from matching.engine.solver import solve

    fast, reference = solve(problem), solve_exact(problem)
    assert len(fast.matches) == len(reference.matches)
    assert round(fast.total_score, 2) == round(reference.total_score, 2)
