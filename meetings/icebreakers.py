"""Short conversation openers shown on a meeting's agenda.

Pure Python. :func:`icebreaker_for` is deterministic, so a meeting shows the same prompt on every page load and
in every email; feeding it consecutive ids walks through the whole list before any prompt repeats.
"""

from __future__ import annotations

__all__ = ["ICEBREAKERS", "icebreaker_for"]

ICEBREAKERS: tuple[str, ...] = (
    "What is one thing that went better than expected since we last met?",
    "Which part of your work gave you energy this month, and which part drained it?",
    "What is a decision you are weighing right now?",
    "Who at work have you learned something from recently, and what was it?",
    "If you had a free afternoon just for learning, what would you spend it on?",
    "What is a piece of feedback you received lately that stuck with you?",
    "Which skill would make the biggest difference to you a year from now?",
    "What is something you used to find hard that now feels routine?",
    "What would you like more of, and less of, in your week?",
    "What question have you been hesitant to ask someone at work?",
    "What is a small win you have not told anyone about yet?",
    "Which project outside your team are you curious about?",
    "What does a really good workday look like for you?",
    "If you could shadow anyone in the organisation for a day, who would it be and why?",
    "What is one assumption about your career you would like to test?",
    "Which book, talk or article changed how you think about your work?",
    "What is the most useful advice you have ignored, and why?",
    "Where do you feel stuck, even a little?",
    "What would you do differently if you started your current role today?",
    "What are you looking forward to in the coming weeks?",
)


def icebreaker_for(seed: int) -> str:
    """The prompt for a meeting, from a stable number such as its primary key (negative numbers work too)."""
    return ICEBREAKERS[seed % len(ICEBREAKERS)]
