"""Exact optimisation on a given set of candidate pairs, and the prices that prove it optimal.

The objective is lexicographic: as many mentees matched as possible, then the largest total score. Mentor
capacities are expanded into places ("slots") and SciPy's LAPJVsp (``min_weight_full_bipartite_matching``)
matches the smaller side completely. The cardinality part is settled first, exactly, by a maximum matching
(Hopcroft-Karp): if ``k`` pairs are the most possible and the smaller side has ``r`` nodes, then ``r - k``
shared "nobody" partners, each adjacent to every node of that side, make a full matching exist, and every
full matching has exactly ``k`` real pairs. Among those LAPJVsp finds the best total score. No large penalty
constant is needed, so the costs are small integers and exact in floating point.

``mentor_prices`` recovers dual prices from the optimal matching by shortest paths; solver.py uses them to
prove that no pair outside the candidate set could improve the result.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import maximum_bipartite_matching, min_weight_full_bipartite_matching

SHARED_DUMMY_EDGE_LIMIT = 4_000_000  # beyond this many extra edges, each node gets its own "nobody" instead
UNREACHED = np.iinfo(np.int64).max // 4


@dataclass(frozen=True, slots=True)
class Graph:
    """Candidate pairs between ``n_rows`` mentees and ``n_cols`` mentors with capacities; scores >= 0."""

    rows: np.ndarray
    cols: np.ndarray
    scores: np.ndarray
    n_rows: int
    n_cols: int
    capacity: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


def big_weight(top_score: int, rows: int, places: int) -> int:
    """An offset that makes one more pair worth more than any difference in total score."""
    return min(rows, places) * (max(top_score, 0) + 1) + 1


def solve(graph: Graph) -> np.ndarray:
    """The optimal matching as each row's column (-1 when unmatched)."""
    mentor_of = np.full(graph.n_rows, -1, dtype=np.int64)
    capacity = np.minimum(graph.capacity, np.bincount(graph.cols, minlength=graph.n_cols)).astype(np.int64)
    usable = capacity[graph.cols] > 0
    rows, cols, scores = graph.rows[usable], graph.cols[usable], graph.scores[usable].astype(np.int64)
    if len(rows) == 0:
        return mentor_of
    mentees, row_of = np.unique(rows, return_inverse=True)
    slot_start = np.concatenate(([0], np.cumsum(capacity)[:-1]))
    # Every pair appears once per place of its mentor.
    copies = capacity[cols]
    pair = np.repeat(np.arange(len(rows)), copies)
    slot = slot_start[cols[pair]] + _ranges(copies)
    n_slots = int(capacity.sum())
    cost = (int(scores.max()) + 2 - scores[pair]).astype(np.float64)  # positive: LAPJVsp ignores zeros
    slots_first = n_slots <= len(mentees)
    if slots_first:
        matched = _full_matching(slot, row_of[pair], cost, n_slots, len(mentees))
    else:
        matched = _full_matching(row_of[pair], slot, cost, len(mentees), n_slots)
    real = np.flatnonzero(matched >= 0)
    slot_nodes, mentee_nodes = (real, matched[real]) if slots_first else (matched[real], real)
    slot_mentor = np.repeat(np.arange(graph.n_cols), capacity)
    mentor_of[mentees[mentee_nodes]] = slot_mentor[slot_nodes]
    return mentor_of


def _full_matching(side: np.ndarray, other: np.ndarray, cost: np.ndarray, n_side: int, n_other: int) -> np.ndarray:
    """Min-cost matching of ``side`` with as many real partners as possible; -1 for a side node left alone."""
    real = sp.csr_array((np.ones(len(side), dtype=np.int8), (side, other)), shape=(n_side, n_other))
    most = int((maximum_bipartite_matching(real, perm_type="column") >= 0).sum())
    missing = n_side - most
    if missing == 0:
        extra_side, extra_other, extra_cost = _empty(), _empty(), np.zeros(0)
    elif missing * n_side <= SHARED_DUMMY_EDGE_LIMIT:
        # ``missing`` nobodies shared by all: exactly that many nodes go without a real partner.
        extra_side = np.repeat(np.arange(n_side), missing)
        extra_other = n_other + np.tile(np.arange(missing), n_side)
        extra_cost = np.ones(len(extra_side))
    else:
        # One nobody per node, dearer than any total of real costs, so cardinality still comes first.
        extra_side = np.arange(n_side)
        extra_other = n_other + extra_side
        extra_cost = np.full(n_side, float(cost.max()) * n_side + 1.0)
    width = n_other + (int(extra_other.max()) - n_other + 1 if len(extra_other) else 0)
    matrix = sp.csr_array(
        (
            np.concatenate((cost, extra_cost)),
            (np.concatenate((side, extra_side)), np.concatenate((other, extra_other))),
        ),
        shape=(n_side, width),
    )
    row_ind, col_ind = min_weight_full_bipartite_matching(matrix)
    matched = np.full(n_side, -1, dtype=np.int64)
    real_partner = col_ind < n_other
    matched[row_ind[real_partner]] = col_ind[real_partner]
    return matched


def mentor_prices(
    graph: Graph, mentor_of: np.ndarray, big: int, patience: int | None = None
) -> tuple[np.ndarray | None, int]:
    """The largest dual prices per mentor that certify ``mentor_of`` as optimal on ``graph`` (None when
    ``mentor_of`` is not optimal there, for instance after pairs were added), and the relaxation passes used.

    With pair weights ``big + score``, LP duality asks for prices ``v >= 0`` per mentor and ``u >= 0`` per
    mentee with ``u_i + v_j >= w_ij`` on every pair, equality on matched pairs, ``u = 0`` for unmatched
    mentees and ``v = 0`` for mentors with a free place. Writing ``u_i = w_ia - v_a`` for a mentee matched to
    ``a`` turns this into difference constraints between mentor prices; their largest solution is a
    shortest-path distance (Bellman-Ford: lengths can be negative, cycles cannot while the matching is
    optimal). Taking the largest prices makes left-out pairs look as unattractive as the proof allows.

    ``patience`` caps the relaxation passes: a quick "probably not optimal" instead of waiting for the
    (possibly long) proof that a negative cycle exists. None waits as long as a proof needs.
    """
    weight = big + graph.scores.astype(np.int64)
    load = np.bincount(mentor_of[mentor_of >= 0], minlength=graph.n_cols)
    holder = mentor_of[graph.rows]
    own = holder == graph.cols
    # Upper bounds: a mentor's price is at most the weight of each pair it holds (that mentee's u >= 0),
    # and 0 while it has room left.
    dist = np.full(graph.n_cols, UNREACHED, dtype=np.int64)
    np.minimum.at(dist, graph.cols[own], weight[own])
    dist[load < graph.capacity] = 0
    # For a mentee matched to a, any other pair (i, j) gives v_a <= v_j + w_ia - w_ij: an arc j -> a.
    other = (holder >= 0) & ~own
    own_weight = np.zeros(graph.n_rows, dtype=np.int64)
    own_weight[graph.rows[own]] = weight[own]
    passes = graph.n_cols + 1 if patience is None else patience
    lengths = own_weight[graph.rows[other]] - weight[other]
    prices, used = _bellman_ford(dist, graph.cols[other], holder[other], lengths, passes)
    if prices is None:
        return None, used
    # The lower bounds were not part of the shortest paths; they hold exactly when the matching is optimal.
    earned = np.zeros(graph.n_rows, dtype=np.int64)
    earned[graph.rows[own]] = weight[own] - prices[graph.cols[own]]
    open_price = prices[graph.cols] < UNREACHED
    if (prices < 0).any() or (earned < 0).any():
        return None, used
    if not np.all(earned[graph.rows[open_price]] + prices[graph.cols[open_price]] >= weight[open_price]):
        return None, used
    return prices, used


def _bellman_ford(
    dist: np.ndarray, src: np.ndarray, dst: np.ndarray, length: np.ndarray, passes: int
) -> tuple[np.ndarray | None, int]:
    """Relax the arcs leaving nodes whose distance just changed, until nothing changes (None: not in time);
    also how many passes that took."""
    order = np.argsort(src, kind="stable")
    src, dst, length = src[order], dst[order], length[order]
    starts = np.searchsorted(src, np.arange(len(dist) + 1))
    changed = np.arange(len(dist))
    for done in range(passes):
        counts = starts[changed + 1] - starts[changed]
        arcs = np.repeat(starts[changed], counts) + _ranges(counts)
        candidate = dist[src[arcs]] + length[arcs]
        better = candidate < dist[dst[arcs]]
        if not better.any():
            return dist, done + 1
        targets = dst[arcs][better]
        np.minimum.at(dist, targets, candidate[better])
        changed = np.unique(targets)
    return None, passes  # a negative cycle (some exchange of mentors improves the matching), or no time left


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each c in ``counts``, concatenated."""
    return np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)


def _empty() -> np.ndarray:
    return np.zeros(0, dtype=np.int64)
