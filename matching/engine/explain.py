"""Plain-English sentences for scores, rule breaks and unmatched mentees.

Reasons and penalties are written to the mentee ("offers Python, which you want to grow in"); rule breaks
and unmatched reasons are written for the administrator. Callers pass names for skill ids, goal
categories and languages; anything without a name falls back to something readable rather than failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .scoring import FULL_WEEK_MINUTES, ScoringContext, compatibility
from .types import (
    Block,
    DroppedLock,
    Ingredient,
    LockProblem,
    Match,
    MatchingProblem,
    Mentee,
    Mentor,
    ScoreItem,
    Unmatched,
    UnmatchedReason,
)

CATEGORY_LABELS = {
    "skills": "skill development",
    "onboarding": "onboarding",
    "project": "joining a project",
    "career": "career advancement",
    "culture": "working within the culture",
}
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "hi": "Hindi",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "yo": "Yoruba",
    "zh": "Chinese",
}
ORDINALS = ("first", "second", "third", "fourth", "fifth")
COUNT_WORDS = ("no", "one", "two", "three", "four", "five")


@dataclass(frozen=True, slots=True)
class Names:
    """How to call things in sentences; each mapping may be partial."""

    skills: Mapping[int, str] | None = None
    categories: Mapping[str, str] | None = None
    languages: Mapping[str, str] | None = None

    def skill(self, skill: int) -> str:
        return (self.skills or {}).get(skill) or f"skill #{skill}"

    def category(self, code: str) -> str:
        label = (self.categories or {}).get(code) or CATEGORY_LABELS.get(code) or code.removeprefix("custom:")
        return label.lower()

    def language(self, code: str) -> str:
        return (self.languages or {}).get(code) or LANGUAGE_NAMES.get(code) or code


@dataclass(frozen=True, slots=True)
class Explanation:
    mentee_id: int
    mentor_id: int
    score: float
    reasons: tuple[str, ...]  # strongest first
    penalties: tuple[str, ...]


def _listing(words: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _hours(minutes: int) -> str:
    hours = minutes / 60
    text = f"{hours:g}" if hours == int(hours) else f"{hours:.1f}"
    return f"{text} hour" + ("" if hours == 1 else "s")


def _count(n: int) -> str:
    return COUNT_WORDS[n] if n < len(COUNT_WORDS) else str(n)


def reason_text(item: ScoreItem, names: Names | None = None) -> str:
    """One reason in plain words, addressed to the mentee."""
    names = names or Names()
    match item.ingredient:
        case Ingredient.SKILL:
            text = f"offers {_listing([names.skill(s) for s in item.skills])}, which you want to grow in"
            return text + (", and few mentors here do" if item.rare else "")
        case Ingredient.CATEGORY:
            labels = _listing([names.category(c) for c in item.categories])
            return f"can help with {labels}, " + (
                "one of your goals" if len(item.categories) == 1 else f"{_count(len(item.categories))} of your goals"
            )
        case Ingredient.SENIORITY:
            return _seniority_reason(item)
        case Ingredient.TIME_ZONE:
            if item.minutes >= FULL_WEEK_MINUTES:
                return "works the same hours as you"
            return f"{_hours(item.minutes)} of shared working time a week"
        case Ingredient.LANGUAGE:
            return f"you both speak {_listing([names.language(code) for code in item.languages])}"
        case Ingredient.OUTSIDE_TEAM:
            return "outside your team, as you asked"
        case Ingredient.WISH:
            rank = ORDINALS[item.rank - 1] if 0 < item.rank <= len(ORDINALS) else str(item.rank)
            return f"your {rank} choice"
    return str(item.ingredient)


def _seniority_reason(item: ScoreItem) -> str:
    levels = abs(item.levels)
    plural = "level" if levels == 1 else "levels"
    if item.kind == "reverse":
        if item.levels == 0:
            return "at your own level"
        return f"{levels} {plural} junior to you, with a fresh view from closer to the front line"
    if item.levels == 0:
        return "at your own level, a peer who has been there"
    if item.kind == "sponsorship":
        return f"{levels} {plural} above you, senior enough to open doors"
    if levels >= 6:
        return f"{levels} {plural} more senior than you, a wide gap"
    return f"{levels} {plural} more senior than you"


def penalty_text(item: ScoreItem, names: Names | None = None) -> str:
    """What speaks against the pair, addressed to the mentee."""
    match item.ingredient:
        case Ingredient.SKILL:
            return "offers none of the areas you want to grow in"
        case Ingredient.CATEGORY:
            return "cannot help with your goal categories"
        case Ingredient.SENIORITY:
            if item.kind == "reverse":
                return "more senior than you, which turns reverse mentoring on its head"
            if item.kind == "sponsorship":
                return "not senior enough to sponsor you"
            return "less senior than you"
        case Ingredient.TIME_ZONE:
            if item.minutes < 0:
                return "an unknown time zone, so shared hours are unclear"
            if item.minutes == 0:
                return "no working hours in common"
            return f"only {_hours(item.minutes)} of shared working time a week"
        case Ingredient.LANGUAGE:
            return "no shared language"
        case Ingredient.OUTSIDE_TEAM:
            return "in your own team, though you asked for someone outside it"
    return str(item.ingredient)


def block_text(block: Block, sponsor_min_gap: int = 2) -> str:
    """Why a pair may not be proposed, for the administrator."""
    texts = {
        Block.SAME_PERSON: "they are the same person",
        Block.MANAGER: "the mentor is the mentee's manager or higher up in their reporting line",
        Block.AVOIDED: "the mentee asked not to be paired with this mentor",
        Block.ALREADY_MATCHED: "they have already been paired in this program",
        Block.EXTERNAL_NOT_ALLOWED: "one of them is external and the pair is not open to external people",
        Block.SPONSOR_TOO_JUNIOR: f"a sponsor must be at least {sponsor_min_gap} levels above the person sponsored",
        Block.FORBIDDEN: "an administrator ruled this pair out",
    }
    return texts[block]


def unmatched_text(unmatched: Unmatched) -> str:
    if unmatched.reason == UnmatchedReason.CAPACITY_EXHAUSTED:
        n = unmatched.feasible_mentors
        return f"unmatched: {_count(n)} suitable mentor{'s are' if n != 1 else ' is'} already full"
    return "unmatched: no mentor fits the program's rules for this person"


def lock_text(lock: DroppedLock, sponsor_min_gap: int = 2) -> str:
    texts = {
        LockProblem.UNKNOWN_PERSON: "one of the two is not part of this matching run",
        LockProblem.MENTEE_LOCKED_TWICE: "the mentee is locked to another mentor with a better fit",
        LockProblem.MENTOR_FULL: "the mentor has no place left for another locked pair",
        LockProblem.NOT_FEASIBLE: "the pair breaks a matching rule",
    }
    text = f"lock not kept: {texts[lock.problem]}"
    if lock.blocks:
        text += " (" + "; ".join(block_text(b, sponsor_min_gap) for b in lock.blocks) + ")"
    return text


def explain_pair(
    mentee: Mentee, mentor: Mentor, context: ScoringContext, *, names: Names | None = None, top: int = 3
) -> Explanation:
    """The pair's score, its ``top`` strongest reasons and every penalty, in plain words."""
    result = compatibility(mentee, mentor, context)
    return Explanation(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        score=result.score,
        reasons=tuple(reason_text(item, names) for item in result.reasons[:top]),
        penalties=tuple(penalty_text(item, names) for item in result.penalties),
    )


def explain_matches(
    problem: MatchingProblem,
    matches: Sequence[Match],
    *,
    context: ScoringContext | None = None,
    names: Names | None = None,
    top: int = 3,
) -> list[Explanation]:
    """Explanations for the proposed pairs of a result, in the same order."""
    context = context or ScoringContext.build(problem.settings, problem.mentors, problem.mentees)
    mentees = {t.id: t for t in problem.mentees}
    mentors = {t.id: t for t in problem.mentors}
    return [explain_pair(mentees[m.mentee_id], mentors[m.mentor_id], context, names=names, top=top) for m in matches]
