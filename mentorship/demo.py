"""The demo organisation for `seed_demo`: each app adds its part, in the order data flows."""

from __future__ import annotations

from matching.demo import seed_matching
from meetings.demo import seed_meetings
from mentorship.accounts.demo import DEMO_PASSWORD, DemoPerson, seed_people
from mentorship.accounts.models import User
from programs.demo import seed_programs
from relationships.demo import seed_relationships

__all__ = ["DEMO_PASSWORD", "seed_everything"]


def seed_everything() -> tuple[list[tuple[DemoPerson, User]], list[str]]:
    """The demo people (each with their account), and a line for each program, relationship and series added."""
    people = seed_people()
    lines = [*seed_programs(), *seed_relationships(), *seed_meetings()]
    # issue 14: proposals waiting for answers, so every demo person has something that needs them
    lines += seed_matching()
    return people, lines
