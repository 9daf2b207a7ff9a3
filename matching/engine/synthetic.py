"""Random but plausible programs, for benchmarks and for trying the engine without real data.

The shape follows what a mid-sized organisation looks like: about ten departments of uneven size, ten time
zones from the Americas to Australia with the local languages that go with them, a handful of skills that
nearly everyone mentions and a long tail of rare ones, mentees mostly junior and mentors mostly senior,
managers who sometimes volunteer as mentors themselves, and a minority of mentees with explicit wishes.
"""

from __future__ import annotations

import numpy as np

from .types import Kind, MatchingProblem, Mentee, Mentor, ProgramSettings

DEPARTMENTS = (
    ("Engineering", 0.28),
    ("Sales", 0.14),
    ("Operations", 0.12),
    ("Customer Success", 0.1),
    ("Marketing", 0.08),
    ("Product", 0.08),
    ("Finance", 0.06),
    ("People", 0.05),
    ("Legal", 0.04),
    ("Research", 0.05),
)
ZONES = (  # zone, share of staff, local language and how many speak it
    ("America/Los_Angeles", 0.14, "es", 0.2),
    ("America/New_York", 0.2, "es", 0.15),
    ("America/Sao_Paulo", 0.06, "pt", 0.95),
    ("Europe/London", 0.12, "fr", 0.1),
    ("Europe/Berlin", 0.14, "de", 0.75),
    ("Africa/Lagos", 0.03, "yo", 0.4),
    ("Asia/Kolkata", 0.12, "hi", 0.6),
    ("Asia/Singapore", 0.08, "zh", 0.45),
    ("Asia/Tokyo", 0.05, "ja", 0.9),
    ("Australia/Sydney", 0.06, "en", 0.0),
)
CATEGORIES = ("skills", "onboarding", "project", "career", "culture")
POPULAR_SKILLS = 10
RARE_SKILLS = 390
MENTEE_LEVELS = (0.2, 0.25, 0.22, 0.15, 0.1, 0.08)  # levels 1..6
MENTOR_LEVELS = (0.1, 0.2, 0.25, 0.2, 0.15, 0.1)  # levels 3..8
OUTSIDER_USER_IDS = 10_000_000  # managers who are not in the program get ids from here on


def _pick(rng: np.random.Generator, weights: tuple[float, ...], size: int) -> np.ndarray:
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _skill_sets(rng: np.random.Generator, counts: np.ndarray, popular_share: float) -> list[frozenset[int]]:
    """Skill ids: 1..10 are the popular ones, the rest follow a long tail."""
    total = int(counts.sum())
    popular = rng.random(total) < popular_share
    rare_rank = np.minimum(rng.zipf(1.3, total), RARE_SKILLS)
    ids = np.where(popular, rng.integers(1, POPULAR_SKILLS + 1, total), POPULAR_SKILLS + rare_rank)
    out, start = [], 0
    for c in counts:
        out.append(frozenset(int(x) for x in ids[start : start + c]))
        start += c
    return out


def _languages(rng: np.random.Generator, zones: np.ndarray) -> list[frozenset[str]]:
    english = rng.random(len(zones)) < 0.85
    local = rng.random(len(zones))
    out = []
    for k, z in enumerate(zones):
        _, _, language, share = ZONES[z]
        spoken = {"en"} if english[k] or language == "en" else set()
        if local[k] < share:
            spoken.add(language)
        out.append(frozenset(spoken or {language}))
    return out


def _categories(rng: np.random.Generator, size: int, low: int, high: int) -> list[frozenset[str]]:
    counts = rng.integers(low, high + 1, size)
    shuffled = np.argsort(rng.random((size, len(CATEGORIES))), axis=1)  # a random order per person
    return [frozenset(CATEGORIES[k] for k in shuffled[i, : counts[i]]) for i in range(size)]


def synthetic_program(
    mentees: int,
    mentors: int,
    seed: int = 0,
    *,
    kind: Kind = "mentoring",
    allow_external: bool = True,
    locked: int = 0,
) -> MatchingProblem:
    """A random program with ``mentees`` mentees and ``mentors`` mentors, reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    n, m = mentees, mentors
    dept_names = [d for d, _ in DEPARTMENTS]
    zone_names = [z for z, *_ in ZONES]

    t_dept = _pick(rng, tuple(w for _, w in DEPARTMENTS), m)
    t_zone = _pick(rng, tuple(w for _, w, *_ in ZONES), m)
    t_level = _pick(rng, MENTOR_LEVELS, m) + 3
    t_skills = _skill_sets(rng, rng.integers(2, 7, m), popular_share=0.45)
    t_langs = _languages(rng, t_zone)
    t_cats = _categories(rng, m, 1, 4)
    t_capacity = rng.integers(1, 6, m)
    t_external = rng.random(m) < 0.05
    # A few mentors are also enrolled as mentees (same user), which the same-person rule must catch.
    t_user = np.arange(n + 1, n + m + 1)
    twins = rng.random(m) < 0.02
    if n:
        t_user[twins] = rng.integers(1, n + 1, int(twins.sum()))
    mentor_list = tuple(
        Mentor(
            id=j + 1,
            user_id=int(t_user[j]),
            department=dept_names[t_dept[j]],
            seniority=int(t_level[j]),
            time_zone=zone_names[t_zone[j]],
            languages=t_langs[j],
            skills=t_skills[j],
            categories=t_cats[j],
            capacity=int(t_capacity[j]),
            is_external=bool(t_external[j]),
        )
        for j in range(m)
    )

    s_dept = _pick(rng, tuple(w for _, w in DEPARTMENTS), n)
    s_zone = _pick(rng, tuple(w for _, w, *_ in ZONES), n)
    s_level = _pick(rng, MENTEE_LEVELS, n) + 1
    s_growth = _skill_sets(rng, rng.integers(1, 5, n), popular_share=0.5)
    s_langs = _languages(rng, s_zone)
    s_cats = _categories(rng, n, 1, 3)
    s_outside = rng.random(n) < 0.4
    # Famous mentors attract most of the wishes.
    fame = rng.pareto(1.2, m) + 1 if m else np.zeros(0)
    fame = fame / fame.sum() if m else fame
    chains = _manager_chains(rng, s_level, s_dept, t_dept, t_level, t_user)
    wish_lists = _wishes(rng, n, m, fame)
    avoids = _avoids(rng, n, m)
    pairs = rng.integers(1, m + 1, (n, 2)) if m else np.zeros((n, 2), dtype=np.int64)
    special = rng.random((n, 2))
    already = {(i + 1, int(pairs[i, 0])) for i in np.flatnonzero(special[:, 0] < 0.005)} if m else set()
    forbidden = {(i + 1, int(pairs[i, 1])) for i in np.flatnonzero(special[:, 1] < 0.002)} if m else set()
    mentee_list = [
        Mentee(
            id=i + 1,
            user_id=i + 1,
            department=dept_names[s_dept[i]],
            manager_chain=chains[i],
            seniority=int(s_level[i]),
            time_zone=zone_names[s_zone[i]],
            languages=s_langs[i],
            growth_areas=s_growth[i],
            goal_categories=s_cats[i],
            prefers_outside_team=bool(s_outside[i]),
            wishes=wish_lists[i],
            avoid=avoids[i],
        )
        for i in range(n)
    ]
    settings = ProgramSettings(
        kind=kind,
        allow_external=allow_external,
        forbidden=frozenset(forbidden),
        already_matched=frozenset(already),
        locked=frozenset(_random_locks(rng, locked, n, m)),
    )
    return MatchingProblem(tuple(mentee_list), mentor_list, settings)


def _manager_chains(
    rng: np.random.Generator,
    levels: np.ndarray,
    departments: np.ndarray,
    mentor_departments: np.ndarray,
    mentor_levels: np.ndarray,
    mentor_users: np.ndarray,
) -> list[frozenset[int]]:
    """Two to five managers each; a step up is sometimes a senior mentor of the same department."""
    n = len(levels)
    lengths = rng.integers(2, 6, n)
    pick_mentor = rng.random((n, 5)) < 0.3
    outsiders = OUTSIDER_USER_IDS + rng.integers(0, 5000, (n, 5))
    draws = rng.random((n, 5))
    pools: dict[tuple[int, int], np.ndarray] = {}
    for d in range(len(DEPARTMENTS)):
        in_department = mentor_departments == d
        for level in range(1, 16):
            pools[d, level] = mentor_users[in_department & (mentor_levels > level)]
    chains = []
    for i in range(n):
        chain = set()
        for step in range(int(lengths[i])):
            pool = pools.get((int(departments[i]), int(levels[i]) + step), np.zeros(0, dtype=np.int64))
            if pick_mentor[i, step] and len(pool):
                chain.add(int(pool[int(draws[i, step] * len(pool))]))
            else:
                chain.add(int(outsiders[i, step]))
        chains.append(frozenset(chain))
    return chains


def _wishes(rng: np.random.Generator, n: int, m: int, fame: np.ndarray) -> list[tuple[int, ...]]:
    """A quarter of mentees name one to five mentors, mostly the famous ones."""
    if not m:
        return [()] * n
    wanting = rng.random(n) < 0.25
    counts = np.minimum(rng.integers(1, 6, n), m)
    picks = rng.choice(m, size=(n, 5), p=fame) + 1
    out: list[tuple[int, ...]] = []
    for i in range(n):
        out.append(tuple(dict.fromkeys(int(x) for x in picks[i, : counts[i]])) if wanting[i] else ())
    return out


def _avoids(rng: np.random.Generator, n: int, m: int) -> list[frozenset[int]]:
    if not m:
        return [frozenset()] * n
    avoiding = rng.random(n) < 0.03
    picks = rng.integers(1, m + 1, (n, 2))
    counts = rng.integers(1, 3, n)
    return [frozenset(int(x) for x in picks[i, : counts[i]]) if avoiding[i] else frozenset() for i in range(n)]


def _random_locks(rng: np.random.Generator, count: int, n: int, m: int) -> set[tuple[int, int]]:
    if not (count and n and m):
        return set()
    mentees = rng.choice(n, size=min(count, n), replace=False) + 1
    return {(int(i), int(rng.integers(1, m + 1))) for i in mentees}
