"""Program personas: a program run by `program_admin`, another run by `other_program_admin`, a participant."""

from __future__ import annotations

from typing import Any

import pytest

from programs.models import Enrollment, Program
from programs.tests.factories import EnrollmentFactory, ProgramFactory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The production hasher costs ~0.3 s per user; these tests create many users and never test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def program(program_admin: Any) -> Program:
    """Open for applications, approval needed, run by `program_admin`."""
    return ProgramFactory(name="Engineering Mentoring", slug="engineering-mentoring", administrators=[program_admin])


@pytest.fixture
def other_program(other_program_admin: Any) -> Program:
    """A program `program_admin` has nothing to do with."""
    return ProgramFactory(name="Sales Sponsorship", slug="sales-sponsorship", administrators=[other_program_admin])


@pytest.fixture
def participant(make_user: Any, program: Program) -> Any:
    """An approved mentee of `program`."""
    user = make_user(email="pia@example.com", full_name="Pia Participant")
    EnrollmentFactory(program=program, user=user, role=Enrollment.Role.MENTEE, status=Enrollment.Status.APPROVED)
    return user


@pytest.fixture
def superuser(make_user: Any) -> Any:
    return make_user(email="root@example.com", full_name="Sue Superuser", is_superuser=True, is_staff=True)
