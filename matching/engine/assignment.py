"""An exact solver for program-sized matching runs, on scipy's sparse bipartite matching.

The objective is lexicographic: first as many mentees matched as possible, then the largest total score. Both
are folded into one minimum-cost full matching: each mentee row gets a private "stay unmatched" column whose
cost exceeds any real pair by more than every score in the program could add up to, so giving up a match
never pays, and among maximum matchings the cheapest is the one with the best total score. Mentors with
room for several mentees appear once per free place.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from matching.engine.constraints import check_pair
from matching.engine.scoring import SCALE, ScoringContext, score_scaled
from matching.engine.types import (
    DroppedLock,
    LockProblem,
    Match,
    MatchingProblem,
    MatchResult,
    SolveStats,
    Unmatched,
    UnmatchedReason,
)


def _feasible_scores(problem: MatchingProblem, context: ScoringContext) -> dict[tuple[int, int], int]:
    """Score, in hundredths, of every pair that passes the hard rules (capacity aside)."""
    scores = {}
    for i, mentee in enumerate(problem.mentees):
        for j, mentor in enumerate(problem.mentors):
            if check_pair(mentee, mentor, problem.settings).ok:
                scores[(i, j)] = score_scaled(mentee, mentor, context)
    return scores


def _apply_locks(
    problem: MatchingProblem, scores: dict[tuple[int, int], int], capacity: list[int]
) -> tuple[list[Match], list[DroppedLock], set[int]]:
    mentee_index = {m.id: i for i, m in enumerate(problem.mentees)}
    mentor_index = {m.id: j for j, m in enumerate(problem.mentors)}
    kept: list[Match] = []
    dropped: list[DroppedLock] = []
    fixed: set[int] = set()
    for mentee_id, mentor_id in sorted(problem.settings.locked):
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        problem_found = None
        if i is None or j is None:
            problem_found = LockProblem.UNKNOWN_PERSON
        elif i in fixed:
            problem_found = LockProblem.MENTEE_LOCKED_TWICE
        elif (i, j) not in scores:
            problem_found = LockProblem.NOT_FEASIBLE
        elif capacity[j] <= 0:
            problem_found = LockProblem.MENTOR_FULL
        if problem_found is not None:
            dropped.append(DroppedLock(mentee_id, mentor_id, problem_found))
            continue
        capacity[j] -= 1
        fixed.add(i)
        kept.append(Match(mentee_id, mentor_id, scores[(i, j)] / SCALE, locked=True))
    return kept, dropped, fixed


def solve_exact(problem: MatchingProblem, context: ScoringContext | None = None) -> MatchResult:
    context = context or ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    scores = _feasible_scores(problem, context)
    capacity = [max(m.capacity, 0) for m in problem.mentors]
    locked, dropped, fixed = _apply_locks(problem, scores, capacity)

    free_rows = [i for i in range(len(problem.mentees)) if i not in fixed]
    slot_mentor: list[int] = []
    for j, places in enumerate(capacity):
        slot_mentor.extend([j] * min(places, len(free_rows)))
    slots_of: dict[int, list[int]] = {}
    for slot, j in enumerate(slot_mentor):
        slots_of.setdefault(j, []).append(slot)

    best = max(scores.values(), default=0)
    real_base = best + 1  # every real pair costs at least 1
    dummy_cost = real_base + (best + 1) * max(len(free_rows), 1) + 1
    rows, cols, costs = [], [], []
    for r, i in enumerate(free_rows):
        for j, slots in slots_of.items():
            score = scores.get((i, j))
            if score is None:
                continue
            for slot in slots:
                rows.append(r)
                cols.append(slot)
                costs.append(real_base - score)
        rows.append(r)
        cols.append(len(slot_mentor) + r)
        costs.append(dummy_cost)

    matches = list(locked)
    if free_rows:
        graph = csr_matrix(
            (np.asarray(costs, dtype=np.float64), (rows, cols)),
            shape=(len(free_rows), len(slot_mentor) + len(free_rows)),
        )
        row_ind, col_ind = min_weight_full_bipartite_matching(graph)
        for r, col in zip(row_ind, col_ind, strict=True):
            if col < len(slot_mentor):
                i, j = free_rows[r], slot_mentor[col]
                matches.append(Match(problem.mentees[i].id, problem.mentors[j].id, scores[(i, j)] / SCALE))

    matched = {m.mentee_id for m in matches}
    feasible_count = [0] * len(problem.mentees)
    for i, _j in scores:
        feasible_count[i] += 1
    unmatched = tuple(
        Unmatched(
            mentee.id,
            UnmatchedReason.CAPACITY_EXHAUSTED if feasible_count[i] else UnmatchedReason.NO_FEASIBLE_MENTOR,
            feasible_count[i],
        )
        for i, mentee in enumerate(problem.mentees)
        if mentee.id not in matched
    )
    total = round(sum(m.score for m in matches), 2)
    return MatchResult(
        matches=tuple(sorted(matches, key=lambda m: (-m.score, m.mentee_id))),
        unmatched=unmatched,
        dropped_locks=tuple(dropped),
        total_score=total,
        mentee_count=len(problem.mentees),
        summary=summarise(problem, len(matches), sum(capacity) + len(locked)),
        stats=SolveStats(method="scipy-lapjvsp", candidate_edges=len(scores), certified_optimal=True),
    )


def summarise(problem: MatchingProblem, matched: int, places: int) -> str:
    count = len(problem.mentees)
    head = f"{matched} of {count} mentees matched"
    if count == 0:
        return "0 of 0 mentees matched: nobody is waiting for a match"
    if matched == count:
        return head + "."
    if not problem.mentors:
        return head + ": there are no approved mentors"
    if places == 0:
        return head + ": no mentor has free capacity"
    return head + ": the others have no suitable mentor with a free place"
