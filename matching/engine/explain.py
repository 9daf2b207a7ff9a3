"""Plain-English sentences for scores, rule breaks and unmatched mentees.

Reasons and penalties are written for one reader (see ``Voice``): the mentee reads about the mentor ("Ada
offers Python, which you want to grow in"), the mentor about the mentee ("Grace wants to grow in Python,
which you offer"), HR about both. Rule breaks and unmatched reasons are written for the administrator.
Callers pass names for skill ids, goal categories and languages; anything without a name falls back to
something readable rather than failing. Scores are shown on one named 0-100 scale (``score_band``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .scoring import FULL_WEEK_MINUTES, ScoringContext, compatibility
from .types import (
    Block,
    Compatibility,
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
    Weights,
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


Reader = Literal["mentee", "mentor", "hr"]
READERS: tuple[Reader, ...] = ("mentee", "mentor", "hr")


@dataclass(frozen=True, slots=True)
class Voice:
    """Who reads a sentence and what the two people are called in it.

    The mentee reads about the mentor, the mentor about the mentee, HR about both. Sentences use first names,
    never pronouns: we do not guess anyone's gender. Without a name the mentee's sentences leave the subject
    out ("offers Python, ...", shown under the mentor's name) and the others say "the mentee"/"the mentor".
    """

    reader: Reader = "mentee"
    mentee: str = ""
    mentor: str = ""

    @property
    def mentee_name(self) -> str:
        return self.mentee or "the mentee"

    @property
    def mentor_name(self) -> str:
        return self.mentor or "the mentor"

    def about_mentor(self, phrase: str, *, verb: str = "") -> str:
        """The mentee's sentence about the mentor: 'Ada offers ...', 'Ada is ...', or the bare phrase."""
        if not self.mentor:
            return phrase
        return f"{self.mentor} {verb + ' ' if verb else ''}{phrase}"


def reason_text(item: ScoreItem, names: Names | None = None, voice: Voice | None = None) -> str:
    """One reason in plain words, for the reader ``voice`` names (the mentee by default)."""
    names = names or Names()
    voice = voice or Voice()
    match item.ingredient:
        case Ingredient.SKILL:
            skills = _listing([names.skill(s) for s in item.skills])
            rare = ", and few mentors here do" if item.rare else ""
            if voice.reader == "mentor":
                return f"{voice.mentee_name} wants to grow in {skills}, which you offer" + rare
            if voice.reader == "hr":
                return f"{voice.mentee_name} wants to grow in {skills}, which {voice.mentor_name} offers" + rare
            return voice.about_mentor(f"offers {skills}, which you want to grow in") + rare
        case Ingredient.CATEGORY:
            labels = _listing([names.category(c) for c in item.categories])
            n = len(item.categories)
            if voice.reader == "mentor":
                goals = "a goal" if n == 1 else f"{_count(n)} goals"
                return f"you can help with {labels}, {goals} of {voice.mentee_name}'s"
            if voice.reader == "hr":
                goals = "one" if n == 1 else _count(n)
                return f"{voice.mentor_name} can help with {labels}, {goals} of {voice.mentee_name}'s goals"
            goals = "one of your goals" if n == 1 else f"{_count(n)} of your goals"
            return voice.about_mentor(f"can help with {labels}, {goals}")
        case Ingredient.SENIORITY:
            return _seniority_reason(item, voice)
        case Ingredient.TIME_ZONE:
            full_week = item.minutes >= FULL_WEEK_MINUTES
            shared = f"{_hours(item.minutes)} of shared working time a week"
            if voice.reader == "mentor":
                if full_week:
                    return f"{voice.mentee_name} works the same hours as you"
                return f"{shared} with {voice.mentee_name}"
            if voice.reader == "hr":
                if full_week:
                    return f"{voice.mentee_name} and {voice.mentor_name} work the same hours"
                return shared
            if full_week:
                return voice.about_mentor("works the same hours as you")
            return shared
        case Ingredient.LANGUAGE:
            languages = _listing([names.language(code) for code in item.languages])
            return f"both speak {languages}" if voice.reader == "hr" else f"you both speak {languages}"
        case Ingredient.OUTSIDE_TEAM:
            if voice.reader == "mentor":
                return f"{voice.mentee_name} asked for someone from another team, and you are"
            if voice.reader == "hr":
                return f"{voice.mentor_name} is outside {voice.mentee_name}'s team, as {voice.mentee_name} asked"
            return voice.about_mentor("outside your team, as you asked", verb="is")
        case Ingredient.WISH:
            rank = ORDINALS[item.rank - 1] if 0 < item.rank <= len(ORDINALS) else str(item.rank)
            if voice.reader == "mentor":
                return f"you are {voice.mentee_name}'s {rank} choice"
            if voice.reader == "hr":
                return f"{voice.mentor_name} is {voice.mentee_name}'s {rank} choice"
            return voice.about_mentor(f"your {rank} choice", verb="is")
    return str(item.ingredient)


def _levels(n: int) -> str:
    return f"{n} level" + ("" if n == 1 else "s")


def _seniority_reason(item: ScoreItem, voice: Voice) -> str:
    """``item.levels`` is the mentor's seniority minus the mentee's."""
    gap = _levels(abs(item.levels))
    mentee, mentor = voice.mentee_name, voice.mentor_name
    if item.kind == "reverse":
        if item.levels == 0:
            return {
                "mentor": f"{mentee} is at your own level",
                "hr": f"{mentor} and {mentee} are at the same level",
            }.get(voice.reader) or voice.about_mentor("at your own level", verb="is")
        return {
            "mentor": f"{mentee} is {gap} senior to you and gets a fresh view from closer to the front line",
            "hr": f"{mentor} is {gap} junior to {mentee}, with a fresh view from closer to the front line",
        }.get(voice.reader) or voice.about_mentor(
            f"{gap} junior to you, with a fresh view from closer to the front line", verb="is"
        )
    if item.levels == 0:
        return {
            "mentor": f"{mentee} is at your own level, and you have been where {mentee} is",
            "hr": f"{mentor} and {mentee} are at the same level: a peer who has been there",
        }.get(voice.reader) or voice.about_mentor("at your own level, a peer who has been there", verb="is")
    if item.kind == "sponsorship":
        return {
            "mentor": f"{mentee} is {gap} below you, so your standing can open doors",
            "hr": f"{mentor} is {gap} above {mentee}, senior enough to open doors",
        }.get(voice.reader) or voice.about_mentor(f"{gap} above you, senior enough to open doors", verb="is")
    wide = ", a wide gap" if abs(item.levels) >= 6 else ""
    return {
        "mentor": f"{mentee} is {gap} junior to you{wide}",
        "hr": f"{mentor} is {gap} more senior than {mentee}{wide}",
    }.get(voice.reader) or voice.about_mentor(f"{gap} more senior than you{wide}", verb="is")


def penalty_text(item: ScoreItem, names: Names | None = None, voice: Voice | None = None) -> str:
    """What speaks against the pair, for the reader ``voice`` names (the mentee by default)."""
    voice = voice or Voice()
    mentee, mentor, reader = voice.mentee_name, voice.mentor_name, voice.reader
    match item.ingredient:
        case Ingredient.SKILL:
            if reader == "mentor":
                return f"you offer none of the areas {mentee} wants to grow in"
            if reader == "hr":
                return f"{mentor} offers none of the areas {mentee} wants to grow in"
            return voice.about_mentor("offers none of the areas you want to grow in")
        case Ingredient.CATEGORY:
            if reader == "mentor":
                return f"you cannot help with {mentee}'s goal categories"
            if reader == "hr":
                return f"{mentor} cannot help with {mentee}'s goal categories"
            return voice.about_mentor("cannot help with your goal categories")
        case Ingredient.SENIORITY:
            if item.kind == "reverse":
                return {
                    "mentor": f"you are more senior than {mentee}, which turns reverse mentoring on its head",
                    "hr": f"{mentor} is more senior than {mentee}, which turns reverse mentoring on its head",
                }.get(reader) or voice.about_mentor(
                    "more senior than you, which turns reverse mentoring on its head", verb="is"
                )
            if item.kind == "sponsorship":
                return {
                    "mentor": f"you are not senior enough to sponsor {mentee}",
                    "hr": f"{mentor} is not senior enough to sponsor {mentee}",
                }.get(reader) or voice.about_mentor("not senior enough to sponsor you", verb="is")
            return {
                "mentor": f"{mentee} is more senior than you",
                "hr": f"{mentor} is less senior than {mentee}",
            }.get(reader) or voice.about_mentor("less senior than you", verb="is")
        case Ingredient.TIME_ZONE:
            with_whom = f" with {mentee}" if reader == "mentor" else ""
            if item.minutes < 0:
                return "an unknown time zone, so shared working hours are unclear"
            if item.minutes == 0:
                return f"no working hours in common{with_whom}"
            return f"only {_hours(item.minutes)} of shared working time a week{with_whom}"
        case Ingredient.LANGUAGE:
            return f"no shared language with {mentee}" if reader == "mentor" else "no shared language"
        case Ingredient.OUTSIDE_TEAM:
            if reader == "mentor":
                return f"{mentee} asked for someone from another team, and you work in the same one"
            if reader == "hr":
                return f"{mentor} is in {mentee}'s own team, though {mentee} asked for someone outside it"
            return voice.about_mentor("in your own team, though you asked for someone outside it", verb="is")
    return str(item.ingredient)


def sides(result: Compatibility) -> tuple[tuple[ScoreItem, ...], tuple[ScoreItem, ...]]:
    """The pluses and minuses to show, no ingredient on both sides.

    Scoring gives a little for a short overlap of working hours and also warns about it; shown as both
    "1.5 hours of shared working time" and "only 1.5 hours ..." it reads as a contradiction. Where an
    ingredient is a minus it is shown as a minus only: the warning is what the reader needs.
    """
    against = {item.ingredient for item in result.penalties}
    return tuple(item for item in result.reasons if item.ingredient not in against), result.penalties


# -- the score on a named scale ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScoreBand:
    value: int  # 0..100
    label: str
    meaning: str


# (lowest value, label, what it means); the same scale on every page that shows a score.
BANDS: tuple[tuple[int, str, str], ...] = (
    (75, "Strong match", "Fits on most of what matching weighs; pairs like this tend to get going easily."),
    (50, "Good match", "Fits on several points; the minuses listed say where it does not."),
    (25, "Fair match", "Fits on a few points only; read the minuses before going ahead."),
    (0, "Weak match", "Little in common on what matching weighs; another pairing may serve better."),
)


def full_marks(weights: Weights | None = None) -> float:
    """Points of a pair that is a 100: one growth area of middling rarity, one goal category, the ideal
    seniority gap, a full working day and a language in common. Wishes and the outside-team bonus can
    lift a pair above it; the scale stops at 100."""
    w = weights or Weights()
    return w.skill * 1.5 + w.category + w.seniority + w.time_zone + w.language


def score_band(score: float, weights: Weights | None = None) -> ScoreBand:
    """The engine's points on the 0-100 scale, with the band's name and one sentence of what it means."""
    top = full_marks(weights)
    points = score if math.isfinite(score) else 0.0
    share = 0.0 if top <= 0 else max(0.0, min(1.0, points / top))  # clamp first: huge inputs never overflow
    value = round(100 * share)
    for lowest, label, meaning in BANDS:
        if value >= lowest:
            return ScoreBand(value, label, meaning)
    return ScoreBand(value, BANDS[-1][1], BANDS[-1][2])  # pragma: no cover - the last band starts at 0


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
    pluses, minuses = sides(result)
    return Explanation(
        mentee_id=mentee.id,
        mentor_id=mentor.id,
        score=result.score,
        reasons=tuple(reason_text(item, names) for item in pluses[:top]),
        penalties=tuple(penalty_text(item, names) for item in minuses),
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
