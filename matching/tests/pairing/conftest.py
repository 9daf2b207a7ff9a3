"""Pairing by hand works on relationships: these tests use the relationship personas and their programs."""

from relationships.tests.conftest import (
    _fast_passwords,
    mentee,
    mentor,
    other_mentee,
    other_mentor,
    other_program,
    other_relationship,
    other_sponsorship,
    program,
    relationship,
    sponsorship,
    sponsorship_program,
    state,
    world,
)

__all__ = [
    "_fast_passwords",
    "mentee",
    "mentor",
    "other_mentee",
    "other_mentor",
    "other_program",
    "other_relationship",
    "other_sponsorship",
    "program",
    "relationship",
    "sponsorship",
    "sponsorship_program",
    "state",
    "world",
]
