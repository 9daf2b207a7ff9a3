"""factory_boy factories for relationships and what grows in them.

Relationships made by `RelationshipFactory` skip the pairing rules on purpose: query-count tests need many of
them quickly. Tests about pairing go through `relationships.services.relationship_create` (see `pair`).
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mentorship.accounts.models import User
from mentorship.accounts.tests.factories import UserFactory
from programs.models import Enrollment, Program
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from relationships import services
from relationships.models import (
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
)

__all__ = [
    "AdvocacyFactory",
    "AgreementFactory",
    "CommentFactory",
    "EnrollmentFactory",
    "GoalFactory",
    "MilestoneFactory",
    "NoteFactory",
    "ProgramFactory",
    "ReflectionFactory",
    "RelationshipFactory",
    "accepted_agreement",
    "advocacy_form",
    "agreement_fields",
    "agreement_form",
    "approve",
    "goal_form",
    "make_active",
    "pair",
    "reflection_form",
]


def approve(program: Program, user: User, role: str) -> Enrollment:
    """An approved enrollment: what pairing requires."""
    return EnrollmentFactory(program=program, user=user, role=role, status=Enrollment.Status.APPROVED)


def pair(program: Program, mentee: User, mentor: User, *, created_by: User | None = None) -> Relationship:
    """Enroll both (approved) and pair them through the service, as HR or the matching engine would."""
    helper_role = Enrollment.Role.SPONSOR if program.kind == Program.Kind.SPONSORSHIP else Enrollment.Role.MENTOR
    if not Enrollment.objects.filter(program=program, user=mentee, role=Enrollment.Role.MENTEE).exists():
        approve(program, mentee, Enrollment.Role.MENTEE)
    if not Enrollment.objects.filter(program=program, user=mentor, role=helper_role).exists():
        approve(program, mentor, helper_role)
    return services.relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=created_by)


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = Relationship

    program = factory.SubFactory(ProgramFactory)
    mentee = factory.SubFactory(UserFactory)
    mentor = factory.SubFactory(UserFactory)
    kind = factory.LazyAttribute(lambda o: services.KIND_FOR_PROGRAM[Program.Kind(o.program.kind)])
    started_on = factory.LazyFunction(timezone.localdate)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    relationship = factory.SubFactory(RelationshipFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    category = "skills"
    why = "Because it matters to me."
    success_measure = "I can show it."


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    goal = factory.SubFactory(GoalFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = GoalComment

    goal = factory.SubFactory(GoalFactory)
    author = factory.LazyAttribute(lambda o: o.goal.relationship.mentor)
    body = factory.Sequence(lambda n: f"Comment {n}")


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    relationship = factory.SubFactory(RelationshipFactory)
    version = 1
    channels = factory.LazyFunction(lambda: [{"channel": "Chat", "purpose": "quick questions"}])
    mentee_responsibilities = "Come prepared."
    mentor_responsibilities = "Listen and share."
    desired_outcomes = "Grow."
    confidentiality = "Between us."


class AdvocacyFactory(DjangoModelFactory):
    class Meta:
        model = AdvocacyAction

    relationship = factory.SubFactory(RelationshipFactory)
    kind = AdvocacyAction.Kind.INTRODUCTION
    happened_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    description = factory.Sequence(lambda n: f"Advocacy details {n}")


class NoteFactory(DjangoModelFactory):
    class Meta:
        model = PrivateNote

    relationship = factory.SubFactory(RelationshipFactory)
    author = factory.LazyAttribute(lambda o: o.relationship.mentee)
    body = factory.Sequence(lambda n: f"Private note {n}")


class ReflectionFactory(DjangoModelFactory):
    class Meta:
        model = Reflection

    relationship = factory.SubFactory(RelationshipFactory)
    author = factory.LazyAttribute(lambda o: o.relationship.mentee)
    rating = 4


def accepted_agreement(relationship: Relationship, **overrides: Any) -> Agreement:
    """A version both people accepted, straight in the database (no service, no email)."""
    now = timezone.now()
    return AgreementFactory(relationship=relationship, mentee_accepted_at=now, mentor_accepted_at=now, **overrides)


def agreement_fields(**overrides: Any) -> dict[str, Any]:
    """Keyword arguments for services.agreement_save: a complete, valid agreement."""
    fields: dict[str, Any] = {
        "channels": [{"channel": "Video call", "purpose": "our meetings"}],
        "cadence": "biweekly",
        "meeting_minutes": 45,
        "mentee_responsibilities": "Bring an agenda.",
        "mentor_responsibilities": "Share what worked for me.",
        "mentee_offers": "",
        "mentor_offers": "",
        "desired_outcomes": "A promotion case.",
        "confidentiality": "What we say stays here.",
        "review_on": None,
        "ends_on": None,
    }
    return {**fields, **overrides}


def make_active(relationship: Relationship) -> Relationship:
    """Walk a new relationship to active through the services: a goal, then an agreement both accept."""
    mentee, mentor = relationship.mentee, relationship.mentor
    services.goal_save(
        relationship=relationship, side="mentee", actor=mentee, goal=None, title="Lead a project", category="skills"
    )
    agreement = services.agreement_save(relationship=relationship, side="mentee", actor=mentee, **agreement_fields())
    services.agreement_accept(agreement=agreement, side="mentee", actor=mentee)
    services.agreement_accept(agreement=agreement, side="mentor", actor=mentor)
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE
    return relationship


# -- POST data for the forms ------------------------------------------------------------------------------


def goal_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Run a workshop",
        "category": "skills",
        "custom_category": "",
        "why": "",
        "success_measure": "",
        "target_date": "",
        "status": "in_progress",
        "progress": "10",
    }
    return {**data, **overrides}


def agreement_form(**overrides: str) -> dict[str, str]:
    data = {
        "cadence": "weekly",
        "meeting_minutes": "45",
        "channels_text": "Chat: quick questions\nVideo call",
        "mentee_responsibilities": "Bring topics.",
        "mentor_responsibilities": "Listen well.",
        "mentee_offers": "",
        "mentor_offers": "",
        "desired_outcomes": "Confidence in design reviews.",
        "confidentiality": "Nothing leaves the room.",
        "review_on": "",
        "ends_on": "",
    }
    return {**data, **overrides}


def advocacy_form(**overrides: str) -> dict[str, str]:
    data = {
        "kind": "promotion",
        "happened_on": "2030-02-01",
        "description": "Recommended for the staff role",
        "status": "done",
        "outcome": "pending",
    }
    return {**data, **overrides}


def reflection_form(**overrides: str) -> dict[str, str]:
    data = {
        "goals_reached": "Ran the workshop",
        "what_worked": "Weekly calls",
        "what_to_change": "Start earlier",
        "rating": "4",
        "thank_you": "Thank you so much!",
    }
    return {**data, **overrides}
