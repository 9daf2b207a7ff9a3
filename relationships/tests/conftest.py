"""Relationship personas.

`mentee` and `mentor` share `relationship` (mentoring) and `sponsorship`; `other_mentee` and `other_mentor` are
"the other pair": paired with each other in the same two programs. `program_admin` runs both programs,
`other_program_admin` runs `other_program` only, and `outsider` has an account and nothing else.

The builders below are plain functions so test_access.py can build the same cast once per module.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection

from mentorship.accounts.models import Seniority, User
from mentorship.accounts.tests.factories import UserFactory
from mentorship.notifications.models import OutboundEmail
from programs.models import Enrollment, Program
from programs.tests.factories import ProgramFactory
from relationships import services
from relationships.models import (
    Activity,
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
    Side,
)
from relationships.tests.factories import agreement_fields, approve, pair

PERSONAS = ["mentee", "mentor", "other_mentee", "other_mentor", "program_admin", "other_program_admin", "outsider"]
# Those who must not even learn that the relationship exists.
STRANGERS = ["other_mentee", "other_mentor", "other_program_admin", "outsider"]

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    # The production hasher costs ~0.3 s per user; these tests create many users and never test hashing.
    settings.PASSWORD_HASHERS = FAST_HASHERS


# -- builders ----------------------------------------------------------------------------------------------

# email, name, seniority, department. Mentors are senior enough to sponsor and sit in other teams.
PEOPLE = {
    "mentee": ("mia@example.com", "Mia Mentee", Seniority.MID, "Engineering"),
    "mentor": ("marco@example.com", "Marco Mentor", Seniority.DIRECTOR, "Design"),
    "other_mentee": ("olga@example.com", "Olga Othermentee", Seniority.MID, "Sales"),
    "other_mentor": ("oscar@example.com", "Oscar Othermentor", Seniority.DIRECTOR, "Sales"),
}


def create_person(role: str) -> User:
    email, name, seniority, department = PEOPLE[role]
    user = UserFactory(email=email, full_name=name)
    user.profile.seniority = seniority
    user.profile.department = department
    user.profile.save(update_fields=["seniority", "department"])
    return user


def create_program(admin: User) -> Program:
    return ProgramFactory(
        name="Engineering Mentoring", slug="engineering-mentoring", status="running", administrators=[admin]
    )


def create_sponsorship_program(admin: User) -> Program:
    return ProgramFactory(
        name="Leadership Sponsorship",
        slug="leadership-sponsorship",
        kind=Program.Kind.SPONSORSHIP,
        status="running",
        administrators=[admin],
    )


def create_other_program(admin: User) -> Program:
    return ProgramFactory(name="Sales Mentoring", slug="sales-mentoring", administrators=[admin])


@dataclass
class World:
    """Everything a relationship URL can point at, with the cast in place."""

    relationship: Relationship
    sponsorship: Relationship
    goal: Goal
    milestone: Milestone
    agreement: Agreement
    action: AdvocacyAction
    mentee_note: PrivateNote
    mentor_note: PrivateNote
    new_mentee: User | None  # approved in the program, not paired yet
    new_mentor: User | None


def build_world(*, relationship: Relationship, sponsorship: Relationship, newcomers: bool = True) -> World:
    """A goal with a milestone, a draft agreement, an advocacy entry, a note each, and two people to pair."""
    mentee, mentor = relationship.mentee, relationship.mentor
    goal = services.goal_save(
        relationship=relationship, side=Side.MENTEE, actor=mentee, goal=None, title="Ship a feature", category="skills"
    )
    milestone = services.milestone_add(goal=goal, side=Side.MENTEE, title="Write the design doc", due_on=None)
    agreement = services.agreement_save(relationship=relationship, side=Side.MENTEE, actor=mentee, **agreement_fields())
    action = services.advocacy_save(
        relationship=sponsorship,
        side=Side.MENTOR,
        actor=mentor,
        action=None,
        kind=AdvocacyAction.Kind.PROJECT,
        happened_on=datetime.date(2030, 1, 15),
        description="Put forward for the platform rewrite",
    )
    new_mentee = new_mentor = None
    if newcomers:
        new_mentee = UserFactory(email="nina@example.com", full_name="Nina New")
        new_mentor = UserFactory(email="ned@example.com", full_name="Ned New")
        approve(relationship.program, new_mentee, Enrollment.Role.MENTEE)
        approve(relationship.program, new_mentor, Enrollment.Role.MENTOR)
    return World(
        relationship=relationship,
        sponsorship=sponsorship,
        goal=goal,
        milestone=milestone,
        agreement=agreement,
        action=action,
        mentee_note=services.private_note_add(
            relationship=relationship, side=Side.MENTEE, actor=mentee, body="Mentee's own thoughts"
        ),
        mentor_note=services.private_note_add(
            relationship=relationship, side=Side.MENTOR, actor=mentor, body="Mentor's own thoughts"
        ),
        new_mentee=new_mentee,
        new_mentor=new_mentor,
    )


def db_state() -> dict[str, Any]:
    """Every row a relationship write could touch, so a refused request can be shown to change nothing."""
    models = [
        Relationship,
        Goal,
        Milestone,
        GoalComment,
        Agreement,
        AdvocacyAction,
        PrivateNote,
        Reflection,
        Activity,
        Enrollment,
        OutboundEmail,
    ]
    # Raw SQL: the same full rows as .values(), at a fraction of the ORM's cost (this runs twice per request).
    state = {}
    with connection.cursor() as cursor:
        for model in models:
            table, pk = connection.ops.quote_name(model._meta.db_table), model._meta.pk.column
            cursor.execute(f"SELECT * FROM {table} ORDER BY {connection.ops.quote_name(pk)}")  # noqa: S608  # nosec B608
            state[model.__name__] = cursor.fetchall()
    return state


# -- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def mentee(db: None) -> User:
    return create_person("mentee")


@pytest.fixture
def mentor(db: None) -> User:
    return create_person("mentor")


@pytest.fixture
def other_mentee(db: None) -> User:
    return create_person("other_mentee")


@pytest.fixture
def other_mentor(db: None) -> User:
    return create_person("other_mentor")


@pytest.fixture
def program(program_admin: User) -> Program:
    return create_program(program_admin)


@pytest.fixture
def sponsorship_program(program_admin: User) -> Program:
    return create_sponsorship_program(program_admin)


@pytest.fixture
def other_program(other_program_admin: User) -> Program:
    return create_other_program(other_program_admin)


@pytest.fixture
def relationship(program: Program, mentee: User, mentor: User, program_admin: User) -> Relationship:
    return pair(program, mentee, mentor, created_by=program_admin)


@pytest.fixture
def other_relationship(program: Program, other_mentee: User, other_mentor: User) -> Relationship:
    return pair(program, other_mentee, other_mentor)


@pytest.fixture
def sponsorship(sponsorship_program: Program, mentee: User, mentor: User) -> Relationship:
    return pair(sponsorship_program, mentee, mentor)


@pytest.fixture
def other_sponsorship(sponsorship_program: Program, other_mentee: User, other_mentor: User) -> Relationship:
    return pair(sponsorship_program, other_mentee, other_mentor)


@pytest.fixture
def world(relationship: Relationship, sponsorship: Relationship) -> World:
    return build_world(relationship=relationship, sponsorship=sponsorship)


@pytest.fixture
def state() -> Callable[[], dict[str, Any]]:
    return db_state
