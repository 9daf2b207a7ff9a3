"""The obvious baseline: take the best remaining pair, again and again, while the rules allow it.

It respects exactly the same rules as the optimiser (pair rules, capacities, one mentor per mentee, locks
first) and is what the benchmark compares against. Greedy never matches more mentees than the optimum and
usually fewer: an early high-scoring pair can take the only place another mentee could have had.
"""

from __future__ import annotations

import time

import numpy as np

from .candidates import collect
from .pairs import PairScorer
from .scoring import ScoringContext
from .solver import MENTOR_EXTRA, apply_locks, build_result, residual_capacity
from .types import MatchingProblem, MatchResult, SolveStats

FULL_LIMIT = 40_000_000  # up to this many pairs greedy sees them all; beyond, each mentee's best 32
LONG_LIST = 32
CHUNK = 1 << 16


def greedy(problem: MatchingProblem, *, context: ScoringContext | None = None, limit: int = FULL_LIMIT) -> MatchResult:
    """Best remaining pair first. Ties go to the lower mentee index, then the lower mentor index."""
    start = time.perf_counter()
    context = context or ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    scorer = PairScorer(problem, context)
    locks = apply_locks(problem, context)
    capacity = residual_capacity(problem, locks)
    mentor_of = np.full(scorer.n, -1, dtype=np.int64)
    pair_score = np.zeros(scorer.n, dtype=np.int64)
    mentor_of[locks.rows] = locks.cols
    pair_score[locks.rows] = locks.scores
    complete = scorer.n * scorer.m <= limit
    if scorer.n and (capacity > 0).any():
        pairs, scores = _pairs(scorer, capacity, complete)
        # A stable sort keeps pairs of equal score in mentee-then-mentor order (numpy sorts int16 by radix).
        order = np.argsort(-scores, kind="stable")
        _take_in_order(pairs[order], scores[order], scorer.m, mentor_of, pair_score, capacity)
    stats = SolveStats(
        method="greedy" if complete else f"greedy over each mentee's best {LONG_LIST}",
        seconds={"greedy": time.perf_counter() - start},
    )
    return build_result(problem, mentor_of, pair_score, locks, scorer.feasible_counts(), stats)


def _pairs(scorer: PairScorer, capacity: np.ndarray, complete: bool) -> tuple[np.ndarray, np.ndarray]:
    """Every feasible pair with an open mentor (as ``mentee * m + mentor``), or each mentee's long list."""
    open_mentors = capacity > 0
    if not complete:
        short = collect(scorer, LONG_LIST, open_mentors, per_mentor=2 * capacity + MENTOR_EXTRA)
        order = np.argsort(short.rows * scorer.m + short.cols, kind="stable")
        return (short.rows * scorer.m + short.cols)[order], short.scores[order].astype(scorer.dtype)
    parts_pairs, parts_scores = [], []
    for lo, _hi, block in scorer.blocks():
        block[:, ~open_mentors] = scorer.infeasible
        flat = np.flatnonzero(block >= 0)
        parts_pairs.append(flat + lo * scorer.m)
        parts_scores.append(block.reshape(-1)[flat])
    return np.concatenate(parts_pairs), np.concatenate(parts_scores)


def _take_in_order(
    pairs: np.ndarray,
    scores: np.ndarray,
    width: int,
    mentor_of: np.ndarray,
    pair_score: np.ndarray,
    capacity: np.ndarray,
) -> None:
    """Walk the sorted pairs; a chunk is first thinned with vectorised checks, the survivors go one by one."""
    taken = mentor_of >= 0
    room = capacity.copy()
    for lo in range(0, len(pairs), CHUNK):
        rows, cols = np.divmod(pairs[lo : lo + CHUNK], width)
        alive = np.flatnonzero(~taken[rows] & (room[cols] > 0))
        if len(alive) == 0:
            continue
        chosen_rows, chosen_cols, chosen_scores = [], [], []
        busy: set[int] = set()
        left = {int(j): int(room[j]) for j in np.unique(cols[alive])}
        for i, j, score in zip(
            rows[alive].tolist(), cols[alive].tolist(), scores[lo : lo + CHUNK][alive].tolist(), strict=True
        ):
            if i in busy or left[j] <= 0:
                continue
            busy.add(i)
            left[j] -= 1
            chosen_rows.append(i)
            chosen_cols.append(j)
            chosen_scores.append(score)
        taken[chosen_rows] = True
        np.subtract.at(room, chosen_cols, 1)
        mentor_of[chosen_rows] = chosen_cols
        pair_score[chosen_rows] = chosen_scores
        if taken.all() or not room.any():
            return
