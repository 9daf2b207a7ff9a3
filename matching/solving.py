"""The seam between the Django side and the pure engine: solve a program's input, explain a pair in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from matching.engine.explain import READERS, Names, Voice, penalty_text, reason_text, sides
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
    people: dict[int, str] = field(default_factory=dict)  # first names by enrollment id
    written: dict[tuple[ScoreItem, bool, Voice], str] = field(default_factory=dict)

    def sentence(self, item: ScoreItem, *, penalty: bool, voice: Voice | None = None) -> str:
        voice = voice or Voice()
        key = (item, penalty, voice)
        if key not in self.written:
            write = penalty_text if penalty else reason_text
            self.written[key] = write(item, self.names, voice)
        return self.written[key]

    def voices(self, mentee: Mentee, mentor: Mentor) -> dict[str, Voice]:
        mentee_name, mentor_name = self.people.get(mentee.id, ""), self.people.get(mentor.id, "")
        return {reader: Voice(reader, mentee_name, mentor_name) for reader in READERS}

    def phrases(self, item: ScoreItem, voices: dict[str, Voice], *, penalty: bool) -> dict[str, object]:
        """One reason as stored on a proposal: a sentence for each reader, the mentee's also as ``text``."""
        written = {reader: self.sentence(item, penalty=penalty, voice=voice) for reader, voice in voices.items()}
        return {"text": written["mentee"], "for": written}


def phrasebook_for(data: MatchingInput) -> Phrasebook:
    """Names of every skill the run's mentees want, loaded once for all the explanations."""
    wanted = set().union(*(m.growth_areas for m in data.mentees)) if data.mentees else set()
    return Phrasebook(
        Names(
            skills=dict(Skill.objects.filter(pk__in=wanted).values_list("pk", "name")),
            categories={key: str(label) for key, label in GoalCategory.choices},
            languages={code: str(name) for code, name in LANGUAGE_CHOICES},
        ),
        people={pk: enrollment.user.get_short_name() for pk, enrollment in data.enrollments.items()},
    )


def explain_pair(
    mentee: Mentee, mentor: Mentor, context: ScoringContext, phrases: Phrasebook
) -> tuple[float, list[dict[str, object]], list[dict[str, object]]]:
    """The pair's score with its reasons and penalties in plain words for each reader, ready to store and show.

    No ingredient is both a reason and a penalty (see ``sides``); the score still counts every point.
    """
    result = compatibility(mentee, mentor, context)
    pluses, minuses = sides(result)
    voices = phrases.voices(mentee, mentor)
    reasons = [{**phrases.phrases(item, voices, penalty=False), "points": round(item.points, 2)} for item in pluses]
    penalties = [phrases.phrases(item, voices, penalty=True) for item in minuses]
    return round(result.score, 2), reasons, penalties
