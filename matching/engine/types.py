"""Plain data that goes into and comes out of the matching engine.

Nothing here knows about Django: the program's service layer turns enrollments into these records, runs the
engine and stores what comes back. Ids are the caller's (enrollment ids for people, skill ids for skills);
``user_id`` and ``manager_chain`` are user ids, so a person enrolled twice is still recognised as one person.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Literal

Kind = Literal["mentoring", "sponsorship", "reverse"]
KINDS: tuple[Kind, ...] = ("mentoring", "sponsorship", "reverse")


@dataclass(frozen=True, slots=True)
class Mentee:
    """Someone who wants a mentor (or a sponsor, or a junior colleague in reverse mentoring)."""

    id: int
    user_id: int
    department: str = ""  # empty when unknown: then "outside your team" can be neither promised nor refused
    manager_chain: frozenset[int] = frozenset()  # user ids of the manager and everyone above them
    seniority: int = 1  # 1..8, larger is more senior
    time_zone: str = "UTC"  # IANA name
    # Working hours on their own clock, (weekday 0 = Monday, start, end) in minutes; None = 09:00-17:00 weekdays.
    hours: tuple[tuple[int, int, int], ...] | None = None
    languages: frozenset[str] = frozenset()  # ISO 639 codes
    growth_areas: frozenset[int] = frozenset()  # skill ids
    goal_categories: frozenset[str] = frozenset()
    prefers_outside_team: bool = False
    wishes: tuple[int, ...] = ()  # mentor ids, best first; only the first five count
    avoid: frozenset[int] = frozenset()  # mentor ids never to be proposed
    is_external: bool = False
    open_to_external: bool = True  # False keeps external mentors away even where the program admits them


@dataclass(frozen=True, slots=True)
class Mentor:
    """Someone who offers to mentor (or sponsor, or to be the junior partner in reverse mentoring)."""

    id: int
    user_id: int
    department: str = ""
    seniority: int = 1
    time_zone: str = "UTC"
    hours: tuple[tuple[int, int, int], ...] | None = None  # as for Mentee
    languages: frozenset[str] = frozenset()
    skills: frozenset[int] = frozenset()  # skill ids they offer
    categories: frozenset[str] = frozenset()  # goal categories they can help with
    capacity: int = 1  # free places for this run, i.e. after relationships that already exist
    is_external: bool = False


@dataclass(frozen=True, slots=True)
class Weights:
    """How much each ingredient of compatibility is worth, in points.

    The defaults make one shared growth area of average rarity worth about as much as a shared language or a
    full working day in common; an explicit first wish is worth the most of any single ingredient.
    """

    skill: float = 3.0  # per shared growth area, times its rarity factor (1 for a common skill, up to 3)
    category: float = 1.0  # per goal category the mentor can help with
    seniority: float = 2.0  # at the ideal gap
    time_zone: float = 2.0  # at a full working week (5 days of 8 hours) of shared working time
    language: float = 2.0  # for at least one shared language
    outside_team: float = 1.5  # when the mentee asked for someone from another team and gets one
    wish: float = 5.0  # for the mentee's first wish; the fifth is worth a fifth of that

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if not value >= 0:  # also catches NaN
                raise ValueError(f"weight {item.name} must be zero or more, got {value!r}")


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    """Program-wide rules for one matching run."""

    kind: Kind = "mentoring"
    allow_external: bool = False
    weights: Weights = field(default_factory=Weights)
    forbidden: frozenset[tuple[int, int]] = frozenset()  # (mentee id, mentor id) an administrator ruled out
    already_matched: frozenset[tuple[int, int]] = frozenset()  # pairs that had a relationship in this program
    locked: frozenset[tuple[int, int]] = frozenset()  # pairs an administrator pinned; kept whenever possible
    # How many mentors offer each skill. None counts the mentors of this run; a caller may pass counts over a
    # wider pool (for example the whole organisation) together with that pool's size.
    skill_supply: Mapping[int, int] | None = None
    mentor_pool_size: int | None = None
    sponsor_min_gap: int = 2  # sponsorship: the sponsor must be at least this many levels above
    reference_date: datetime.date = datetime.date(2025, 1, 15)  # the day whose UTC offsets count (DST matters)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown program kind {self.kind!r}")
        if self.sponsor_min_gap < 0:
            raise ValueError("sponsor_min_gap must be zero or more")


@dataclass(frozen=True, slots=True)
class MatchingProblem:
    mentees: tuple[Mentee, ...]
    mentors: tuple[Mentor, ...]
    settings: ProgramSettings = field(default_factory=ProgramSettings)

    def __post_init__(self) -> None:
        for what, people in (("mentee", self.mentees), ("mentor", self.mentors)):
            ids = [p.id for p in people]
            if len(set(ids)) != len(ids):
                raise ValueError(f"{what} ids must be unique")
        for mentor in self.mentors:
            if mentor.capacity < 0:
                raise ValueError(f"mentor {mentor.id} has a negative capacity")


# -- compatibility ------------------------------------------------------------------------------------------


class Ingredient(StrEnum):
    """What a reason or a penalty is about; explain.py turns each into a sentence."""

    SKILL = "skill"
    CATEGORY = "category"
    SENIORITY = "seniority"
    TIME_ZONE = "time_zone"
    LANGUAGE = "language"
    OUTSIDE_TEAM = "outside_team"
    WISH = "wish"


@dataclass(frozen=True, slots=True)
class ScoreItem:
    """One reason for (or against) a pair, with the points it contributed.

    Only the fields that make sense for ``ingredient`` are filled in: ``skills`` for a skill, ``categories``
    for a category, ``levels`` (the mentor's seniority minus the mentee's) for seniority, ``minutes`` of shared
    working time a week for a time zone, ``rank`` for a wish.
    """

    ingredient: Ingredient
    points: float
    skills: tuple[int, ...] = ()
    rare: bool = False  # at least one of ``skills`` is offered by few mentors
    categories: tuple[str, ...] = ()
    levels: int = 0
    minutes: int = 0
    languages: tuple[str, ...] = ()
    rank: int = 0
    kind: Kind = "mentoring"


@dataclass(frozen=True, slots=True)
class Compatibility:
    score: float  # the sum of the reasons' points; penalties carry no points, they explain missing ones
    reasons: tuple[ScoreItem, ...]  # best first
    penalties: tuple[ScoreItem, ...]


# -- hard constraints ---------------------------------------------------------------------------------------


class Block(StrEnum):
    """Why a pair may never be proposed."""

    SAME_PERSON = "same_person"
    MANAGER = "manager"
    AVOIDED = "avoided"
    ALREADY_MATCHED = "already_matched"
    EXTERNAL_NOT_ALLOWED = "external_not_allowed"
    SPONSOR_TOO_JUNIOR = "sponsor_too_junior"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class Feasibility:
    blocks: tuple[Block, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.blocks

    def __bool__(self) -> bool:
        return self.ok


# -- results ------------------------------------------------------------------------------------------------


class UnmatchedReason(StrEnum):
    NO_FEASIBLE_MENTOR = "no feasible mentor"
    CAPACITY_EXHAUSTED = "capacity exhausted"


class LockProblem(StrEnum):
    NOT_FEASIBLE = "breaks a matching rule"
    UNKNOWN_PERSON = "refers to someone not in this run"
    MENTEE_LOCKED_TWICE = "the mentee has another locked pair"
    MENTOR_FULL = "the mentor has no place left"


@dataclass(frozen=True, slots=True)
class Match:
    mentee_id: int
    mentor_id: int
    score: float
    locked: bool = False


@dataclass(frozen=True, slots=True)
class Unmatched:
    mentee_id: int
    reason: UnmatchedReason
    feasible_mentors: int  # mentors that pass every pair rule, full or not


@dataclass(frozen=True, slots=True)
class DroppedLock:
    mentee_id: int
    mentor_id: int
    problem: LockProblem
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class SolveStats:
    """What the solver did, for logs and benchmarks."""

    method: str = ""
    candidate_edges: int = 0
    candidate_rounds: int = 0
    certified_optimal: bool = False  # prices prove that no pair, candidate or not, could improve the result
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class MatchResult:
    matches: tuple[Match, ...]
    unmatched: tuple[Unmatched, ...]
    dropped_locks: tuple[DroppedLock, ...]
    total_score: float
    mentee_count: int
    summary: str
    stats: SolveStats = field(default_factory=SolveStats)

    @property
    def matched_count(self) -> int:
        return len(self.matches)

    def mentor_of(self) -> dict[int, int]:
        return {m.mentee_id: m.mentor_id for m in self.matches}
