"""The optimiser, its greedy baseline, locks and degenerate programs (pure: no database)."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings

from matching.engine import exact
from matching.engine.constraints import check_pair
from matching.engine.greedy import greedy
from matching.engine.pairs import PairScorer
from matching.engine.scoring import SCALE, ScoringContext, compatibility
from matching.engine.solver import apply_locks, solve
from matching.engine.synthetic import synthetic_program
from matching.engine.types import (
    Block,
    LockProblem,
    MatchingProblem,
    MatchResult,
    Mentee,
    Mentor,
    ProgramSettings,
    UnmatchedReason,
)

from .test_scoring import problems


def scaled_total(result: MatchResult) -> int:
    return sum(round(m.score * SCALE) for m in result.matches)


def objective(result: MatchResult) -> tuple[int, int]:
    return result.matched_count, scaled_total(result)


def brute_force(problem: MatchingProblem) -> tuple[int, int]:
    """The best (matched, total score) by trying every assignment; kept locks are fixed first, as in solve."""
    context = ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    locks = apply_locks(problem, context)
    room = [max(t.capacity, 0) for t in problem.mentors]
    for j in locks.cols.tolist():
        room[j] -= 1
    locked = set(locks.rows.tolist())
    options = []
    for i, s in enumerate(problem.mentees):
        if i in locked:
            continue
        feasible = [
            (j, round(compatibility(s, t, context).score * SCALE))
            for j, t in enumerate(problem.mentors)
            if check_pair(s, t, problem.settings).ok and room[j] > 0
        ]
        options.append([None, *feasible])
    best = (0, 0)
    for choice in itertools.product(*options):
        used = Counter(c[0] for c in choice if c is not None)
        if any(used[j] > room[j] for j in used):
            continue
        picked = [c for c in choice if c is not None]
        best = max(best, (len(picked), sum(score for _, score in picked)))
    return best[0] + len(locked), best[1] + int(locks.scores.sum())


def assert_valid(problem: MatchingProblem, result: MatchResult) -> None:
    """Every hard rule, every capacity, one mentor per mentee, kept locks present, honest reasons."""
    mentees = {t.id: t for t in problem.mentees}
    mentors = {t.id: t for t in problem.mentors}
    context = ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    matched = Counter(m.mentee_id for m in result.matches)
    assert all(count == 1 for count in matched.values())
    load = Counter(m.mentor_id for m in result.matches)
    for mentor_id, count in load.items():
        assert count <= max(mentors[mentor_id].capacity, 0)
    for m in result.matches:
        assert check_pair(mentees[m.mentee_id], mentors[m.mentor_id], problem.settings).ok
        assert m.score == pytest.approx(compatibility(mentees[m.mentee_id], mentors[m.mentor_id], context).score)
    dropped = {(d.mentee_id, d.mentor_id) for d in result.dropped_locks}
    pairs = {(m.mentee_id, m.mentor_id): m for m in result.matches}
    for lock in problem.settings.locked:
        assert (lock in dropped) != (lock in pairs and pairs[lock].locked)
    assert {u.mentee_id for u in result.unmatched} == set(mentees) - set(matched)
    for u in result.unmatched:
        feasible = sum(check_pair(mentees[u.mentee_id], t, problem.settings).ok for t in problem.mentors)
        assert u.feasible_mentors == feasible
        expected = UnmatchedReason.NO_FEASIBLE_MENTOR if feasible == 0 else UnmatchedReason.CAPACITY_EXHAUSTED
        assert u.reason == expected
    assert result.total_score == pytest.approx(sum(m.score for m in result.matches))
    assert result.summary.startswith(f"{len(result.matches)} of {len(problem.mentees)} mentees matched")


# -- properties on random small programs --------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(problems())
def test_solver_is_valid_optimal_and_never_worse_than_greedy(problem: MatchingProblem) -> None:
    result = solve(problem)
    assert_valid(problem, result)
    assert result.stats.certified_optimal
    assert objective(result) == brute_force(problem)
    baseline = greedy(problem)
    assert_valid(problem, baseline)
    assert result.matched_count >= baseline.matched_count
    if result.matched_count == baseline.matched_count:
        assert scaled_total(result) >= scaled_total(baseline)


@settings(max_examples=100, deadline=None)
@given(problems())
def test_tiny_candidate_lists_are_completed_by_pricing(problem: MatchingProblem) -> None:
    """With one candidate per mentee, optimality rests entirely on pricing out the pairs left out."""
    result = solve(problem, per_mentee=1)
    assert_valid(problem, result)
    assert result.stats.certified_optimal
    assert objective(result) == brute_force(problem)


@settings(max_examples=100, deadline=None)
@given(problems(locks=True))
def test_locked_pairs_are_kept_and_kept_again(problem: MatchingProblem) -> None:
    first = solve(problem)
    again = solve(problem)
    kept = {(m.mentee_id, m.mentor_id) for m in first.matches if m.locked}
    assert kept == set(problem.settings.locked) - {(d.mentee_id, d.mentor_id) for d in first.dropped_locks}
    assert kept == {(m.mentee_id, m.mentor_id) for m in again.matches if m.locked}
    assert first.dropped_locks == again.dropped_locks


# -- larger programs: the candidate shortcut gives up nothing -------------------------------------------------


def full_graph_objective(problem: MatchingProblem) -> tuple[int, int]:
    """Optimum with every feasible pair handed to the exact solver: no candidates, no pricing."""
    scorer = PairScorer(problem)
    matrix = scorer.all_scores()
    rows, cols = np.nonzero(matrix >= 0)
    capacity = np.array([max(t.capacity, 0) for t in problem.mentors], dtype=np.int64)
    graph = exact.Graph(rows, cols, matrix[rows, cols].astype(np.int64), scorer.n, scorer.m, capacity)
    mentor_of = exact.solve(graph)
    matched = mentor_of >= 0
    return int(matched.sum()), int(matrix[np.flatnonzero(matched), mentor_of[matched]].sum())


@pytest.mark.parametrize(("mentees", "mentors", "seed", "kind"), [(300, 60, 1, "mentoring"), (250, 120, 2, "reverse")])
@pytest.mark.parametrize("per_mentee", [1, 3, 8])
def test_synthetic_programs_match_the_full_problem(
    mentees: int, mentors: int, seed: int, kind: str, per_mentee: int
) -> None:
    problem = synthetic_program(mentees, mentors, seed, kind=kind)  # type: ignore[arg-type]
    result = solve(problem, per_mentee=per_mentee)
    assert_valid(problem, result)
    assert result.stats.certified_optimal
    assert objective(result) == full_graph_objective(problem)


def test_sponsorship_programs_match_the_full_problem() -> None:
    problem = synthetic_program(200, 80, 3, kind="sponsorship")
    result = solve(problem, per_mentee=2)
    assert_valid(problem, result)
    assert objective(result) == full_graph_objective(problem)


def test_result_prices_certify_optimality_over_every_pair() -> None:
    """An independent check: prices for the final matching on the complete graph exist (LP duality)."""
    problem = synthetic_program(400, 90, 5)
    result = solve(problem, per_mentee=2)
    scorer = PairScorer(problem)
    matrix = scorer.all_scores()
    rows, cols = np.nonzero(matrix >= 0)
    capacity = np.array([t.capacity for t in problem.mentors], dtype=np.int64)
    graph = exact.Graph(rows, cols, matrix[rows, cols].astype(np.int64), scorer.n, scorer.m, capacity)
    index = {t.id: j for j, t in enumerate(problem.mentors)}
    position = {t.id: i for i, t in enumerate(problem.mentees)}
    mentor_of = np.full(scorer.n, -1, dtype=np.int64)
    for m in result.matches:
        mentor_of[position[m.mentee_id]] = index[m.mentor_id]
    big = exact.big_weight(int(matrix.max()), scorer.n, int(capacity.sum()))
    prices, _ = exact.mentor_prices(graph, mentor_of, big)
    assert prices is not None


def test_pricing_rounds_are_used_when_candidates_are_few() -> None:
    problem = synthetic_program(300, 60, 1)
    result = solve(problem, per_mentee=1)
    assert result.stats.candidate_rounds >= 1
    assert result.stats.certified_optimal


# -- the lexicographic objective ----------------------------------------------------------------------------


def test_more_mentees_matched_beats_a_higher_score() -> None:
    # Ada would score higher with Grace, but then Bob gets nobody: Bob avoids Alan.
    grace = Mentor(id=10, user_id=10, skills=frozenset({1}), seniority=4, capacity=1)
    alan = Mentor(id=11, user_id=11, seniority=4, capacity=1)
    ada = Mentee(id=1, user_id=1, growth_areas=frozenset({1}), wishes=(10,))
    bob = Mentee(id=2, user_id=2, avoid=frozenset({11}))
    problem = MatchingProblem((ada, bob), (grace, alan))
    result = solve(problem)
    assert result.mentor_of() == {1: 11, 2: 10}
    baseline = greedy(problem)
    assert baseline.mentor_of() == {1: 10}  # the best pair first leaves Bob out
    assert result.summary == "2 of 2 mentees matched"


def test_score_decides_among_equally_large_matchings() -> None:
    python = Mentor(id=10, user_id=10, skills=frozenset({1}), seniority=4, capacity=1)
    sql = Mentor(id=11, user_id=11, skills=frozenset({2}), seniority=4, capacity=1)
    wants_sql = Mentee(id=1, user_id=1, growth_areas=frozenset({2}))
    wants_python = Mentee(id=2, user_id=2, growth_areas=frozenset({1}))
    result = solve(MatchingProblem((wants_sql, wants_python), (python, sql)))
    assert result.mentor_of() == {1: 11, 2: 10}


# -- locks --------------------------------------------------------------------------------------------------


def lock_problem(locked: set[tuple[int, int]], capacity: int = 1, **program: object) -> MatchingProblem:
    mentors = (
        Mentor(id=10, user_id=10, skills=frozenset({1}), seniority=5, capacity=capacity),
        Mentor(id=11, user_id=11, seniority=5, capacity=1),
    )
    mentees = (
        Mentee(id=1, user_id=1, growth_areas=frozenset({1})),
        Mentee(id=2, user_id=2),
        Mentee(id=3, user_id=3, manager_chain=frozenset({11})),
    )
    return MatchingProblem(mentees, mentors, ProgramSettings(locked=frozenset(locked), **program))  # type: ignore[arg-type]


def test_a_lock_wins_over_a_better_pair() -> None:
    result = solve(lock_problem({(2, 10)}))
    assert (2, 10) in result.mentor_of().items()
    assert [m.locked for m in result.matches if m.mentee_id == 2] == [True]
    assert not result.dropped_locks


def test_locks_that_cannot_be_kept_say_why() -> None:
    result = solve(lock_problem({(3, 11), (1, 10), (2, 10), (9, 10), (1, 11)}))
    reasons = {(d.mentee_id, d.mentor_id): d for d in result.dropped_locks}
    assert reasons[(3, 11)].problem == LockProblem.NOT_FEASIBLE
    assert reasons[(3, 11)].blocks == (Block.MANAGER,)
    assert reasons[(9, 10)].problem == LockProblem.UNKNOWN_PERSON
    # Mentee 1 is locked twice: the better-scoring lock (mentor 10, who offers the skill) stays ...
    assert reasons[(1, 11)].problem == LockProblem.MENTEE_LOCKED_TWICE
    # ... and then mentor 10 is full for mentee 2's lock.
    assert reasons[(2, 10)].problem == LockProblem.MENTOR_FULL
    assert result.mentor_of()[1] == 10
    assert "2 locked pairs" not in result.summary and "4 locked pairs could not be kept" in result.summary


# -- degenerate programs ------------------------------------------------------------------------------------


def many_mentees(count: int) -> tuple[Mentee, ...]:
    return tuple(Mentee(id=i, user_id=i) for i in range(1, count + 1))


def test_no_mentees() -> None:
    result = solve(MatchingProblem((), (Mentor(id=10, user_id=10),)))
    assert result.matches == () and result.unmatched == ()
    assert result.summary == "0 of 0 mentees matched: nobody is waiting for a mentor"


def test_no_mentors() -> None:
    result = solve(MatchingProblem(many_mentees(120), ()))
    assert result.summary == "0 of 120 mentees matched: the program has no mentors yet"
    assert {u.reason for u in result.unmatched} == {UnmatchedReason.NO_FEASIBLE_MENTOR}


def test_every_capacity_zero() -> None:
    mentors = tuple(Mentor(id=1000 + k, user_id=1000 + k, seniority=5, capacity=0) for k in range(5))
    result = solve(MatchingProblem(many_mentees(120), mentors))
    assert result.summary == "0 of 120 mentees matched: no mentor has free capacity"
    assert len(result.unmatched) == 120
    assert {u.reason for u in result.unmatched} == {UnmatchedReason.CAPACITY_EXHAUSTED}
    assert greedy(MatchingProblem(many_mentees(120), mentors)).summary == result.summary


def test_rules_that_forbid_every_pair() -> None:
    juniors = tuple(Mentor(id=1000 + k, user_id=1000 + k, seniority=2, capacity=3) for k in range(3))
    result = solve(MatchingProblem(many_mentees(10), juniors, ProgramSettings(kind="sponsorship")))
    assert result.summary == "0 of 10 mentees matched: the program's rules rule out every possible pair"


def test_partly_matched_summary_counts_reasons() -> None:
    mentors = (Mentor(id=10, user_id=10, seniority=5, capacity=2),)
    mentees = (*many_mentees(3), Mentee(id=9, user_id=9, avoid=frozenset({10})))
    result = solve(MatchingProblem(mentees, mentors))
    assert result.summary == (
        "2 of 4 mentees matched; 2 unmatched (1 because every suitable mentor is full, 1 with no suitable mentor)"
    )


def test_negative_capacity_is_refused() -> None:
    with pytest.raises(ValueError, match="negative capacity"):
        MatchingProblem(many_mentees(1), (Mentor(id=10, user_id=10, capacity=-1),))


# -- rarely taken paths, forced ---------------------------------------------------------------------------


def test_sampled_thresholds_for_many_mentors(monkeypatch: pytest.MonkeyPatch) -> None:
    from matching.engine import candidates

    monkeypatch.setattr(candidates, "SAMPLE_COLUMNS", 16)  # sampling starts above 32 mentors
    problem = synthetic_program(150, 90, 7)
    result = solve(problem, per_mentee=2)
    assert result.stats.certified_optimal
    assert objective(result) == full_graph_objective(problem)


def test_rows_full_of_ties_are_trimmed_and_priced() -> None:
    twins = tuple(Mentor(id=100 + k, user_id=100 + k, seniority=4, capacity=1) for k in range(40))
    mentees = tuple(Mentee(id=i, user_id=i, seniority=2) for i in range(1, 31))
    problem = MatchingProblem(mentees, twins)
    result = solve(problem, per_mentee=1)
    assert_valid(problem, result)
    assert result.matched_count == 30
    assert objective(result) == full_graph_objective(problem)


def test_one_nobody_per_node_when_shared_ones_would_be_too_many(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ten senior mentees compete for one senior sponsor with two places; five juniors have plenty of choice.
    seniors = tuple(Mentee(id=i, user_id=i, seniority=6, growth_areas=frozenset({i % 3})) for i in range(1, 11))
    juniors = tuple(Mentee(id=i, user_id=i, seniority=1) for i in range(11, 16))
    sponsors = (
        Mentor(id=100, user_id=100, seniority=8, capacity=2, skills=frozenset({1})),
        *(Mentor(id=101 + k, user_id=101 + k, seniority=3, capacity=1) for k in range(20)),
    )
    problem = MatchingProblem((*seniors, *juniors), sponsors, ProgramSettings(kind="sponsorship"))
    shared = solve(problem)
    monkeypatch.setattr(exact, "SHARED_DUMMY_EDGE_LIMIT", 0)
    own = solve(problem)
    assert objective(own) == objective(shared)
    assert own.matched_count == 7
    assert {m.mentee_id for m in own.matches if m.mentor_id == 100} <= {1, 4, 7, 10}  # those who share skill 1
