"""Meeting personas and a fixed clock.

`mentee` (Europe/Berlin) and `mentor` (America/New_York) share `relationship`; `other_mentee` and `other_mentor`
are "the other pair" in the same program. `program_admin` runs that program, `other_program_admin` runs
`other_program` only, and `outsider` has an account and nothing else. Every test starts at NOW (a Monday morning
in January 2027) on a clock that only moves when a test moves it.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingFeedback,
    MeetingPrivateNote,
    MeetingSeries,
)
from meetings.tests.factories import pair, person, running_program
from mentorship.accounts.models import User
from mentorship.notifications.models import OutboundEmail
from programs.models import Program
from relationships.models import Relationship

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)

PAIR = ["mentee", "mentor"]
# Everyone who must get a 404 for the pair's meetings: they must not even learn that a meeting exists.
STRANGERS = ["other_mentee", "other_mentor", "program_admin", "other_program_admin", "outsider"]
PERSONAS = PAIR + STRANGERS


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The production hasher costs ~0.3 s per user; these tests create many users and never test hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    """The tests' "now"; call clock.move_to(...) or clock.shift(...) to let time pass."""
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentee(db: None) -> User:
    return person("mia@example.com", "Mia Mentee", zone="Europe/Berlin")


@pytest.fixture
def mentor(db: None) -> User:
    return person("marco@example.com", "Marco Mentor", zone="America/New_York")


@pytest.fixture
def other_mentee(db: None) -> User:
    return person("olga@example.com", "Olga Othermentee", zone="Australia/Sydney")


@pytest.fixture
def other_mentor(db: None) -> User:
    return person("oscar@example.com", "Oscar Othermentor", zone="Europe/London")


@pytest.fixture
def program(program_admin: User) -> Program:
    return running_program(program_admin, "Engineering Mentoring")


@pytest.fixture
def other_program(other_program_admin: User) -> Program:
    return running_program(other_program_admin, "Sales Mentoring")


@pytest.fixture
def relationship(program: Program, mentee: User, mentor: User, program_admin: User) -> Relationship:
    return pair(program, mentee, mentor, created_by=program_admin)


@pytest.fixture
def other_relationship(program: Program, other_mentee: User, other_mentor: User) -> Relationship:
    return pair(program, other_mentee, other_mentor)


@pytest.fixture
def cast(
    request: pytest.FixtureRequest,
    relationship: Relationship,
    other_relationship: Relationship,
    other_program: Program,
    outsider: User,
) -> Callable[[str], User]:
    """The whole cast in place; call it with a persona name to get that person."""
    return lambda name: request.getfixturevalue(name)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def meetings_state() -> dict[str, list[dict[str, Any]]]:
    """Every row a meetings write could touch, so a refused request can be shown to change nothing."""
    models = [
        MeetingSeries,
        Meeting,
        AgendaItem,
        MeetingPrivateNote,
        MeetingFeedback,
        ActionItem,
        CalendarFeed,
        OutboundEmail,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
