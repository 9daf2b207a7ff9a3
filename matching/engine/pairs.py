"""Scores and hard rules for whole blocks of pairs at once, in exact whole hundredths of a point.

A block is a ``(mentees, mentors)`` integer matrix holding the score of every feasible pair (>= 0) and
exactly ``scorer.infeasible`` (a large negative number) wherever a hard rule forbids the pair. It is assembled from
rows of small tables, one row per distinct value on the mentee side (seniority level and department,
time zone and languages, goal categories and popular growth areas), so each pair costs a few vector
additions. Rare skills, wishes and pair-specific rules (same person, manager, avoid, forbidden, already
matched) are sparse and patched in afterwards.

Scores fit in int16 whenever the best score any mentee could reach stays below 2**14 hundredths (164
points; the defaults stay under 60), which halves the memory traffic; otherwise int32 is used.

``scoring.compatibility`` uses the same point tables one pair at a time; the tests check that both agree.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from .constraints import external_allowed
from .scoring import MAX_GAP, ScoringContext, wish_rank
from .types import MatchingProblem, Mentee, Mentor
from .weekly import overlap_minutes

POPULAR_SHARE = 1 / 16  # skills offered by at least this share of mentors are folded into a table
MAX_TABLE_BYTES = 16 << 20  # combined tables bigger than this stay split, one lookup per attribute
BLOCK_ELEMENTS = 1 << 19  # pairs per block: large enough for numpy, small enough to stay in cache


def _codes(values: Sequence[Hashable]) -> tuple[np.ndarray, list[Hashable]]:
    """Number the distinct values in order of first appearance."""
    index: dict[Hashable, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(index)


@dataclass(frozen=True, slots=True)
class _Lookup:
    """A table with one row of points per distinct mentee-side value, and each mentee's row number."""

    codes: np.ndarray  # per mentee
    rows: np.ndarray  # (distinct values, mentors)


def _lookup(
    values: Sequence[Hashable], row: Callable[[Hashable], np.ndarray], width: int, dtype: type[np.signedinteger]
) -> _Lookup:
    codes, keys = _codes(values)
    table = np.zeros((len(keys), width), dtype=dtype)
    for k, key in enumerate(keys):
        table[k] = row(key)
    return _Lookup(codes, table)


def _combine(parts: list[_Lookup]) -> list[_Lookup]:
    """One table for several attributes, with a row per combination that occurs, while that stays small."""
    if len(parts[0].codes) == 0:
        return parts
    combos, codes = np.unique(np.stack([p.codes for p in parts], axis=1), axis=0, return_inverse=True)
    if combos.shape[0] * parts[0].rows.shape[1] * parts[0].rows.itemsize > MAX_TABLE_BYTES:
        return parts
    rows = parts[0].rows[combos[:, 0]]
    for k, part in enumerate(parts[1:], start=1):
        rows += part.rows[combos[:, k]]
    return [_Lookup(codes.reshape(-1), rows)]


@dataclass(frozen=True, slots=True)
class _Sparse:
    """(mentee, mentor, value) triples grouped by mentee, so a block can pick its rows cheaply."""

    starts: np.ndarray  # per mentee, plus one
    cols: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, n_rows: int) -> _Sparse:
        order = np.lexsort((cols, rows))
        starts = np.searchsorted(rows[order], np.arange(n_rows + 1))
        return cls(starts, cols[order].astype(np.int64), values[order].astype(np.int64))

    def select(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Triples of the given mentees, with rows renumbered 0..len(rows)-1."""
        begin, end = self.starts[rows], self.starts[rows + 1]
        counts = end - begin
        total = int(counts.sum())
        if total == 0:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty
        local = np.repeat(np.arange(len(rows)), counts)
        position = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(begin, counts)
        return local, self.cols[position], self.values[position]

    def recolumn(self, new_of_old: np.ndarray) -> _Sparse:
        cols = new_of_old[self.cols]
        rows = np.repeat(np.arange(len(self.starts) - 1), np.diff(self.starts))
        return _Sparse.build(rows, cols, self.values, len(self.starts) - 1)


class PairScorer:
    """Vectorised scores for every (mentee, mentor) pair of one problem.

    Mentee and mentor indices are positions in ``problem.mentees`` and ``problem.mentors`` (or, after
    ``reorder_mentors``, positions in the new mentor order).
    """

    def __init__(self, problem: MatchingProblem, context: ScoringContext | None = None) -> None:
        self.problem = problem
        self.context = context or ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
        mentees, mentors = problem.mentees, problem.mentors
        self.n, self.m = len(mentees), len(mentors)
        self.mentor_index = {mentor.id: j for j, mentor in enumerate(mentors)}
        self.mentor_order = np.arange(self.m)  # original mentor index of each column
        popular, rare = self._split_skills(mentors)
        self.dtype, self.infeasible = self._choose_dtype(mentees, popular, rare)
        self._build_tables(mentees, mentors, popular)
        self._build_rare_skills(mentees, mentors, rare)
        self._build_exceptions(mentees, mentors)

    # -- preparation ----------------------------------------------------------------------------------------

    def _split_skills(self, mentors: Sequence[Mentor]) -> tuple[dict[int, int], dict[int, int]]:
        supply: dict[int, int] = {}
        for t in mentors:
            for s in t.skills:
                supply[s] = supply.get(s, 0) + 1
        threshold = max(2, self.m * POPULAR_SHARE)
        popular = sorted((s for s in supply if supply[s] >= threshold), key=lambda s: (-supply[s], s))
        rare = sorted(s for s in supply if supply[s] < threshold)
        return {s: k for k, s in enumerate(popular)}, {s: k for k, s in enumerate(rare)}

    def _choose_dtype(
        self, mentees: Sequence[Mentee], popular: dict[int, int], rare: dict[int, int]
    ) -> tuple[type[np.signedinteger], int]:
        ctx = self.context
        fixed = (
            max((p or 0) for p in ctx.seniority_points.values())
            + ctx.time_zone_points
            + ctx.language_points
            + ctx.outside_points
            + max(ctx.wish_points, default=0)
        )
        best = 0
        for t in mentees:
            skills = sum(ctx.skill_value(s) for s in t.growth_areas if s in popular or s in rare)
            best = max(best, skills + ctx.category_points * len(t.goal_categories))
        if fixed + best < 1 << 14:
            return np.int16, -(1 << 14)
        if fixed + best < 1 << 29:
            return np.int32, -(1 << 29)
        raise ValueError("weights are too large: a single score would not fit in 32 bits")

    def _build_tables(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], popular: dict[int, int]) -> None:
        ctx, settings, m = self.context, self.problem.settings, self.m
        levels = np.array([t.seniority for t in mentors], dtype=np.int64)
        external = np.array([t.is_external for t in mentors], dtype=bool)
        by_gap = np.array(
            [-1 if ctx.seniority_points[g] is None else ctx.seniority_points[g] for g in range(-MAX_GAP, MAX_GAP + 1)],
            dtype=np.int64,
        )

        # Seniority also carries the rules that depend on attributes alone (the sponsorship gap, external
        # people), so one lookup both scores and forbids.
        def seniority_row(key: Hashable) -> np.ndarray:
            level, is_external, open_to_external = key  # type: ignore[misc]
            gaps = level - levels if settings.kind == "reverse" else levels - level
            points = by_gap[np.clip(gaps, -MAX_GAP, MAX_GAP) + MAX_GAP]
            row = np.where(points < 0, self.infeasible, points)
            probe = Mentee(id=0, user_id=0, is_external=is_external, open_to_external=open_to_external)
            for flag in (False, True):
                if not external_allowed(probe, Mentor(id=0, user_id=-1, is_external=flag), settings):
                    row = np.where(external == flag, self.infeasible, row)
            return row

        departments = np.array([t.department for t in mentors], dtype=object)

        def outside_row(department: Hashable) -> np.ndarray:
            if not department:
                return np.zeros(m, dtype=np.int64)
            return np.where((departments != department) & (departments != ""), ctx.outside_points, 0)

        mentor_weeks, week_keys = _codes([ctx.week_of(t) for t in mentors])

        def zone_row(week: Hashable) -> np.ndarray:
            points = [ctx.time_zone_value(overlap_minutes(week, w)) for w in week_keys]  # type: ignore[arg-type]
            return np.array(points, dtype=np.int64)[mentor_weeks] if m else np.zeros(0, dtype=np.int64)

        popular_points = np.zeros((len(popular), m), dtype=np.int64)
        for j, t in enumerate(mentors):
            for s in t.skills & popular.keys():
                popular_points[popular[s], j] = ctx.skill_value(s)

        def popular_row(skills: Hashable) -> np.ndarray:
            return popular_points[[popular[s] for s in skills]].sum(axis=0)  # type: ignore[attr-defined]

        dtype = self.dtype
        seniority = _lookup(
            [(t.seniority, t.is_external, t.open_to_external) for t in mentees], seniority_row, m, dtype
        )
        outside = _lookup([t.department if t.prefers_outside_team else "" for t in mentees], outside_row, m, dtype)
        zones = _lookup([ctx.week_of(t) for t in mentees], zone_row, m, dtype)
        languages = _lookup(
            [t.languages for t in mentees],
            _membership([t.languages for t in mentors], ctx.language_points, True),
            m,
            dtype,
        )
        categories = _lookup(
            [t.goal_categories for t in mentees],
            _membership([t.categories for t in mentors], ctx.category_points, False),
            m,
            dtype,
        )
        skills = _lookup([frozenset(t.growth_areas & popular.keys()) for t in mentees], popular_row, m, dtype)
        # Only the first table may hold ``infeasible``: the others are non-negative and cannot overflow it.
        self.tables = [*_combine([seniority, outside]), *_combine([zones, languages]), *_combine([categories, skills])]

    def _build_rare_skills(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor], rare: dict[int, int]) -> None:
        ctx = self.context
        rows, cols, values = [], [], []
        for i, t in enumerate(mentees):
            for s in t.growth_areas & rare.keys():
                rows.append(i)
                cols.append(rare[s])
                values.append(ctx.skill_value(s))
        self.rare_wants = sp.csr_array(
            (np.array(values, dtype=np.int32), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
            shape=(self.n, len(rare)),
        )
        offer_rows, offer_cols = [], []
        for j, t in enumerate(mentors):
            for s in t.skills & rare.keys():
                offer_rows.append(rare[s])
                offer_cols.append(j)
        self.rare_offers = sp.csc_array(
            (np.ones(len(offer_rows), dtype=np.int32), (offer_rows, offer_cols)), shape=(len(rare), self.m)
        )

    def _build_exceptions(self, mentees: Sequence[Mentee], mentors: Sequence[Mentor]) -> None:
        """Pair-specific rules and wishes: a few per mentee, so they are kept as sparse lists."""
        settings, ctx = self.problem.settings, self.context
        by_user: dict[int, list[int]] = {}
        for j, t in enumerate(mentors):
            by_user.setdefault(t.user_id, []).append(j)
        mentee_index = {t.id: i for i, t in enumerate(mentees)}
        blocked: list[tuple[int, int]] = []
        wishes: list[tuple[int, int, int]] = []
        for i, t in enumerate(mentees):
            cols: set[int] = set(by_user.get(t.user_id, ()))
            for user in t.manager_chain:
                cols.update(by_user.get(user, ()))
            cols.update(self.mentor_index[x] for x in t.avoid if x in self.mentor_index)
            blocked.extend((i, j) for j in cols)
            for wish in dict.fromkeys(t.wishes):
                rank = wish_rank(t, wish)
                if wish in self.mentor_index and rank:
                    wishes.append((i, self.mentor_index[wish], ctx.wish_points[rank - 1]))
        for pairs in (settings.already_matched, settings.forbidden):
            for mentee_id, mentor_id in pairs:
                if mentee_id in mentee_index and mentor_id in self.mentor_index:
                    blocked.append((mentee_index[mentee_id], self.mentor_index[mentor_id]))
        pairs_array = np.unique(np.array(blocked, dtype=np.int64).reshape(-1, 2), axis=0)
        zeros = np.zeros(len(pairs_array), dtype=np.int64)
        self.blocked = _Sparse.build(pairs_array[:, 0], pairs_array[:, 1], zeros, self.n)
        wish_array = np.array(wishes, dtype=np.int64).reshape(-1, 3)
        self.wishes = _Sparse.build(wish_array[:, 0], wish_array[:, 1], wish_array[:, 2], self.n)

    # -- scoring --------------------------------------------------------------------------------------------

    def block(self, rows: slice | np.ndarray, stop: int | None = None) -> np.ndarray:
        """Scores of the given mentees against mentors ``0:stop``; ``infeasible`` where a rule forbids the pair."""
        if isinstance(rows, slice):
            rows = np.arange(*rows.indices(self.n))
        stop = self.m if stop is None else stop
        first, *rest = self.tables
        out = first.rows[:, :stop].take(first.codes[rows], axis=0)
        for table in rest:
            out += table.rows[:, :stop].take(table.codes[rows], axis=0)
        if self.rare_offers.shape[0]:
            wants = self.rare_wants[rows]
            if wants.nnz:
                offers = self.rare_offers[:, :stop] if stop < self.m else self.rare_offers
                shared = (wants @ offers).tocoo()
                out[shared.row, shared.col] += shared.data.astype(self.dtype)
        local, cols, values = self.wishes.select(rows)
        keep = cols < stop
        out[local[keep], cols[keep]] += values[keep].astype(self.dtype)
        # A forbidden pair picked up points from the other tables; callers may compare with ``infeasible``.
        np.putmask(out, out < 0, self.infeasible)
        local, cols, _ = self.blocked.select(rows)
        keep = cols < stop
        out[local[keep], cols[keep]] = self.infeasible
        return out

    def blocks(self, rows_per_block: int | None = None) -> Iterator[tuple[int, int, np.ndarray]]:
        step = rows_per_block or self.rows_per_block()
        for lo in range(0, self.n, step):
            hi = min(self.n, lo + step)
            yield lo, hi, self.block(slice(lo, hi))

    def rows_per_block(self, width: int | None = None) -> int:
        """How many mentees make a block of about BLOCK_ELEMENTS pairs at this many mentors."""
        return max(1, BLOCK_ELEMENTS // max(1, self.m if width is None else width))

    def all_scores(self) -> np.ndarray:
        """The whole matrix; only for small problems (tests, the greedy baseline at modest sizes)."""
        return self.block(slice(0, self.n)) if self.n else np.zeros((0, self.m), dtype=self.dtype)

    def feasible_counts(self) -> np.ndarray:
        """For each mentee, how many mentors pass every pair rule (capacity aside)."""
        first = self.tables[0]
        per_code = (first.rows >= 0).sum(axis=1)
        counts = per_code[first.codes].astype(np.int64)
        rows = np.repeat(np.arange(self.n), np.diff(self.blocked.starts))
        still_open = first.rows[first.codes[rows], self.blocked.cols] >= 0
        np.subtract.at(counts, rows[still_open], 1)
        return counts

    # -- views ----------------------------------------------------------------------------------------------

    def reorder_mentors(self, order: np.ndarray) -> PairScorer:
        """A scorer whose column k is mentor ``order[k]``, so that any prefix of ``order`` is a contiguous slice."""
        view = object.__new__(PairScorer)
        view.__dict__.update(self.__dict__)
        new_of_old = np.empty(self.m, dtype=np.int64)
        new_of_old[order] = np.arange(len(order))
        view.mentor_order = self.mentor_order[order]
        view.tables = [replace(t, rows=np.ascontiguousarray(t.rows[:, order])) for t in self.tables]
        view.rare_offers = sp.csc_array(self.rare_offers[:, order])
        view.wishes = self.wishes.recolumn(new_of_old)
        view.blocked = self.blocked.recolumn(new_of_old)
        return view


def _membership(mentor_sets: list[frozenset[str]], points: int, any_of: bool) -> Callable[[Hashable], np.ndarray]:
    """Rows for set-valued attributes: ``points`` once if the sets meet (``any_of``) or per shared item."""
    vocabulary = sorted({item for s in mentor_sets for item in s})
    column = {item: k for k, item in enumerate(vocabulary)}
    incidence = np.zeros((len(mentor_sets), len(vocabulary)), dtype=np.int64)
    for j, s in enumerate(mentor_sets):
        for item in s:
            incidence[j, column[item]] = 1

    def row(key: Hashable) -> np.ndarray:
        shared = incidence[:, [column[item] for item in key if item in column]].sum(axis=1)  # type: ignore[attr-defined]
        return (np.minimum(shared, 1) if any_of else shared) * points

    return row
