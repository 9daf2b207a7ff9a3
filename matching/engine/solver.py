"""The optimal matching of a whole program run: most mentees matched first, then the best total score.

1. Locked pairs are placed first (when they break no rule and the mentor has room) and take their places.
2. Every pair is scored in blocks. Each mentee keeps its best few mentors as candidates and each mentor its
   best few mentees, together with a bound on every pair left out (candidates.py).
3. The candidate graph is solved exactly (exact.py), and mentor prices are derived that prove it optimal
   on that graph.
4. Those prices price out every pair that was left out: a pair could improve the matching only if its
   weight exceeds what the mentee already earns plus the mentor's price. The bounds say which mentor
   prices are low enough for that to be possible at all, so only those pairs are scored again.
5. Pairs that beat their price join the candidates and the matching is re-optimised (``reoptimise``),
   usually as many small independent pieces, and step 4 runs again.

When step 4 finds nothing, the prices are a dual solution for the *full* problem with the same value as
the matching, which proves the matching optimal over all pairs, not just the candidates. Nothing is given up
for speed; ``stats.certified_optimal`` records the proof (it is False only if the pricing rounds ran out).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from . import exact
from .candidates import Candidates, collect
from .constraints import check_pair
from .pairs import PairScorer
from .scoring import SCALE, ScoringContext, compatibility
from .types import (
    DroppedLock,
    LockProblem,
    Match,
    MatchingProblem,
    MatchResult,
    SolveStats,
    Unmatched,
    UnmatchedReason,
)

PER_MENTEE = 8  # candidates per mentee in the first solve; more only costs time, never correctness
RESERVE = 32  # per mentee, the best this many are scored once and kept aside for pricing
MENTOR_EXTRA = 4  # each mentor also keeps its 2 * capacity + this many best mentees as candidates
ADDED_PER_ROUND = 12  # left-out pairs added per mentee and pricing round, best first
NEAR_MISS = 100  # hundredths: pairs this close to beating their price join too, to save a round later
MAX_PRICING_ROUNDS = 50
BATCH_PEOPLE = 4000  # mentees plus mentors per exact sub-solve when re-optimising group by group


@dataclass(frozen=True, slots=True)
class Locks:
    """The locked pairs that stay, as indices, and those that cannot."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray
    dropped: tuple[DroppedLock, ...]


class _Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = self.seconds.get(step, 0.0) + time.perf_counter() - start


def solve(
    problem: MatchingProblem, *, per_mentee: int = PER_MENTEE, context: ScoringContext | None = None
) -> MatchResult:
    """The lexicographically optimal matching: most mentees matched, then the largest total score.

    ``per_mentee`` only trades time between the first solve and the pricing rounds; the result is the same.
    """
    if per_mentee < 1:
        raise ValueError("per_mentee must be at least 1")
    timer = _Timer()
    with timer("prepare"):
        context = context or ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
        scorer = PairScorer(problem, context)
        feasible = scorer.feasible_counts()
        locks = apply_locks(problem, context)
    capacity = residual_capacity(problem, locks)
    free = np.ones(scorer.n, dtype=bool)
    free[locks.rows] = False
    mentor_of = np.full(scorer.n, -1, dtype=np.int64)
    pair_score = np.zeros(scorer.n, dtype=np.int64)
    mentor_of[locks.rows] = locks.cols
    pair_score[locks.rows] = locks.scores
    edges, rounds, certified = 0, 0, True
    if free.any() and (capacity > 0).any():
        with timer("candidates"):
            candidates = collect(scorer, max(per_mentee, RESERVE), capacity > 0, per_mentor=2 * capacity + MENTOR_EXTRA)
        rows, cols, scores, certified, rounds = _optimise(scorer, candidates, free, capacity, per_mentee, timer)
        mentor_of[rows] = cols
        pair_score[rows] = scores
        edges = len(candidates)
    stats = SolveStats(
        method="lapjvsp+pricing",
        candidate_edges=edges,
        candidate_rounds=rounds,
        certified_optimal=certified,
        seconds=timer.seconds,
    )
    return build_result(problem, mentor_of, pair_score, locks, feasible, stats)


def _optimise(
    scorer: PairScorer,
    candidates: Candidates,
    free: np.ndarray,
    capacity: np.ndarray,
    per_mentee: int,
    timer: _Timer,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool, int]:
    """Solve on the candidates, then price out the rest until nothing left out can help."""
    keep = free[candidates.rows]
    rows, cols, scores = candidates.rows[keep], candidates.cols[keep], candidates.scores[keep]
    bound = np.where(free, candidates.bound, -1)
    mentor_bound = candidates.mentor_bound
    # Each mentee's best few (and every mentor's favourites) go into the first solve; the rest of the short
    # list waits in reserve, already scored, so pricing it costs nothing but a comparison.
    first = _best_per_row(rows, scores, per_mentee) | (
        candidates.favourite[keep] if candidates.favourite is not None else False
    )
    reserve = (rows[~first], cols[~first], scores[~first])
    rows, cols, scores = rows[first], cols[first], scores[first]
    top = int(scores.max()) if len(scores) else 0
    big = exact.big_weight(top, int(free.sum()), int(capacity.sum()))
    graph = exact.Graph(rows, cols, scores, scorer.n, scorer.m, capacity)
    with timer("solve"):
        mentor_of = exact.solve(graph)
    beaten = True
    for round_number in range(MAX_PRICING_ROUNDS + 1):
        with timer("prices"):
            prices, _ = exact.mentor_prices(graph, mentor_of, big)
        if prices is None:  # cannot happen for an optimal matching; fail loudly rather than claim a proof
            raise RuntimeError("the exact solver returned a matching its own prices cannot certify")
        earned = _earnings(graph, mentor_of, prices, big)
        with timer("pricing"):
            extra_rows, extra_cols, extra_scores, beaten = price_out(
                scorer, bound, earned, prices, big, capacity, mentor_bound, reserve
            )
        if not beaten or round_number == MAX_PRICING_ROUNDS:
            break
        moved = np.isin(reserve[0] * scorer.m + reserve[1], extra_rows * scorer.m + extra_cols)
        reserve = (reserve[0][~moved], reserve[1][~moved], reserve[2][~moved])
        # Near misses may already be candidates; a pair must appear once, or LAPJVsp would add up its costs.
        new = ~np.isin(extra_rows * scorer.m + extra_cols, graph.rows * scorer.m + graph.cols)
        graph = exact.Graph(
            np.concatenate((graph.rows, extra_rows[new])),
            np.concatenate((graph.cols, extra_cols[new])),
            np.concatenate((graph.scores, extra_scores[new])),
            scorer.n,
            scorer.m,
            capacity,
        )
        with timer("solve"):
            mentor_of = reoptimise(graph, earned, prices, big)
    certified = not beaten
    matched = np.flatnonzero(mentor_of >= 0)
    own = mentor_of[graph.rows] == graph.cols
    score_of = np.zeros(scorer.n, dtype=np.int64)
    score_of[graph.rows[own]] = graph.scores[own]
    return matched, mentor_of[matched], score_of[matched], certified, round_number


def reoptimise(graph: exact.Graph, earned: np.ndarray, prices: np.ndarray, big: int) -> np.ndarray:
    """The optimum of ``graph`` after pairs were added, from the previous optimum's dual values and prices.

    Raising each mentee's dual value to cover its new pairs gives prices that are feasible for the larger
    graph; their value exceeds the old matching's by ``gap``. Every optimal matching then uses only pairs
    whose slack (dual values minus weight) is at most ``gap``: any other pair alone would cost more than the
    gap allows. Those pairs usually fall apart into many small groups of mentees and mentors that do not
    interact, and each group is solved exactly on its own, which is much faster than one big problem.
    """
    weight = big + graph.scores
    raised = earned.copy()
    np.maximum.at(raised, graph.rows, weight - prices[graph.cols])
    gap = int((raised - earned).sum())
    slack = raised[graph.rows] + prices[graph.cols] - weight
    admissible = np.flatnonzero(slack <= gap)
    rows, cols = graph.rows[admissible], graph.cols[admissible]
    n, m = graph.n_rows, graph.n_cols
    links = sp.coo_array((np.ones(len(rows), dtype=np.int8), (rows, n + cols)), shape=(n + m, n + m))
    _, label = connected_components(links, directed=False)
    sizes = np.bincount(label)
    # Pack whole groups into batches of a few thousand people; a group never spans two batches.
    batch_of_label = np.cumsum(sizes) // BATCH_PEOPLE
    batch = batch_of_label[label[rows]]
    result = np.full(n, -1, dtype=np.int64)
    order = np.argsort(batch, kind="stable")
    bounds = np.searchsorted(batch[order], np.arange(batch.max() + 2 if len(batch) else 1))
    for b in range(len(bounds) - 1):
        part = admissible[order[bounds[b] : bounds[b + 1]]]
        if len(part) == 0:
            continue
        sub = exact.Graph(graph.rows[part], graph.cols[part], graph.scores[part], n, m, graph.capacity)
        solved = exact.solve(sub)
        result[solved >= 0] = solved[solved >= 0]
    return result


def _best_per_row(rows: np.ndarray, scores: np.ndarray, keep: int) -> np.ndarray:
    """Mask of each row's ``keep`` best-scoring pairs (``rows`` ascending)."""
    order = np.lexsort((-scores, rows))
    position = np.empty(len(rows), dtype=np.int64)
    position[order] = np.arange(len(rows)) - np.searchsorted(rows[order], rows[order], side="left")
    return position < keep


def _earnings(graph: exact.Graph, mentor_of: np.ndarray, prices: np.ndarray, big: int) -> np.ndarray:
    """Each mentee's dual value: its pair's weight minus its mentor's price, 0 when unmatched."""
    earned = np.zeros(graph.n_rows, dtype=np.int64)
    own = mentor_of[graph.rows] == graph.cols
    earned[graph.rows[own]] = big + graph.scores[own] - prices[graph.cols[own]]
    return earned


def price_out(
    scorer: PairScorer,
    bound: np.ndarray,
    earned: np.ndarray,
    prices: np.ndarray,
    big: int,
    capacity: np.ndarray,
    mentor_bound: np.ndarray | None = None,
    reserve: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    near_miss: int = NEAR_MISS,
    per_mentee: int = ADDED_PER_ROUND,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """Left-out pairs that beat, or nearly beat, ``earned + price``; and whether any truly beats it.

    Pair (i, j) beats its price when ``big + score - price_j > earned_i``. Left-out pairs score at most
    ``bound_i``, so only mentors with ``price_j < big + bound_i - earned_i + near_miss`` need a look; with
    mentors sorted by price those form a prefix, and only prefixes are scored. A mentor's own bound (the best
    score among the mentees it left out) rules it out completely when even that cannot beat its price,
    since ``earned`` is never negative. Pairs in ``reserve`` are already scored and are simply compared.
    Near misses are returned as well (at most ``per_mentee`` per mentee, best first): prices move when the
    matching changes, and pairs that were close tend to be next.
    """
    empty = np.zeros(0, dtype=np.int64)
    found_rows, found_cols, found_scores, found_gain = [empty], [empty], [empty], [empty]
    if reserve is not None and len(reserve[0]):
        r_rows, r_cols, r_scores = reserve
        gain = r_scores - (earned[r_rows] + prices[r_cols] - big)
        close = gain > -near_miss
        found_rows.append(r_rows[close])
        found_cols.append(r_cols[close])
        found_scores.append(r_scores[close])
        found_gain.append(gain[close])
    reachable = capacity > 0
    if mentor_bound is not None:
        reachable &= mentor_bound > prices - big - near_miss
    open_mentors = np.flatnonzero(reachable)
    order = open_mentors[np.argsort(prices[open_mentors], kind="stable")]
    sorted_prices = prices[order]
    reach = np.searchsorted(sorted_prices, big + bound - earned + near_miss, side="left")
    reach[bound < 0] = 0
    rows = np.flatnonzero(reach > 0)
    closed = np.flatnonzero(~reachable)
    view = scorer.reorder_mentors(np.concatenate((order, closed))) if len(rows) else scorer
    rows = rows[np.argsort(-reach[rows], kind="stable")]
    start = 0
    while start < len(rows):
        width = int(reach[rows[start]])
        stop = min(len(rows), start + view.rows_per_block(width))
        chunk = rows[start:stop]
        block = view.block(chunk, width).astype(np.int64)
        limit = earned[chunk][:, None] + sorted_prices[None, :width] - big  # a score above this beats the price
        within = np.arange(width)[None, :] < reach[chunk][:, None]
        local, k = np.nonzero((block > limit - near_miss) & (block >= 0) & within)
        found_rows.append(chunk[local])
        found_cols.append(order[k])
        found_scores.append(block[local, k])
        found_gain.append(block[local, k] - limit[local, k])
        start = stop
    rows_out = np.concatenate(found_rows)
    cols_out = np.concatenate(found_cols)
    scores_out = np.concatenate(found_scores)
    gain = np.concatenate(found_gain)
    beaten = bool((gain > 0).any())
    # A reserved pair can also turn up among the rescored ones; once is enough.
    _, once = np.unique(rows_out * scorer.m + cols_out, return_index=True)
    rows_out, cols_out, scores_out, gain = rows_out[once], cols_out[once], scores_out[once], gain[once]
    ranking = np.lexsort((cols_out, -gain, rows_out))
    rows_out, cols_out, scores_out = rows_out[ranking], cols_out[ranking], scores_out[ranking]
    first = np.searchsorted(rows_out, rows_out, side="left")
    keep = np.arange(len(rows_out)) - first < per_mentee
    return rows_out[keep], cols_out[keep], scores_out[keep], beaten


# -- locks --------------------------------------------------------------------------------------------------


def apply_locks(problem: MatchingProblem, context: ScoringContext) -> Locks:
    """Decide which locked pairs stay: feasible ones, one per mentee, no more per mentor than its capacity.

    Conflicts are settled by score (then by id), so re-running with the same locks keeps the same pairs.
    """
    mentee_index = {t.id: i for i, t in enumerate(problem.mentees)}
    mentor_index = {t.id: j for j, t in enumerate(problem.mentors)}
    dropped: list[DroppedLock] = []
    valid: list[tuple[int, int, int]] = []  # (score, mentee index, mentor index)
    for mentee_id, mentor_id in sorted(problem.settings.locked):
        i, j = mentee_index.get(mentee_id), mentor_index.get(mentor_id)
        if i is None or j is None:
            dropped.append(DroppedLock(mentee_id, mentor_id, LockProblem.UNKNOWN_PERSON))
            continue
        feasibility = check_pair(problem.mentees[i], problem.mentors[j], problem.settings)
        if not feasibility.ok:
            dropped.append(DroppedLock(mentee_id, mentor_id, LockProblem.NOT_FEASIBLE, feasibility.blocks))
            continue
        score = round(compatibility(problem.mentees[i], problem.mentors[j], context).score * SCALE)
        valid.append((score, i, j))
    valid.sort(key=lambda x: (-x[0], problem.mentees[x[1]].id, problem.mentors[x[2]].id))
    taken_mentees: set[int] = set()
    room = [max(t.capacity, 0) for t in problem.mentors]
    kept: list[tuple[int, int, int]] = []
    for score, i, j in valid:
        pair = (problem.mentees[i].id, problem.mentors[j].id)
        if i in taken_mentees:
            dropped.append(DroppedLock(*pair, LockProblem.MENTEE_LOCKED_TWICE))
        elif room[j] <= 0:
            dropped.append(DroppedLock(*pair, LockProblem.MENTOR_FULL))
        else:
            taken_mentees.add(i)
            room[j] -= 1
            kept.append((score, i, j))
    as_array = np.array(kept, dtype=np.int64).reshape(-1, 3)
    return Locks(as_array[:, 1], as_array[:, 2], as_array[:, 0], tuple(sorted(dropped, key=_lock_key)))


def _lock_key(lock: DroppedLock) -> tuple[int, int]:
    return lock.mentee_id, lock.mentor_id


def residual_capacity(problem: MatchingProblem, locks: Locks) -> np.ndarray:
    capacity = np.array([max(t.capacity, 0) for t in problem.mentors], dtype=np.int64)
    np.subtract.at(capacity, locks.cols, 1)
    return capacity


# -- results ------------------------------------------------------------------------------------------------


def build_result(
    problem: MatchingProblem,
    mentor_of: np.ndarray,
    pair_score: np.ndarray,
    locks: Locks,
    feasible: np.ndarray,
    stats: SolveStats,
) -> MatchResult:
    mentees, mentors = problem.mentees, problem.mentors
    locked_rows = set(locks.rows.tolist())
    matched = np.flatnonzero(mentor_of >= 0)
    matches = tuple(
        sorted(
            (
                Match(mentees[i].id, mentors[mentor_of[i]].id, int(pair_score[i]) / SCALE, locked=i in locked_rows)
                for i in matched.tolist()
            ),
            key=lambda x: (-x.score, x.mentee_id),
        )
    )
    unmatched = tuple(
        Unmatched(
            mentees[i].id,
            UnmatchedReason.CAPACITY_EXHAUSTED if feasible[i] > 0 else UnmatchedReason.NO_FEASIBLE_MENTOR,
            int(feasible[i]),
        )
        for i in np.flatnonzero(mentor_of < 0).tolist()
    )
    total = int(pair_score[matched].sum()) / SCALE
    return MatchResult(
        matches=matches,
        unmatched=unmatched,
        dropped_locks=locks.dropped,
        total_score=total,
        mentee_count=len(mentees),
        summary=summarise(problem, len(matches), unmatched, locks.dropped),
        stats=stats,
    )


def summarise(
    problem: MatchingProblem, matched: int, unmatched: tuple[Unmatched, ...], dropped: tuple[DroppedLock, ...] = ()
) -> str:
    """One line for the administrator: how many were matched and, if not all, the main reason why."""
    count = len(problem.mentees)
    head = f"{matched} of {count} mentees matched"
    if count == 0:
        return f"{head}: nobody is waiting for a mentor"
    if not problem.mentors:
        return f"{head}: the program has no mentors yet"
    if matched == 0 and all(t.capacity <= 0 for t in problem.mentors):
        return f"{head}: no mentor has free capacity"
    if matched == 0 and all(u.reason == UnmatchedReason.NO_FEASIBLE_MENTOR for u in unmatched):
        return f"{head}: the program's rules rule out every possible pair"
    parts = []
    full = sum(u.reason == UnmatchedReason.CAPACITY_EXHAUSTED for u in unmatched)
    nobody = len(unmatched) - full
    if full:
        parts.append(f"{full} because every suitable mentor is full")
    if nobody:
        parts.append(f"{nobody} with no suitable mentor")
    text = head if not parts else f"{head}; {len(unmatched)} unmatched ({', '.join(parts)})"
    if dropped:
        text += f"; {len(dropped)} locked pair{'s' if len(dropped) != 1 else ''} could not be kept"
    return text
