"""Reminder personas on a fixed clock: Mia (Berlin) mentee, Marco (New York) mentor, Hannah runs the program."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from meetings.tests.factories import pair, person, running_program
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)  # a Monday


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentee(db: None) -> User:
    return person("mia@example.com", "Mia Mentee", zone="Europe/Berlin")


@pytest.fixture
def mentor(db: None) -> User:
    return person("marco@example.com", "Marco Mentor", zone="America/New_York")


@pytest.fixture
def program(program_admin: User) -> Program:
    program = running_program(program_admin, "Engineering Mentoring")
    program.administrators.add(program_admin)
    return program


@pytest.fixture
def relationship(clock: Any, program: Program, mentee: User, mentor: User, program_admin: User) -> Relationship:
    from django.core import mail

    from mentorship.notifications.outbox import outbox_flush

    relationship = pair(program, mentee, mentor, created_by=program_admin)
    # The welcome emails are not what these tests look at; send them and forget them.
    outbox_flush()
    mail.outbox.clear()
    return relationship
