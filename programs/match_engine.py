"""The seam between the Django side and the pure matching engine: solving, scoring and plain-words reasons."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.models import Skill
from programs.match_selectors import MatchingInput
from programs.matching.scoring import ScoringContext, compatibility
from programs.matching.solver import solve as solve_certified
from programs.matching.types import Ingredient, MatchingProblem, MatchResult, Mentee, Mentor, ScoreItem
from programs.models import GoalCategory

_LANGUAGES = dict(LANGUAGE_CHOICES)
_CATEGORIES = dict(GoalCategory.choices)


def problem_of(data: MatchingInput) -> MatchingProblem:
    return MatchingProblem(mentees=tuple(data.mentees), mentors=tuple(data.mentors), settings=data.settings)


def solve(data: MatchingInput) -> MatchResult:
    # Vectorised scoring, a candidate graph solved exactly and a price check over every pair left out, which
    # certifies the result optimal for the whole program (see programs/matching/solver.py).
    return solve_certified(problem_of(data))


def score_context(data: MatchingInput) -> ScoringContext:
    return ScoringContext.build(data.settings, data.mentors, data.mentees)


def skill_names(data: MatchingInput) -> dict[int, str]:
    """Names of every skill the run's mentees want, loaded once for all the explanations."""
    wanted = set().union(*(m.growth_areas for m in data.mentees)) if data.mentees else set()
    return dict(Skill.objects.filter(pk__in=wanted).values_list("pk", "name"))


def _reason_text(item: ScoreItem, names: dict[int, str]) -> str:
    if item.ingredient == Ingredient.SKILL:
        skills = ", ".join(names.get(i, "?") for i in item.skills)
        text = _("offers %(skills)s, which the mentee wants to grow in") % {"skills": skills}
        return text + (_(" (a rare skill here)") if item.rare else "")
    if item.ingredient == Ingredient.CATEGORY:
        labels = ", ".join(str(_CATEGORIES.get(c, c.removeprefix("custom:"))) for c in item.categories)
        return _("can help with %(categories)s") % {"categories": labels.lower()}
    if item.ingredient == Ingredient.SENIORITY:
        levels = abs(item.levels)
        return ngettext(
            "%(n)s seniority level apart, a good distance",
            "%(n)s seniority levels apart, a good distance",
            levels,
        ) % {"n": levels}
    if item.ingredient == Ingredient.TIME_ZONE:
        hours = round(item.minutes / 60)
        return ngettext("%(n)s hour of shared working time", "%(n)s hours of shared working time", hours) % {"n": hours}
    if item.ingredient == Ingredient.LANGUAGE:
        return _("both speak %(languages)s") % {
            "languages": ", ".join(str(_LANGUAGES.get(code, code)) for code in item.languages)
        }
    if item.ingredient == Ingredient.OUTSIDE_TEAM:
        return _("from outside the mentee's team, as they asked")
    if item.ingredient == Ingredient.WISH:
        return _("the mentee's wish number %(rank)s") % {"rank": item.rank}
    return str(item.ingredient)


def _penalty_text(item: ScoreItem) -> str:
    texts = {
        Ingredient.SKILL: _("offers none of the areas the mentee wants to grow in"),
        Ingredient.CATEGORY: _("none of the mentee's goal categories"),
        Ingredient.SENIORITY: _("the seniority gap is not ideal"),
        Ingredient.TIME_ZONE: _("little or no shared working time"),
        Ingredient.LANGUAGE: _("no shared language"),
        Ingredient.OUTSIDE_TEAM: _("from the mentee's own team, though they asked for someone outside it"),
    }
    return str(texts.get(item.ingredient, item.ingredient))


def explain_pair(
    mentee: Mentee, mentor: Mentor, context: ScoringContext, names: dict[int, str]
) -> tuple[float, list[dict[str, object]], list[dict[str, object]]]:
    """The pair's score with its reasons and penalties in plain words, ready to store and show."""
    result = compatibility(mentee, mentor, context)
    reasons = [{"text": _reason_text(item, names), "points": round(item.points, 2)} for item in result.reasons]
    penalties = [{"text": _penalty_text(item)} for item in result.penalties]
    return round(result.score, 2), reasons, penalties
