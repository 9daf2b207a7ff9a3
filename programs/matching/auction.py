"""A vectorised auction for "each mentee at most one mentor, each mentor at most ``capacity`` mentees".

Mentees bid for places with mentors; a place costs its current price and a mentee's profit is its weight for
the mentor minus that price, or nothing when it stays unmatched. Every round, all mentees without a place bid
at once (Bertsekas' Jacobi auction, with capacities handled as "similar objects": a mentor's places are kept
sorted by price and a bid always competes for the cheapest). Prices only go up, by at least ``eps`` per bid,
and ``eps`` shrinks phase by phase (epsilon-scaling) so early phases settle the rough picture quickly.

The auction is only a fast heuristic here. Its value is that it ends with a matching *and* with prices,
from which solver.py computes a dual bound and so proves, or disproves, optimality exactly. All arithmetic
is in int64, so nothing is lost to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NEG = np.iinfo(np.int64).min // 4
SCALING = 8  # eps shrinks by this factor from phase to phase
MAX_ROUNDS = 200_000  # a safety net: the certificate catches an unfinished auction
MAX_SETTLE_PASSES = 1000
SEQUENTIAL_OFFERS = 32  # below this many stranded places, mentors lower prices one at a time


@dataclass(slots=True)
class Market:
    """Candidate pairs in CSR form by mentee, and the state of the auction on them."""

    indptr: np.ndarray  # per mentee, plus one
    cols: np.ndarray  # mentor of each pair
    weights: np.ndarray  # int64 value of each pair (> 0)
    capacity: np.ndarray  # per mentor
    slot_start: np.ndarray  # first place of each mentor in slot_price / slot_owner
    slot_price: np.ndarray  # ascending within each mentor
    slot_owner: np.ndarray  # mentee holding the place, -1 when free
    mentor_of: np.ndarray  # per mentee, -1 when unmatched
    done: np.ndarray  # per mentee: no pair is worth its price, so it stays unmatched
    weight_of: np.ndarray  # per mentee: weight of the pair it holds
    slot_mentor: np.ndarray  # mentor of each place
    by_mentor: np.ndarray  # pair indices grouped by mentor (for offers from mentors to mentees)
    mentor_indptr: np.ndarray
    rounds: int = 0
    reverse_rounds: int = 0

    @classmethod
    def build(cls, indptr: np.ndarray, cols: np.ndarray, weights: np.ndarray, capacity: np.ndarray) -> Market:
        n, m = len(indptr) - 1, len(capacity)
        # A mentor never needs more places than it has candidate mentees.
        degree = np.bincount(cols, minlength=m)
        capacity = np.minimum(capacity, degree).astype(np.int64)
        slot_start = np.concatenate(([0], np.cumsum(capacity)[:-1])).astype(np.int64) if m else np.zeros(0, np.int64)
        total = int(capacity.sum())
        return cls(
            indptr=indptr.astype(np.int64),
            cols=cols.astype(np.int64),
            weights=weights.astype(np.int64),
            capacity=capacity,
            slot_start=slot_start,
            slot_price=np.zeros(total, dtype=np.int64),
            slot_owner=np.full(total, -1, dtype=np.int64),
            mentor_of=np.full(n, -1, dtype=np.int64),
            done=np.diff(indptr) == 0,
            weight_of=np.zeros(n, dtype=np.int64),
            slot_mentor=np.repeat(np.arange(m), capacity),
            by_mentor=np.argsort(cols, kind="stable"),
            mentor_indptr=np.concatenate(([0], np.cumsum(degree))).astype(np.int64),
        )

    # -- prices ---------------------------------------------------------------------------------------------

    def entry_prices(self) -> np.ndarray:
        """What the cheapest place of each mentor costs; a mentor without places is out of reach."""
        prices = np.full(len(self.capacity), -NEG, dtype=np.int64)
        has = self.capacity > 0
        prices[has] = self.slot_price[self.slot_start[has]]
        return prices

    def paid(self) -> np.ndarray:
        """Per mentee, the price of the place it holds (0 when it holds none)."""
        paid = np.zeros(len(self.mentor_of), dtype=np.int64)
        held = self.slot_owner >= 0
        paid[self.slot_owner[held]] = self.slot_price[held]
        return paid

    def second_prices(self) -> np.ndarray:
        prices = np.full(len(self.capacity), -NEG, dtype=np.int64)
        has = self.capacity > 1
        prices[has] = self.slot_price[self.slot_start[has] + 1]
        return prices

    # -- the auction ----------------------------------------------------------------------------------------

    def run(self, eps_final: int = 1) -> None:
        top = int(self.weights.max()) if len(self.weights) else 1
        eps = max(eps_final, top // SCALING)
        while True:
            self.settle(eps)
            if eps <= eps_final:
                break
            eps = max(eps_final, eps // SCALING)

    def settle(self, eps: int) -> None:
        """Bid until every mentee is within ``eps`` of its best option and no free place has a price."""
        for _ in range(MAX_SETTLE_PASSES):
            released = self._release_unsettled(eps)
            if not released and not np.any((self.mentor_of < 0) & ~self.done):
                return
            self._bid_until_settled(eps)

    def _release_unsettled(self, eps: int) -> int:
        """Free every matched mentee whose place is no longer within ``eps`` of its best option, and wake up
        unmatched mentees that lower prices have given a reason to bid again."""
        active = np.flatnonzero(np.diff(self.indptr) > 0)
        if len(active) == 0:
            return 0
        edges, segment, starts = _segments(self.indptr, active)
        entry = self.entry_prices()
        values = self.weights[edges] - entry[self.cols[edges]]
        own = self.cols[edges] == self.mentor_of[active][segment]
        other = np.maximum(np.maximum.reduceat(np.where(own, NEG, values), starts), 0)
        matched = self.mentor_of[active] >= 0
        # Judge a mentee by the price of its own place, not its mentor's cheapest: the cheapest may be bid up
        # later, and then only the mentee's own price is left.
        own_value = np.full(len(active), NEG, dtype=np.int64)
        own_value[matched] = self.weight_of[active[matched]] - self.paid()[active[matched]]
        unsettled = active[matched & (own_value < other - eps)]
        if len(unsettled):
            # The place goes back on the market at price 0: a free place with a price would open a gap
            # between the matching and the price bound that bidding alone never closes (more places than
            # takers). Neighbours that now covet it are caught by the next pass.
            slots = np.flatnonzero(np.isin(self.slot_owner, unsettled))
            self.slot_owner[slots] = -1
            self.slot_price[slots] = 0
            self.mentor_of[unsettled] = -1
            self._resort(np.unique(self.slot_mentor[slots]))
        self.done[active[~matched]] = other[~matched] <= 0
        return len(unsettled)

    def _bid_until_settled(self, eps: int) -> None:
        while self.rounds < MAX_ROUNDS:
            bidders = np.flatnonzero((self.mentor_of < 0) & ~self.done)
            if len(bidders) == 0:
                return
            self.rounds += 1
            self._round(bidders, eps)

    def _round(self, bidders: np.ndarray, eps: int) -> None:
        edges, segment, starts = _segments(self.indptr, bidders)
        entry = self.entry_prices()
        cols = self.cols[edges]
        values = self.weights[edges] - entry[cols]
        best = np.maximum.reduceat(values, starts)
        position = np.arange(len(edges))
        first = np.minimum.reduceat(np.where(values == best[segment], position, len(edges)), starts)
        values[first] = NEG
        second = np.maximum.reduceat(values, starts)
        choice = cols[first]
        # The second-best option is another mentor (or staying unmatched), never another place of the same
        # mentor: otherwise places of one mentor would climb in lockstep by eps per bid. Paying more than the
        # mentor's cheapest place is harmless, since the dual price of a mentor is its cheapest place.
        second = np.maximum(second, 0)
        hopeful = best > 0
        self.done[bidders[~hopeful]] = True
        # Never bid above the pair's own value: a price nobody can profit from would strand the place.
        bids = np.minimum(self.weights[edges[first]] - second + eps, self.weights[edges[first]])
        self._award(bidders[hopeful], choice[hopeful], bids[hopeful], self.weights[edges[first]][hopeful])

    def _award(self, bidders: np.ndarray, mentors: np.ndarray, bids: np.ndarray, weights: np.ndarray) -> None:
        """Each mentor keeps the best offers among its current places and the new bids."""
        if len(bidders) == 0:
            return
        targets = np.unique(mentors)
        caps = self.capacity[targets]
        slot_ids = np.repeat(self.slot_start[targets], caps) + _ranges(caps)
        slot_mentor = np.repeat(targets, caps)
        mentor = np.concatenate((slot_mentor, mentors))
        price = np.concatenate((self.slot_price[slot_ids], bids))
        holder = np.concatenate((self.slot_owner[slot_ids], bidders))
        is_new = np.concatenate((np.zeros(len(slot_ids), dtype=bool), np.ones(len(bidders), dtype=bool)))
        # Highest price first; on equal prices the place already held wins, then the lower mentee index.
        order = np.lexsort((holder, is_new, -price, mentor))
        mentor, price, holder, is_new = mentor[order], price[order], holder[order], is_new[order]
        group_start = np.searchsorted(mentor, targets)
        rank = np.arange(len(mentor)) - np.repeat(group_start, np.diff(np.append(group_start, len(mentor))))
        cap_of = self.capacity[mentor]
        kept = rank < cap_of
        evicted = holder[~kept & ~is_new]
        evicted = evicted[evicted >= 0]
        self.mentor_of[evicted] = -1
        winners = kept & is_new
        self.mentor_of[holder[winners]] = mentor[winners]
        weight = np.concatenate((np.zeros(len(slot_ids), dtype=np.int64), weights))[order]
        self.weight_of[holder[winners]] = weight[winners]
        # Write the kept places back in ascending price order.
        slot = self.slot_start[mentor[kept]] + cap_of[kept] - 1 - rank[kept]
        self.slot_price[slot] = price[kept]
        self.slot_owner[slot] = holder[kept]

    # -- mentors lowering their prices ----------------------------------------------------------------------

    def _offer_until_settled(self, eps: int) -> None:
        """Bring every free place down to price 0, moving mentees in where that is worth their while.

        A free place with a positive price leaves a gap between the matching and its price bound (the
        asymmetric-assignment problem: more places than takers). Each mentor with such a place offers it at
        the lowest price that keeps every neighbour within ``eps`` of content; if someone would gain more
        than ``eps`` from it even then, that mentee moves in at the second-best neighbour's level and leaves
        its old place free instead (Bertsekas' reverse auction). Profits only grow, so this ends; a round
        that changes nothing also ends it, and the certificate in solver.py then has the last word.
        """
        while self.rounds + self.reverse_rounds < MAX_ROUNDS:
            stranded = np.flatnonzero((self.slot_owner < 0) & (self.slot_price > 0))
            if len(stranded) == 0:
                return
            self.reverse_rounds += 1
            # One place per mentor per round: the dearest free one (places are sorted by price).
            mentors = self.slot_mentor[stranded]
            last = np.append(mentors[1:] != mentors[:-1], True)
            if len(stranded) <= SEQUENTIAL_OFFERS or not self._offer(mentors[last], stranded[last], eps):
                # Few left, or offers that block each other: one mentor at a time cannot conflict.
                for slot in stranded[last]:
                    self._offer_one(int(self.slot_mentor[slot]), eps)

    def _offer_one(self, mentor: int, eps: int) -> None:
        """The sequential version of _offer for one mentor's dearest free place, if it still has one."""
        begin, end = self.slot_start[mentor], self.slot_start[mentor] + self.capacity[mentor]
        free = np.flatnonzero((self.slot_owner[begin:end] < 0) & (self.slot_price[begin:end] > 0))
        if len(free) == 0:
            return
        slot = int(begin + free[-1])
        mentors = np.array([mentor])
        best, second, mover, weight = self._neighbour_gains(mentors)
        if best[0] <= eps:
            self.slot_price[slot] = 0
            self._resort(mentors)
        else:
            self._move(mentors, np.array([slot]), mover, np.maximum(second - eps, 0), weight)

    def _offer(self, mentors: np.ndarray, slots: np.ndarray, eps: int) -> bool:
        """One round of offers; False when nothing could change."""
        best, second, mover, weight = self._neighbour_gains(mentors)
        # First the places nobody wants even for free: no one moves, so no one's standing changes.
        unwanted = best <= eps
        self.slot_price[slots[unwanted]] = 0
        self._resort(mentors[unwanted])
        wanted = ~unwanted
        if not wanted.any():
            return bool(unwanted.any())
        mentors, slots = mentors[wanted], slots[wanted]
        best, second, mover, weight = self._neighbour_gains(mentors)
        # A mentee holding a place with one of these mentors must stay put this round: its mentor may lower
        # its price, and the mentee would regret having left.
        targeted = np.zeros(len(self.capacity), dtype=bool)
        targeted[mentors] = True
        holder = self.mentor_of[np.maximum(mover, 0)]
        free_to_move = (best > eps) & (mover >= 0) & ~((holder >= 0) & targeted[np.maximum(holder, 0)])
        prices = np.maximum(second - eps, 0)
        moved = self._move(
            mentors[free_to_move], slots[free_to_move], mover[free_to_move], prices[free_to_move], weight[free_to_move]
        )
        return bool(unwanted.any()) or moved

    def _neighbour_gains(self, mentors: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For each mentor: the best and second-best gain a non-holder would get from a free place at price 0,
        who that best neighbour is (-1 if none) and the weight of that pair."""
        matched = self.mentor_of >= 0
        profit = np.zeros(len(self.mentor_of), dtype=np.int64)
        profit[matched] = self.weight_of[matched] - self.paid()[matched]
        k = len(mentors)
        best = np.full(k, NEG, dtype=np.int64)
        second = np.full(k, NEG, dtype=np.int64)
        mover = np.full(k, -1, dtype=np.int64)
        weight = np.zeros(k, dtype=np.int64)
        has = self.mentor_indptr[mentors + 1] > self.mentor_indptr[mentors]
        if not has.any():
            return best, second, mover, weight
        edges, segment, starts = _segments(self.mentor_indptr, mentors[has])
        pairs = self.by_mentor[edges]
        mentees = np.searchsorted(self.indptr, pairs, side="right") - 1
        gain = self.weights[pairs] - profit[mentees]
        gain[self.mentor_of[mentees] == mentors[has][segment]] = NEG  # its own mentees stay put
        top = np.maximum.reduceat(gain, starts)
        position = np.arange(len(gain))
        first = np.minimum.reduceat(np.where(gain == top[segment], position, len(gain)), starts)
        gain[first] = NEG
        best[has] = top
        second[has] = np.maximum.reduceat(gain, starts)
        mover[has] = np.where(top > NEG, mentees[first], -1)
        weight[has] = self.weights[pairs[first]]
        return best, second, mover, weight

    def _move(
        self, mentors: np.ndarray, slots: np.ndarray, mentees: np.ndarray, prices: np.ndarray, weights: np.ndarray
    ) -> bool:
        if len(mentees) == 0:
            return False
        # A mentee wanted by several mentors takes the offer that leaves it the most.
        order = np.lexsort((mentors, -(weights - prices), mentees))
        mentees, mentors, slots, prices, weights = (a[order] for a in (mentees, mentors, slots, prices, weights))
        first = np.append(True, mentees[1:] != mentees[:-1])
        mentees, mentors, slots, prices, weights = (a[first] for a in (mentees, mentors, slots, prices, weights))
        leaving = self.mentor_of[mentees] >= 0
        old_slots = np.flatnonzero(np.isin(self.slot_owner, mentees[leaving]))
        self.slot_owner[old_slots] = -1
        self.slot_owner[slots] = mentees
        self.slot_price[slots] = prices
        self.mentor_of[mentees] = mentors
        self.weight_of[mentees] = weights
        self.done[mentees] = False
        self._resort(np.unique(np.concatenate((self.slot_mentor[old_slots], mentors))))
        return True

    def _resort(self, mentors: np.ndarray) -> None:
        """Restore ascending prices within the places of the given mentors."""
        if len(mentors) == 0:
            return
        caps = self.capacity[mentors]
        ids = np.repeat(self.slot_start[mentors], caps) + _ranges(caps)
        owner_free = self.slot_owner[ids] < 0
        # Among equal prices keep held places after free ones, so a free place is found at the top.
        order = np.lexsort((~owner_free, self.slot_price[ids], self.slot_mentor[ids]))
        self.slot_price[ids] = self.slot_price[ids][order]
        self.slot_owner[ids] = self.slot_owner[ids][order]

    # -- results --------------------------------------------------------------------------------------------

    def mentor_prices(self) -> np.ndarray:
        """Dual prices per mentor: the cheapest place, or 0 for a mentor nobody can reach."""
        prices = self.entry_prices()
        prices[self.capacity == 0] = 0
        return prices


def _ranges(counts: np.ndarray) -> np.ndarray:
    """0..c-1 for each c in counts, concatenated."""
    total = int(counts.sum())
    return np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)


def _segments(indptr: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pair indices of ``rows`` (each row must have pairs), each pair's row number, and segment starts."""
    lengths = indptr[rows + 1] - indptr[rows]
    edges = np.repeat(indptr[rows], lengths) + _ranges(lengths)
    segment = np.repeat(np.arange(len(rows)), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    return edges, segment, starts
