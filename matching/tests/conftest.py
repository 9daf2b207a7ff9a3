"""Matching tests use the program personas: a program run by `program_admin`, another program, a participant."""

from programs.tests.conftest import _fast_passwords, other_program, participant, program, superuser

__all__ = ["_fast_passwords", "other_program", "participant", "program", "superuser"]
