"""The seam between the Django side and the pure engine: solve a program's input, explain a pair in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.engine.explain import Names, penalty_text, reason_text
from matching.engine.scoring import ScoringContext, compatibility
from matching.engine.solver import solve as solve_certified
from matching.engine.types import MatchingProblem, MatchResult, Mentee, Mentor, ScoreItem
from matching.inputs import MatchingInput
from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.models import Skill
from programs.models import GoalCategory


def problem_of(data: MatchingInput) -> MatchingProblem:
    return MatchingProblem(mentees=tuple(data.mentees), mentors=tuple(data.mentors), settings=data.settings)


def solve(data: MatchingInput) -> MatchResult:
    # Vectorised scoring, a candidate graph solved exactly and a price check over every pair left out, which
    # certifies the result optimal for the whole program (see matching/engine/solver.py).
    return solve_certified(problem_of(data))


def score_context(data: MatchingInput) -> ScoringContext:
    return ScoringContext.build(data.settings, data.mentors, data.mentees)


@dataclass
class Phrasebook:
    """The names a run's sentences need, and the sentences already written: runs repeat the same few reasons
    ("both speak English") thousands of times."""

    names: Names
    written: dict[tuple[ScoreItem, bool], str] = field(default_factory=dict)

    def sentence(self, item: ScoreItem, *, penalty: bool) -> str:
        key = (item, penalty)
        if key not in self.written:
            self.written[key] = penalty_text(item, self.names) if penalty else reason_text(item, self.names)
        return self.written[key]


def phrasebook_for(data: MatchingInput) -> Phrasebook:
    """Names of every skill the run's mentees want, loaded once for all the explanations."""
    wanted = set().union(*(m.growth_areas for m in data.mentees)) if data.mentees else set()
    return Phrasebook(
        Names(
            skills=dict(Skill.objects.filter(pk__in=wanted).values_list("pk", "name")),
            categories={key: str(label) for key, label in GoalCategory.choices},
            languages={code: str(name) for code, name in LANGUAGE_CHOICES},
        )
    )


def explain_pair(
    mentee: Mentee, mentor: Mentor, context: ScoringContext, phrases: Phrasebook
) -> tuple[float, list[dict[str, object]], list[dict[str, object]]]:
    """The pair's score with its reasons and penalties in plain words, ready to store and show."""
    result = compatibility(mentee, mentor, context)
    reasons = [
        {"text": phrases.sentence(item, penalty=False), "points": round(item.points, 2)} for item in result.reasons
    ]
    penalties = [{"text": phrases.sentence(item, penalty=True)} for item in result.penalties]
    return round(result.score, 2), reasons, penalties
