"""How well a mentee and a mentor fit, as points plus the reasons behind them.

Every ingredient is worth a whole number of hundredths of a point, looked up in small tables prepared once per
run (``ScoringContext``). The same tables feed the vectorised scorer in pairs.py, so one pair scored either way
gives exactly the same number, and the solver can work in exact integer arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .types import Compatibility, Ingredient, Kind, Mentee, Mentor, ProgramSettings, ScoreItem, Weights
from .weekly import UtcWeek, overlap_minutes, utc_week

SCALE = 100  # points are stored as whole hundredths: finer than anyone can tell apart, small enough for int16
WORKDAY_MINUTES = 8 * 60  # 09:00-17:00 local
# Shared working time is counted over a week of both people's hours: a full working week in common (five
# days of eight hours) earns the whole weight, and less than two hours a day on average is worth a penalty line.
FULL_WEEK_MINUTES = 5 * WORKDAY_MINUTES
SHORT_OVERLAP_MINUTES = 5 * 2 * 60
MAX_WISHES = 5
MAX_GAP = 16  # seniority gaps are clamped to +-MAX_GAP before the table lookup
RARE_FACTOR = 2.0  # a skill this rare (offered by a tenth of mentors or fewer) is called rare


def rarity_factor(supply: int, pool: int) -> float:
    """1 for a skill every mentor offers, 2 for one in ten, 3 (the cap) for one in a hundred or rarer."""
    if supply <= 0 or pool <= 0:
        return 3.0
    return 1.0 + min(2.0, max(0.0, math.log10(pool / supply)))


def seniority_fraction(kind: Kind, gap: int, sponsor_min_gap: int) -> float | None:
    """Share of the seniority weight for ``gap`` = how far the helping side sits above the helped side.

    ``None`` means the pair is not allowed (sponsorship only). For reverse mentoring the caller flips the gap,
    so the same curve rewards a junior colleague who is a few levels below the senior one they help.
    """
    if kind == "sponsorship":
        if gap < sponsor_min_gap:
            return None
        return 0.75 if gap == sponsor_min_gap else 1.0
    if gap < 0:
        return 0.0
    if gap == 0:
        return 0.25  # a peer can help, but experience is part of the point
    if gap <= 3:
        return 1.0
    if gap == 4:
        return 0.75
    if gap == 5:
        return 0.5
    return 0.25  # so far apart that everyday advice gets harder


def effective_gap(kind: Kind, mentee_level: int, mentor_level: int) -> int:
    """Levels the helping side is above the helped side: reverse mentoring expects the mentor below."""
    gap = mentee_level - mentor_level if kind == "reverse" else mentor_level - mentee_level
    return max(-MAX_GAP, min(MAX_GAP, gap))


def _scaled(points: float) -> int:
    return round(points * SCALE)


@dataclass(frozen=True, slots=True)
class ScoringContext:
    """Everything per run that scoring needs, computed once: the scorer is called for millions of pairs."""

    settings: ProgramSettings
    skill_points: Mapping[int, int]  # hundredths per shared skill, rarity included
    rare_skills: frozenset[int]
    default_skill_points: int  # for a skill no mentor offers (cannot be shared, kept for completeness)
    weeks: Mapping[tuple[str, tuple[tuple[int, int, int], ...] | None], UtcWeek | None]
    seniority_points: Mapping[int, int | None]  # by effective gap; None = not allowed
    category_points: int
    language_points: int
    outside_points: int
    wish_points: tuple[int, ...]  # by rank - 1
    time_zone_points: int  # at a full shared day

    @classmethod
    def build(
        cls, settings: ProgramSettings, mentors: Iterable[Mentor], mentees: Iterable[Mentee] = ()
    ) -> ScoringContext:
        mentors = list(mentors)
        weights = settings.weights
        supply, pool = _skill_supply(settings, mentors)
        skill_points: dict[int, int] = {}
        rare: set[int] = set()
        for skill, count in supply.items():
            factor = rarity_factor(count, pool)
            skill_points[skill] = _scaled(weights.skill * factor)
            if factor >= RARE_FACTOR:
                rare.add(skill)
        keys = {(m.time_zone, m.hours) for m in mentors} | {(m.time_zone, m.hours) for m in mentees}
        weeks = {key: utc_week(key[1], key[0], settings.reference_date) for key in keys}
        return cls(
            settings=settings,
            skill_points=skill_points,
            rare_skills=frozenset(rare),
            default_skill_points=_scaled(weights.skill * rarity_factor(0, pool)),
            weeks=weeks,
            seniority_points=_seniority_table(settings),
            category_points=_scaled(weights.category),
            language_points=_scaled(weights.language),
            outside_points=_scaled(weights.outside_team),
            wish_points=tuple(_scaled(weights.wish * (MAX_WISHES + 1 - rank) / MAX_WISHES) for rank in range(1, 6)),
            time_zone_points=_scaled(weights.time_zone),
        )

    @property
    def weights(self) -> Weights:
        return self.settings.weights

    def week_of(self, person: Mentee | Mentor) -> UtcWeek | None:
        """The person's working hours on the weekly UTC ruler; None when their zone is unknown."""
        key = (person.time_zone, person.hours)
        if key not in self.weeks:
            return utc_week(person.hours, person.time_zone, self.settings.reference_date)
        return self.weeks[key]

    def skill_value(self, skill: int) -> int:
        return self.skill_points.get(skill, self.default_skill_points)

    def time_zone_value(self, minutes: int) -> int:
        """Points for ``minutes`` of shared working time a week, the whole weight at a full week."""
        return round(self.time_zone_points * min(minutes, FULL_WEEK_MINUTES) / FULL_WEEK_MINUTES)


def _skill_supply(settings: ProgramSettings, mentors: list[Mentor]) -> tuple[dict[int, int], int]:
    if settings.skill_supply is not None:
        supply = dict(settings.skill_supply)
        pool = settings.mentor_pool_size or max([len(mentors), *supply.values()])
    else:
        supply = {}
        for mentor in mentors:
            for skill in mentor.skills:
                supply[skill] = supply.get(skill, 0) + 1
        pool = len(mentors)
    # A skill offered in this run but missing from caller-provided counts still deserves a sensible value.
    for mentor in mentors:
        for skill in mentor.skills:
            supply.setdefault(skill, 1)
    return supply, pool


def _seniority_table(settings: ProgramSettings) -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for gap in range(-MAX_GAP, MAX_GAP + 1):
        fraction = seniority_fraction(settings.kind, gap, settings.sponsor_min_gap)
        table[gap] = None if fraction is None else _scaled(settings.weights.seniority * fraction)
    return table


def compatibility(mentee: Mentee, mentor: Mentor, context: ScoringContext) -> Compatibility:
    """Score one pair and say why. Hard rules are not checked here: see constraints.check_pair."""
    kind = context.settings.kind
    reasons: list[tuple[int, ScoreItem]] = []  # (hundredths, item)
    penalties: list[ScoreItem] = []

    def add(scaled: int, item_kind: Ingredient, **details: object) -> None:
        if scaled <= 0:
            return  # an ingredient the program weighs at zero is no reason for anything
        reasons.append((scaled, ScoreItem(item_kind, scaled / SCALE, kind=kind, **details)))  # type: ignore[arg-type]

    shared_skills = sorted(mentee.growth_areas & mentor.skills, key=lambda s: (-context.skill_value(s), s))
    if shared_skills:
        add(
            sum(context.skill_value(s) for s in shared_skills),
            Ingredient.SKILL,
            skills=tuple(shared_skills),
            rare=any(s in context.rare_skills for s in shared_skills),
        )
    elif mentee.growth_areas:
        penalties.append(ScoreItem(Ingredient.SKILL, 0.0, kind=kind))

    shared_categories = sorted(mentee.goal_categories & mentor.categories)
    if shared_categories:
        add(context.category_points * len(shared_categories), Ingredient.CATEGORY, categories=tuple(shared_categories))
    elif mentee.goal_categories:
        penalties.append(ScoreItem(Ingredient.CATEGORY, 0.0, kind=kind))

    gap = effective_gap(kind, mentee.seniority, mentor.seniority)
    levels = mentor.seniority - mentee.seniority
    if context.seniority_points[gap] is None or gap < 0:
        penalties.append(ScoreItem(Ingredient.SENIORITY, 0.0, levels=levels, kind=kind))
    elif seniority := context.seniority_points[gap] or 0:
        add(seniority, Ingredient.SENIORITY, levels=levels)

    mentee_week, mentor_week = context.week_of(mentee), context.week_of(mentor)
    minutes = overlap_minutes(mentee_week, mentor_week)
    zone_points = context.time_zone_value(minutes)
    if zone_points > 0:
        add(zone_points, Ingredient.TIME_ZONE, minutes=minutes)
    if minutes < SHORT_OVERLAP_MINUTES:
        unknown = mentee_week is None or mentor_week is None
        penalties.append(ScoreItem(Ingredient.TIME_ZONE, 0.0, minutes=-1 if unknown else minutes, kind=kind))

    shared_languages = sorted(mentee.languages & mentor.languages)
    if shared_languages:
        add(context.language_points, Ingredient.LANGUAGE, languages=tuple(shared_languages))
    else:
        penalties.append(ScoreItem(Ingredient.LANGUAGE, 0.0, kind=kind))

    if mentee.prefers_outside_team and mentee.department and mentor.department:
        if mentee.department != mentor.department:
            add(context.outside_points, Ingredient.OUTSIDE_TEAM)
        else:
            penalties.append(ScoreItem(Ingredient.OUTSIDE_TEAM, 0.0, kind=kind))

    rank = wish_rank(mentee, mentor.id)
    if rank:
        add(context.wish_points[rank - 1], Ingredient.WISH, rank=rank)

    reasons.sort(key=lambda pair: -pair[0])
    total = sum(scaled for scaled, _ in reasons)
    return Compatibility(score=total / SCALE, reasons=tuple(item for _, item in reasons), penalties=tuple(penalties))


def wish_rank(mentee: Mentee, mentor_id: int) -> int:
    """1 for the first wish, up to 5; 0 when the mentor is not among the counted wishes."""
    seen: set[int] = set()
    for wish in mentee.wishes:
        if wish in seen:
            continue  # a repeated wish does not push later ones down the list
        seen.add(wish)
        if wish == mentor_id:
            return len(seen)
        if len(seen) == MAX_WISHES:
            break
    return 0


def score_scaled(mentee: Mentee, mentor: Mentor, context: ScoringContext) -> int:
    """The pair's score in hundredths, without building reasons (used by tests and the greedy baseline)."""
    return round(compatibility(mentee, mentor, context).score * SCALE)
