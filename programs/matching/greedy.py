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
        rows, cols, scores = _pairs(scorer, capacity, complete)
        order = np.lexsort((cols, rows, -scores))
        _take_in_order(rows[order], cols[order], scores[order], mentor_of, pair_score, capacity)
    stats = SolveStats(
        method="greedy" if complete else f"greedy over each mentee's best {LONG_LIST}",
        seconds={"greedy": time.perf_counter() - start},
    )
    return build_result(problem, mentor_of, pair_score, locks, scorer.feasible_counts(), stats)


def _pairs(scorer: PairScorer, capacity: np.ndarray, complete: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every feasible pair with an open mentor, or for huge programs each mentee's longer short list."""
    open_mentors = capacity > 0
    if not complete:
        short = collect(scorer, LONG_LIST, open_mentors, per_mentor=2 * capacity + MENTOR_EXTRA)
        return short.rows, short.cols, short.scores
    parts_rows, parts_cols, parts_scores = [], [], []
    for lo, _hi, block in scorer.blocks():
        block[:, ~open_mentors] = scorer.infeasible
        local, cols = np.nonzero(block >= 0)
        parts_rows.append(local + lo)
        parts_cols.append(cols)
        parts_scores.append(block[local, cols].astype(np.int64))
    return np.concatenate(parts_rows), np.concatenate(parts_cols), np.concatenate(parts_scores)


def _take_in_order(
    rows: np.ndarray,
    cols: np.ndarray,
    scores: np.ndarray,
    mentor_of: np.ndarray,
    pair_score: np.ndarray,
    capacity: np.ndarray,
) -> None:
    """Walk the sorted pairs; a chunk is first thinned with vectorised checks, the survivors go one by one."""
    taken = mentor_of >= 0
    room = capacity.copy()
    for lo in range(0, len(rows), CHUNK):
        r, c, s = rows[lo : lo + CHUNK], cols[lo : lo + CHUNK], scores[lo : lo + CHUNK]
        alive = np.flatnonzero(~taken[r] & (room[c] > 0))
        for k in alive.tolist():
            i, j = int(r[k]), int(c[k])
            if taken[i] or room[j] <= 0:
                continue
            taken[i] = True
            room[j] -= 1
            mentor_of[i] = j
            pair_score[i] = s[k]
        if taken.all() or not room.any():
            return
