"""Which pairs the solver looks at first, and a bound on every pair it left out.

Scoring all pairs is cheap per pair but there are many; keeping all of them for the optimisation is not.
One pass over the score blocks keeps, for every mentee, roughly its ``per_mentee`` best feasible mentors and
records ``bound``: no feasible pair left out scores more than that. The solver later uses the bound to check
the left-out pairs against its prices without scoring them again, except for the few that could matter.

Finding each row's exact k-th best score costs more than scoring the row, so the threshold is estimated
from a fixed sample of columns; rows that end up with a few more or fewer candidates are fine, because
correctness rests on the bound, not on the count.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .pairs import PairScorer

SAMPLE_COLUMNS = 4096
OVERFLOW_FACTOR = 4  # rows with more candidates than this many times the target (ties) are trimmed


@dataclass(frozen=True, slots=True)
class Candidates:
    rows: np.ndarray  # mentee index of each candidate pair, ascending
    cols: np.ndarray  # mentor index
    scores: np.ndarray  # int64 hundredths
    bound: np.ndarray  # per mentee: every feasible pair not listed scores at most this (-1: none left out)
    mentor_bound: np.ndarray | None = None  # the same per mentor, when mentors' favourites were collected
    favourite: np.ndarray | None = None  # per pair: among its mentor's favourites

    def __len__(self) -> int:
        return len(self.rows)


def collect(
    scorer: PairScorer,
    per_mentee: int,
    mentors_allowed: np.ndarray | None = None,
    per_mentor: np.ndarray | None = None,
) -> Candidates:
    """Roughly the ``per_mentee`` best feasible mentors of every mentee (all of them when there are few),
    plus, when ``per_mentor`` is given, the ``per_mentor[j]`` best mentees of every mentor ``j``.

    The mentor side matters because mentees' favourites overlap: a mentor few mentees rank highly may still
    be the best available place for some of them once the favourites are full. ``mentors_allowed`` (bool per
    mentor) hides mentors that cannot take anyone, such as full ones.
    """
    n, m = scorer.n, scorer.m
    rng = np.random.default_rng(0)
    sample = np.sort(rng.choice(m, size=SAMPLE_COLUMNS, replace=False)) if m > 2 * SAMPLE_COLUMNS else None
    rank = per_mentee if sample is None else max(1, -(-per_mentee * len(sample) // m))
    parts_rows, parts_cols, parts_scores = [], [], []
    bound = np.full(n, -1, dtype=np.int64)
    favourites = _MentorFavourites(per_mentor) if per_mentor is not None and m else None
    for lo, hi, block in scorer.blocks():
        if mentors_allowed is not None:
            block[:, ~mentors_allowed] = scorer.infeasible
        if favourites is not None:
            favourites.offer(block, lo)
        if m <= per_mentee:
            threshold = np.zeros(hi - lo, dtype=np.int64)
        else:
            probe = block if sample is None else block[:, sample]
            kth = np.partition(probe, probe.shape[1] - rank, axis=1)[:, probe.shape[1] - rank]
            threshold = np.maximum(kth.astype(np.int64), 0)
        local, cols = np.nonzero(block >= threshold[:, None].astype(block.dtype))
        scores = block[local, cols].astype(np.int64)
        counts = np.bincount(local, minlength=hi - lo)
        row_bound = np.where(threshold > 0, threshold - 1, -1)
        crowded = np.flatnonzero(counts > OVERFLOW_FACTOR * per_mentee)
        if len(crowded):
            local, cols, scores, row_bound = _trim(local, cols, scores, row_bound, crowded, per_mentee)
        bound[lo:hi] = row_bound
        parts_rows.append(local + lo)
        parts_cols.append(cols)
        parts_scores.append(scores)
    mentor_bound = None
    favourite_count = 0
    if favourites is not None:
        rows, cols, scores = favourites.pairs()
        parts_rows.insert(0, rows)
        parts_cols.insert(0, cols)
        parts_scores.insert(0, scores)
        favourite_count = len(rows)
        mentor_bound = favourites.runner_up()
    rows = np.concatenate([np.zeros(0, dtype=np.int64), *parts_rows]).astype(np.int64)
    cols = np.concatenate([np.zeros(0, dtype=np.int64), *parts_cols]).astype(np.int64)
    scores = np.concatenate([np.zeros(0, dtype=np.int64), *parts_scores]).astype(np.int64)
    if len(rows) == 0:
        return Candidates(rows, cols, scores, bound, mentor_bound, np.zeros(0, dtype=bool))
    favourite = np.arange(len(rows)) < favourite_count
    # A pair can be on both sides' lists; keep it once (as a favourite if it is one), in mentee order.
    keys = rows * max(m, 1) + cols
    order = np.lexsort((~favourite, keys))
    first = order[np.append(True, keys[order][1:] != keys[order][:-1])]
    return Candidates(rows[first], cols[first], scores[first], bound, mentor_bound, favourite[first])


class _MentorFavourites:
    """Each mentor's best mentees so far, updated block by block.

    Only pairs that beat a mentor's current worst favourite are looked at, and after the first blocks those
    are few, so this costs one comparison per pair.
    """

    def __init__(self, wanted: np.ndarray) -> None:
        # One more than wanted: the runner-up's score bounds every pair the mentor leaves out.
        self.kept = wanted.astype(np.int64)
        self.wanted = self.kept + 1
        width = max(1, int(self.wanted.max()) if len(self.wanted) else 1)
        self.scores = np.full((len(wanted), width), -1, dtype=np.int64)
        self.rows = np.full((len(wanted), width), -1, dtype=np.int64)
        # The score to beat: the wanted-th best so far (-1, i.e. any feasible pair, until the list is full).
        self.floor = np.full(len(wanted), -1, dtype=np.int64)

    def offer(self, block: np.ndarray, lo: int) -> None:
        # The floor is at least -1, so beating it also means the pair is feasible.
        local, cols = np.nonzero(block > self.floor[None, :].astype(block.dtype))
        if len(local) == 0:
            return
        cols = cols.astype(np.int64)
        touched = np.flatnonzero(np.bincount(cols, minlength=len(self.floor)))
        width = self.scores.shape[1]
        old_cols = np.repeat(touched, width)
        all_cols = np.concatenate((old_cols, cols))
        all_scores = np.concatenate((self.scores[touched].reshape(-1), block[local, cols].astype(np.int64)))
        all_rows = np.concatenate((self.rows[touched].reshape(-1), local + lo))
        order = np.lexsort((all_rows, -all_scores, all_cols))
        all_cols, all_scores, all_rows = all_cols[order], all_scores[order], all_rows[order]
        rank = np.arange(len(all_cols)) - np.searchsorted(all_cols, all_cols, side="left")
        keep = (rank < width) & (rank < self.wanted[all_cols])
        self.scores[touched] = -1
        self.rows[touched] = -1
        self.scores[all_cols[keep], rank[keep]] = all_scores[keep]
        self.rows[all_cols[keep], rank[keep]] = all_rows[keep]
        last = np.clip(self.wanted[touched] - 1, 0, width - 1)
        self.floor[touched] = np.where(self.wanted[touched] > 0, self.scores[touched, last], np.iinfo(np.int16).max)

    def pairs(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols, slot = np.nonzero((self.rows >= 0) & (np.arange(self.rows.shape[1])[None, :] < self.kept[:, None]))
        return self.rows[cols, slot], cols, self.scores[cols, slot]

    def runner_up(self) -> np.ndarray:
        """Per mentor, the best score among mentees it did not keep (-1 when it kept every feasible one)."""
        return self.scores[np.arange(len(self.kept)), np.minimum(self.kept, self.scores.shape[1] - 1)]


def _trim(
    local: np.ndarray, cols: np.ndarray, scores: np.ndarray, bound: np.ndarray, crowded: np.ndarray, keep: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Keep only the ``keep`` best of crowded rows; what they drop scores at most the lowest kept score."""
    order = np.lexsort((cols, -scores, local))
    local, cols, scores = local[order], cols[order], scores[order]
    starts = np.searchsorted(local, np.arange(len(bound)))
    position = np.arange(len(local)) - starts[local]
    is_crowded = np.zeros(len(bound), dtype=bool)
    is_crowded[crowded] = True
    keep_mask = ~is_crowded[local] | (position < keep)
    last_kept = keep_mask & is_crowded[local] & (position == keep - 1)
    bound = bound.copy()
    bound[local[last_kept]] = scores[last_kept]
    return local[keep_mask], cols[keep_mask], scores[keep_mask], bound
