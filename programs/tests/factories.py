"""factory_boy factories for programs, enrollments, questions and invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import factory
from factory.django import DjangoModelFactory

from mentorship.accounts.tests.factories import UserFactory
from programs.models import ApplicationQuestion, Enrollment, Invitation, Program


class ProgramFactory(DjangoModelFactory):
    """An open, approval-based mentoring program. Pass administrators=[...] to say who runs it."""

    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    kind = Program.Kind.MENTORING
    description = "Mentoring for people who want to grow."
    status = Program.Status.OPEN
    access = Program.Access.APPROVAL

    @factory.post_generation
    def administrators(self, create: bool, extracted: Iterable[Any] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.administrators.set(extracted)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrollment

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = Enrollment.Role.MENTEE
    status = Enrollment.Status.APPLIED


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = ApplicationQuestion

    program = factory.SubFactory(ProgramFactory)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    kind = ApplicationQuestion.Kind.SHORT
    position = factory.Sequence(lambda n: n)


class InvitationFactory(DjangoModelFactory):
    """An invitation row with a known token: the token is the factory's `token` argument (default unique)."""

    class Meta:
        model = Invitation
        exclude = ("token",)

    program = factory.SubFactory(ProgramFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Enrollment.Role.MENTEE
    token = factory.Sequence(lambda n: f"test-invitation-token-{n:04d}")
    token_hash = factory.LazyAttribute(lambda o: _hash(o.token))


def _hash(token: str) -> str:
    from programs.services import _token_hash

    return _token_hash(token)
