"""Compatibility scores, hard rules and their plain-words explanations (pure: no database)."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.engine.constraints import check_pair
from matching.engine.explain import (
    Names,
    block_text,
    explain_pair,
    lock_text,
    penalty_text,
    reason_text,
    unmatched_text,
)
from matching.engine.pairs import PairScorer
from matching.engine.scoring import (
    SCALE,
    ScoringContext,
    compatibility,
    rarity_factor,
    wish_rank,
)
from matching.engine.types import (
    KINDS,
    Block,
    DroppedLock,
    Ingredient,
    LockProblem,
    MatchingProblem,
    Mentee,
    Mentor,
    ProgramSettings,
    Unmatched,
    UnmatchedReason,
    Weights,
)

PYTHON, SQL, RUST = 1, 2, 3

# -- random small programs (also used by test_matching_solver.py) --------------------------------------------

ZONES = ("UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Asia/Tokyo", "Mars/Olympus_Mons")
LANGUAGES = ("en", "es", "de")
CATEGORIES = ("skills", "career", "culture")
DEPARTMENTS = ("", "sales", "engineering")
# Saved working hours: the default, early birds, a split Tuesday, and every day round the clock.
HOURS = (
    None,
    tuple((d, 7 * 60, 15 * 60) for d in range(5)),
    ((1, 8 * 60, 12 * 60), (1, 14 * 60, 18 * 60)),
    tuple((d, 0, 1440) for d in range(7)),
)


@st.composite
def problems(
    draw: st.DrawFn, max_mentees: int = 6, max_mentors: int = 4, max_capacity: int = 2, locks: bool = True
) -> MatchingProblem:
    """Small programs where every rule and every ingredient gets a chance to matter."""
    n_mentors = draw(st.integers(0, max_mentors))
    n_mentees = draw(st.integers(0, max_mentees))
    mentor_ids = [10 + j for j in range(n_mentors)]
    mentee_ids = [1 + i for i in range(n_mentees)]
    mentor_users = [draw(st.sampled_from([100 + j, *mentee_ids])) if mentee_ids else 100 + j for j in range(n_mentors)]
    skill_sets = st.frozensets(st.integers(1, 4), max_size=3)

    def common() -> dict[str, object]:
        return {
            "department": draw(st.sampled_from(DEPARTMENTS)),
            "seniority": draw(st.integers(1, 8)),
            "time_zone": draw(st.sampled_from(ZONES)),
            "hours": draw(st.sampled_from(HOURS)),
            "languages": draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=2)),
        }

    mentors = tuple(
        Mentor(
            id=mentor_ids[j],
            user_id=mentor_users[j],
            skills=draw(skill_sets),
            categories=draw(st.frozensets(st.sampled_from(CATEGORIES))),
            capacity=draw(st.integers(0, max_capacity)),
            is_external=draw(st.booleans()),
            **common(),  # type: ignore[arg-type]
        )
        for j in range(n_mentors)
    )
    some_mentors = st.frozensets(st.sampled_from(mentor_ids)) if mentor_ids else st.just(frozenset())
    mentees = tuple(
        Mentee(
            id=mentee_ids[i],
            user_id=mentee_ids[i],
            manager_chain=draw(st.frozensets(st.sampled_from([*mentor_users, 999]), max_size=2)),
            growth_areas=draw(skill_sets),
            goal_categories=draw(st.frozensets(st.sampled_from(CATEGORIES))),
            prefers_outside_team=draw(st.booleans()),
            wishes=tuple(draw(st.lists(st.sampled_from([*mentor_ids, 77]), max_size=6))),
            avoid=draw(some_mentors) if draw(st.integers(0, 3)) == 0 else frozenset(),
            is_external=draw(st.integers(0, 5)) == 0,
            open_to_external=draw(st.booleans()),
            **common(),  # type: ignore[arg-type]
        )
        for i in range(n_mentees)
    )
    pairs = (
        st.frozensets(st.tuples(st.sampled_from(mentee_ids), st.sampled_from(mentor_ids)), max_size=3)
        if mentee_ids and mentor_ids
        else st.just(frozenset())
    )
    weights = draw(
        st.one_of(
            st.just(Weights()),
            st.builds(Weights, *[st.integers(0, 500).map(lambda x: x / 100) for _ in range(7)]),
        )
    )
    program = ProgramSettings(
        kind=draw(st.sampled_from(KINDS)),
        allow_external=draw(st.booleans()),
        weights=weights,
        forbidden=draw(pairs),
        already_matched=draw(pairs),
        locked=draw(pairs) if locks else frozenset(),
        sponsor_min_gap=draw(st.integers(0, 3)),
    )
    return MatchingProblem(mentees, mentors, program)


def mentee(**fields: object) -> Mentee:
    base: dict[str, object] = {"id": 1, "user_id": 1, "seniority": 2, "languages": frozenset({"en"})}
    return Mentee(**{**base, **fields})  # type: ignore[arg-type]


def mentor(**fields: object) -> Mentor:
    base: dict[str, object] = {"id": 10, "user_id": 10, "seniority": 4, "languages": frozenset({"en"})}
    return Mentor(**{**base, **fields})  # type: ignore[arg-type]


def context_for(*mentors: Mentor, **settings_fields: object) -> ScoringContext:
    return ScoringContext.build(ProgramSettings(**settings_fields), mentors)  # type: ignore[arg-type]


def items(result: object, ingredient: Ingredient, *, penalties: bool = False) -> list:
    pool = result.penalties if penalties else result.reasons  # type: ignore[attr-defined]
    return [item for item in pool if item.ingredient == ingredient]


# -- the score and its reasons ------------------------------------------------------------------------------


def test_score_is_the_sum_of_its_reasons_and_reasons_come_strongest_first() -> None:
    t = mentor(skills=frozenset({PYTHON}), time_zone="Europe/Berlin", categories=frozenset({"career"}))
    s = mentee(growth_areas=frozenset({PYTHON}), time_zone="Europe/Berlin", goal_categories=frozenset({"career"}))
    result = compatibility(s, t, context_for(t))
    assert result.score == pytest.approx(sum(item.points for item in result.reasons))
    points = [item.points for item in result.reasons]
    assert points == sorted(points, reverse=True)
    assert all(item.points == 0 for item in result.penalties)


def test_shared_growth_area_is_a_reason_naming_the_skill() -> None:
    t = mentor(skills=frozenset({PYTHON, RUST}))
    result = compatibility(mentee(growth_areas=frozenset({PYTHON, SQL})), t, context_for(t))
    (skill,) = items(result, Ingredient.SKILL)
    assert skill.skills == (PYTHON,)
    assert reason_text(skill, Names(skills={PYTHON: "Python"})) == "offers Python, which you want to grow in"


def test_no_shared_growth_area_is_a_penalty() -> None:
    t = mentor(skills=frozenset({RUST}))
    result = compatibility(mentee(growth_areas=frozenset({PYTHON})), t, context_for(t))
    assert not items(result, Ingredient.SKILL)
    (penalty,) = items(result, Ingredient.SKILL, penalties=True)
    assert penalty_text(penalty) == "offers none of the areas you want to grow in"


def test_rare_skills_are_worth_more_than_common_ones() -> None:
    common = [mentor(id=100 + k, user_id=100 + k, skills=frozenset({PYTHON})) for k in range(19)]
    rare_one = mentor(id=99, user_id=99, skills=frozenset({PYTHON, RUST}))
    context = context_for(*common, rare_one)
    assert context.skill_value(RUST) > context.skill_value(PYTHON)
    wants_rust = compatibility(mentee(growth_areas=frozenset({RUST})), rare_one, context)
    wants_python = compatibility(mentee(growth_areas=frozenset({PYTHON})), rare_one, context)
    assert wants_rust.score > wants_python.score
    assert items(wants_rust, Ingredient.SKILL)[0].rare
    assert not items(wants_python, Ingredient.SKILL)[0].rare


def test_rarity_factor_runs_from_one_to_three() -> None:
    assert rarity_factor(100, 100) == 1.0
    assert rarity_factor(10, 100) == pytest.approx(2.0)
    assert rarity_factor(1, 1000) == 3.0
    assert rarity_factor(0, 10) == 3.0


def test_rarity_can_come_from_a_wider_pool_than_the_run() -> None:
    t = mentor(skills=frozenset({PYTHON}))
    wide = context_for(t, skill_supply={PYTHON: 1}, mentor_pool_size=1000)
    narrow = context_for(t)
    assert wide.skill_value(PYTHON) > narrow.skill_value(PYTHON)


def test_goal_categories_count_each_shared_one() -> None:
    t = mentor(categories=frozenset({"career", "onboarding", "culture"}))
    result = compatibility(mentee(goal_categories=frozenset({"career", "onboarding", "project"})), t, context_for(t))
    (category,) = items(result, Ingredient.CATEGORY)
    assert category.categories == ("career", "onboarding")
    assert category.points == pytest.approx(2 * Weights().category)
    assert reason_text(category) == "can help with career advancement and onboarding, two of your goals"


def test_time_zones_share_working_hours() -> None:
    t = mentor(time_zone="Europe/London")
    result = compatibility(mentee(time_zone="America/New_York"), t, context_for(t))
    (zone,) = items(result, Ingredient.TIME_ZONE)
    # Three hours on each of the five weekdays.
    assert zone.minutes == 5 * 3 * 60
    assert reason_text(zone) == "15 hours of shared working time a week"
    assert zone.points == pytest.approx(Weights().time_zone * 3 / 8)


def test_half_hour_zones_and_same_zone() -> None:
    # Kolkata is five and a half hours ahead of London in January: two and a half shared hours a weekday.
    t = mentor(time_zone="Europe/London")
    (zone,) = items(compatibility(mentee(time_zone="Asia/Kolkata"), t, context_for(t)), Ingredient.TIME_ZONE)
    assert zone.minutes == 5 * 150
    t = mentor(time_zone="Asia/Kolkata")
    (zone,) = items(compatibility(mentee(time_zone="Asia/Kolkata"), t, context_for(t)), Ingredient.TIME_ZONE)
    assert reason_text(zone) == "works the same hours as you"


def test_working_days_wrap_around_midnight() -> None:
    # Auckland (+13 in January) and Honolulu (-10) are 23 hours apart: an Auckland morning is the Honolulu
    # afternoon before, seven shared hours on the four evenings whose next day is also a weekday in Auckland.
    t = mentor(time_zone="Pacific/Honolulu")
    (zone,) = items(compatibility(mentee(time_zone="Pacific/Auckland"), t, context_for(t)), Ingredient.TIME_ZONE)
    assert zone.minutes == 4 * 7 * 60


def test_the_reference_date_decides_daylight_saving() -> None:
    # Between the US and the EU switch to summer time, New York and Berlin are five hours apart, not six.
    t = mentor(time_zone="Europe/Berlin")
    s = mentee(time_zone="America/New_York")
    winter = items(compatibility(s, t, context_for(t, reference_date=datetime.date(2025, 1, 15))), Ingredient.TIME_ZONE)
    spring = items(compatibility(s, t, context_for(t, reference_date=datetime.date(2025, 3, 20))), Ingredient.TIME_ZONE)
    assert winter[0].minutes == 5 * 2 * 60
    assert spring[0].minutes == 5 * 3 * 60


def test_saved_working_hours_decide_the_shared_time() -> None:
    # A Londoner who works 12:00-20:00 shares six hours a day with New York's 09:00-17:00 in January.
    t = mentor(time_zone="Europe/London", hours=tuple((d, 12 * 60, 20 * 60) for d in range(5)))
    (zone,) = items(compatibility(mentee(time_zone="America/New_York"), t, context_for(t)), Ingredient.TIME_ZONE)
    assert zone.minutes == 5 * 6 * 60
    # Someone free on Tuesdays only shares Tuesday.
    tuesday = mentee(time_zone="Europe/London", hours=((1, 9 * 60, 17 * 60),))
    (zone,) = items(compatibility(tuesday, t, context_for(t)), Ingredient.TIME_ZONE)
    assert zone.minutes == 5 * 60
    assert penalty_text(items(compatibility(tuesday, t, context_for(t)), Ingredient.TIME_ZONE, penalties=True)[0]) == (
        "only 5 hours of shared working time a week"
    )


def test_weeks_wrap_around_the_date_line() -> None:
    # Auckland's Tuesday to Friday meet Honolulu's Monday to Thursday for seven hours each (23 hours apart).
    t = mentor(time_zone="Pacific/Auckland")
    (zone,) = items(compatibility(mentee(time_zone="Pacific/Honolulu"), t, context_for(t)), Ingredient.TIME_ZONE)
    assert zone.minutes == 4 * 7 * 60


def test_far_apart_or_unknown_zones_are_penalties() -> None:
    t = mentor(time_zone="Asia/Tokyo")
    far = compatibility(mentee(time_zone="Europe/London"), t, context_for(t))
    assert not items(far, Ingredient.TIME_ZONE)
    assert penalty_text(items(far, Ingredient.TIME_ZONE, penalties=True)[0]) == "no working hours in common"
    unknown = compatibility(mentee(time_zone="Mars/Olympus_Mons"), t, context_for(t))
    (penalty,) = items(unknown, Ingredient.TIME_ZONE, penalties=True)
    assert penalty.minutes == -1
    assert "unknown time zone" in penalty_text(penalty)


def test_shared_language_or_its_absence() -> None:
    t = mentor(languages=frozenset({"es", "en"}))
    shared = compatibility(mentee(languages=frozenset({"es"})), t, context_for(t))
    assert reason_text(items(shared, Ingredient.LANGUAGE)[0]) == "you both speak Spanish"
    none = compatibility(mentee(languages=frozenset({"de"})), t, context_for(t))
    assert not items(none, Ingredient.LANGUAGE)
    assert penalty_text(items(none, Ingredient.LANGUAGE, penalties=True)[0]) == "no shared language"


def test_outside_team_preference() -> None:
    other_team = mentor(department="sales")
    same_team = mentor(department="engineering")
    asks = mentee(department="engineering", prefers_outside_team=True)
    context = context_for(other_team)
    granted = compatibility(asks, other_team, context)
    assert reason_text(items(granted, Ingredient.OUTSIDE_TEAM)[0]) == "outside your team, as you asked"
    refused = compatibility(asks, same_team, context)
    assert items(refused, Ingredient.OUTSIDE_TEAM, penalties=True)
    indifferent = compatibility(mentee(department="engineering"), other_team, context)
    assert not items(indifferent, Ingredient.OUTSIDE_TEAM) and not items(
        indifferent, Ingredient.OUTSIDE_TEAM, penalties=True
    )
    unknown = compatibility(mentee(prefers_outside_team=True), other_team, context)
    assert not items(unknown, Ingredient.OUTSIDE_TEAM) and not items(unknown, Ingredient.OUTSIDE_TEAM, penalties=True)


def test_wishes_rank_one_is_worth_most() -> None:
    t = mentor(id=10)
    context = context_for(t)
    first = items(compatibility(mentee(wishes=(10, 11)), t, context), Ingredient.WISH)[0]
    fifth = items(compatibility(mentee(wishes=(11, 12, 13, 14, 10)), t, context), Ingredient.WISH)[0]
    assert first.rank == 1 and fifth.rank == 5
    assert first.points == pytest.approx(Weights().wish)
    assert fifth.points == pytest.approx(Weights().wish / 5)
    assert reason_text(first) == "your first choice"


def test_only_five_distinct_wishes_count() -> None:
    assert wish_rank(mentee(wishes=(11, 11, 12, 13, 14, 10)), 10) == 5  # the repeat does not push 10 out
    assert wish_rank(mentee(wishes=(11, 12, 13, 14, 15, 10)), 10) == 0


def test_weights_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="skill"):
        Weights(skill=-1)


def test_custom_weights_change_the_balance() -> None:
    t = mentor(skills=frozenset({PYTHON}), languages=frozenset({"en"}))
    s = mentee(growth_areas=frozenset({PYTHON}), languages=frozenset({"en"}))
    skill_heavy = context_for(t, weights=Weights(skill=10, language=0))
    result = compatibility(s, t, skill_heavy)
    assert result.reasons[0].ingredient == Ingredient.SKILL
    assert not items(result, Ingredient.LANGUAGE)  # worth nothing, so not a reason


# -- seniority: mentoring, sponsorship, reverse ------------------------------------------------------------


def seniority_item(kind: str, mentee_level: int, mentor_level: int) -> tuple[list, list]:
    t = mentor(seniority=mentor_level)
    result = compatibility(mentee(seniority=mentee_level), t, context_for(t, kind=kind))
    return items(result, Ingredient.SENIORITY), items(result, Ingredient.SENIORITY, penalties=True)


def test_mentoring_rewards_a_mentor_a_few_levels_up() -> None:
    (good,), _ = seniority_item("mentoring", 2, 4)
    assert good.points == pytest.approx(Weights().seniority)
    assert reason_text(good) == "2 levels more senior than you"
    (wide,), _ = seniority_item("mentoring", 1, 8)
    assert wide.points < good.points
    reasons, (penalty,) = seniority_item("mentoring", 5, 3)
    assert not reasons
    assert penalty_text(penalty) == "less senior than you"


def test_reverse_mentoring_flips_the_gap() -> None:
    (junior,), _ = seniority_item("reverse", 6, 4)
    assert junior.points == pytest.approx(Weights().seniority)
    assert "junior to you" in reason_text(junior)
    reasons, (penalty,) = seniority_item("reverse", 4, 6)
    assert not reasons
    assert "reverse mentoring" in penalty_text(penalty)


def test_sponsorship_requires_two_levels_and_is_a_hard_rule() -> None:
    program = ProgramSettings(kind="sponsorship")
    assert check_pair(mentee(seniority=3), mentor(seniority=5), program).ok
    assert check_pair(mentee(seniority=3), mentor(seniority=4), program).blocks == (Block.SPONSOR_TOO_JUNIOR,)
    stricter = ProgramSettings(kind="sponsorship", sponsor_min_gap=3)
    assert check_pair(mentee(seniority=3), mentor(seniority=5), stricter).blocks == (Block.SPONSOR_TOO_JUNIOR,)
    # Mentoring has no such rule: a senior-enough mentor is only a matter of points.
    assert check_pair(mentee(seniority=3), mentor(seniority=3), ProgramSettings()).ok
    (good,), _ = seniority_item("sponsorship", 2, 6)
    assert "senior enough to open doors" in reason_text(good)


# -- hard rules ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mentee_fields", "mentor_fields", "program_fields", "block"),
    [
        ({"user_id": 7}, {"user_id": 7}, {}, Block.SAME_PERSON),
        ({"manager_chain": frozenset({70, 10})}, {}, {}, Block.MANAGER),
        ({"avoid": frozenset({10})}, {}, {}, Block.AVOIDED),
        ({}, {}, {"already_matched": frozenset({(1, 10)})}, Block.ALREADY_MATCHED),
        ({}, {"is_external": True}, {}, Block.EXTERNAL_NOT_ALLOWED),
        ({"is_external": True}, {}, {}, Block.EXTERNAL_NOT_ALLOWED),
        ({"open_to_external": False}, {"is_external": True}, {"allow_external": True}, Block.EXTERNAL_NOT_ALLOWED),
        ({"seniority": 5}, {"seniority": 6}, {"kind": "sponsorship"}, Block.SPONSOR_TOO_JUNIOR),
        ({}, {}, {"forbidden": frozenset({(1, 10)})}, Block.FORBIDDEN),
    ],
)
def test_each_hard_rule(mentee_fields: dict, mentor_fields: dict, program_fields: dict, block: Block) -> None:
    feasibility = check_pair(mentee(**mentee_fields), mentor(**mentor_fields), ProgramSettings(**program_fields))
    assert not feasibility.ok
    assert feasibility.blocks == (block,)
    assert block_text(block)


def test_external_mentor_allowed_where_the_program_allows_it() -> None:
    assert check_pair(mentee(), mentor(is_external=True), ProgramSettings(allow_external=True)).ok


def test_every_broken_rule_is_reported() -> None:
    feasibility = check_pair(
        mentee(user_id=10, avoid=frozenset({10})), mentor(), ProgramSettings(forbidden=frozenset({(1, 10)}))
    )
    assert feasibility.blocks == (Block.SAME_PERSON, Block.AVOIDED, Block.FORBIDDEN)


def test_a_manager_further_up_the_chain_is_also_blocked() -> None:
    grand_boss = mentor(user_id=99)
    assert check_pair(mentee(manager_chain=frozenset({50, 99})), grand_boss, ProgramSettings()).blocks == (
        Block.MANAGER,
    )
    assert check_pair(mentee(manager_chain=frozenset({50})), grand_boss, ProgramSettings()).ok


# -- explanations -------------------------------------------------------------------------------------------


def test_explain_pair_gives_top_reasons_and_penalties_in_words() -> None:
    t = mentor(skills=frozenset({PYTHON}), time_zone="Europe/London", department="sales", languages=frozenset({"fr"}))
    s = mentee(
        growth_areas=frozenset({PYTHON}),
        time_zone="America/New_York",
        department="engineering",
        prefers_outside_team=True,
        wishes=(10,),
    )
    explanation = explain_pair(s, t, context_for(t), names=Names(skills={PYTHON: "Python"}), top=4)
    assert explanation.reasons[0] == "your first choice"
    assert "offers Python, which you want to grow in" in explanation.reasons
    assert "outside your team, as you asked" in explanation.reasons
    assert "no shared language" in explanation.penalties
    assert explanation.score == pytest.approx(compatibility(s, t, context_for(t)).score)


def test_unmatched_and_lock_sentences() -> None:
    assert "already full" in unmatched_text(Unmatched(1, UnmatchedReason.CAPACITY_EXHAUSTED, 3))
    assert "no mentor fits" in unmatched_text(Unmatched(1, UnmatchedReason.NO_FEASIBLE_MENTOR, 0))
    text = lock_text(DroppedLock(1, 10, LockProblem.NOT_FEASIBLE, (Block.MANAGER,)))
    assert "breaks a matching rule" in text and "reporting line" in text


def test_unknown_names_fall_back_to_something_readable() -> None:
    t = mentor(skills=frozenset({42}), languages=frozenset({"xx"}))
    s = mentee(growth_areas=frozenset({42}), languages=frozenset({"xx"}))
    explanation = explain_pair(s, t, context_for(t), top=10)
    assert "offers skill #42, which you want to grow in" in explanation.reasons
    assert "you both speak xx" in explanation.reasons


# -- the vectorised scorer agrees with the one-pair scorer --------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(problems())
def test_block_scores_equal_pair_scores_and_rules(problem: MatchingProblem) -> None:
    scorer = PairScorer(problem)
    matrix = scorer.all_scores()
    assert matrix.shape == (len(problem.mentees), len(problem.mentors))
    for i, s in enumerate(problem.mentees):
        for j, t in enumerate(problem.mentors):
            if check_pair(s, t, problem.settings).ok:
                assert matrix[i, j] == round(compatibility(s, t, scorer.context).score * SCALE)
            else:
                assert matrix[i, j] == scorer.infeasible
    assert np.array_equal(scorer.feasible_counts(), (matrix >= 0).sum(axis=1))


@settings(max_examples=60, deadline=None)
@given(problems(max_mentees=8, max_mentors=8), st.randoms(use_true_random=False))
def test_reordered_columns_and_row_subsets_agree(problem: MatchingProblem, rnd: object) -> None:
    scorer = PairScorer(problem)
    matrix = scorer.all_scores()
    order = np.arange(scorer.m)
    rnd.shuffle(order)  # type: ignore[attr-defined]
    view = scorer.reorder_mentors(order)
    rows = np.arange(scorer.n)[::-1].copy()
    stop = scorer.m // 2
    assert np.array_equal(view.block(rows, stop), matrix[rows][:, order[:stop]])
