"""Icebreakers: one stable prompt per meeting, and every prompt used before any comes back."""

from __future__ import annotations

import pytest

from meetings.icebreakers import ICEBREAKERS, icebreaker_for


def test_the_prompts_are_distinct_questions() -> None:
    assert len(ICEBREAKERS) >= 10
    assert len(set(ICEBREAKERS)) == len(ICEBREAKERS)
    assert all(prompt.strip() == prompt and prompt.endswith("?") for prompt in ICEBREAKERS)


@pytest.mark.parametrize("seed", [0, 1, 7, 19, 20, 12345, 2**62])
def test_a_meeting_gets_the_same_prompt_every_time(seed: int) -> None:
    assert icebreaker_for(seed) == icebreaker_for(seed)
    assert icebreaker_for(seed) in ICEBREAKERS


@pytest.mark.parametrize("first", [0, 1, 13, 998])
def test_consecutive_meetings_walk_through_every_prompt_before_repeating(first: int) -> None:
    size = len(ICEBREAKERS)

    window = [icebreaker_for(seed) for seed in range(first, first + size)]

    assert sorted(window) == sorted(ICEBREAKERS)
    assert icebreaker_for(first + size) == icebreaker_for(first)


def test_negative_seeds_pick_a_prompt_too() -> None:
    assert [icebreaker_for(-n) for n in range(1, len(ICEBREAKERS) + 1)] == list(reversed(ICEBREAKERS))
