"""List pages keep a constant number of SQL queries as relationships grow (3 versus 30)."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.accounts.tests.factories import UserFactory
from programs.models import Program
from programs.tests.factories import ProgramFactory
from relationships.models import Relationship
from relationships.services import relationships_touch
from relationships.tests.factories import (
    AdvocacyFactory,
    AgreementFactory,
    CommentFactory,
    GoalFactory,
    MilestoneFactory,
    ReflectionFactory,
    RelationshipFactory,
    accepted_agreement,
)

pytestmark = pytest.mark.django_db

R = Relationship.Status
STATUSES = itertools.cycle([R.STARTING, R.ACTIVE, R.PAUSED, R.COMPLETED, R.ENDED])


def dress(relationship: Relationship, i: int) -> Relationship:
    """Give a relationship what the list pages annotate: goals, agreement versions, reflections, advocacy."""
    for _ in range(i % 3):
        GoalFactory(relationship=relationship)
    if i % 2:
        accepted_agreement(relationship)
        AgreementFactory(relationship=relationship, version=2)
    if relationship.status in Relationship.CLOSED_STATUSES:
        ReflectionFactory(relationship=relationship, rating=1 + i % 5)
    if relationship.kind == Relationship.Kind.SPONSORSHIP:
        AdvocacyFactory(relationship=relationship)
    return relationship


def grow_program(program: Program, total: int) -> None:
    for i in range(program.relationships.count(), total):
        dress(RelationshipFactory(program=program, status=next(STATUSES)), i)


def grow_person(user: User, total: int) -> None:
    """Half as mentee (one program each: one open relationship per program), half as mentor."""
    shared = ProgramFactory()
    existing = Relationship.objects.filter(mentee=user).count() + Relationship.objects.filter(mentor=user).count()
    for i in range(existing, total):
        status = next(STATUSES)
        if i % 2:
            relationship = RelationshipFactory(program=ProgramFactory(), mentee=user, status=status)
        else:
            relationship = RelationshipFactory(program=shared, mentor=user, status=status)
        dress(relationship, i)


def queries(client: Client, url: str) -> int:
    client.get(url)  # warm caches (content types, sessions) so both counts start equal
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def count_rows(client: Client, url: str, marker: str) -> int:
    return client.get(url).content.decode().count(marker)


@pytest.mark.parametrize("kind", [Program.Kind.MENTORING, Program.Kind.SPONSORSHIP])
def test_the_program_relationships_page_costs_the_same_for_3_and_30(
    client: Client, program_admin: User, kind: str, django_assert_max_num_queries: Callable[..., object]
) -> None:
    program = ProgramFactory(kind=kind, administrators=[program_admin])
    client.force_login(program_admin)
    url = reverse("matching:relationships", args=[program.slug])

    grow_program(program, 3)
    few = queries(client, url)
    grow_program(program, 30)
    many = queries(client, url)

    assert few == many
    assert len(client.get(url).context["page"]) == 30
    with django_assert_max_num_queries(20):
        client.get(url)


@pytest.mark.parametrize(
    "url_name",
    ["relationships:list", "home"],
)
def test_my_relationships_and_the_home_page_cost_the_same_for_3_and_30(
    client: Client, url_name: str, django_assert_max_num_queries: Callable[..., object]
) -> None:
    user = UserFactory()
    client.force_login(user)
    url = reverse(url_name)

    grow_person(user, 3)
    few = queries(client, url)
    grow_person(user, 30)
    many = queries(client, url)

    assert few == many
    assert Relationship.objects.filter(mentee=user).count() + Relationship.objects.filter(mentor=user).count() == 30
    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_list_shows_all_30_with_their_next_step(client: Client) -> None:
    user = UserFactory()
    grow_person(user, 30)
    client.force_login(user)

    relationships = client.get(reverse("relationships:list")).context["relationships"]

    assert len(relationships) == 30
    assert all(r.next_step or not r.is_open for r in relationships)


def test_the_relationship_page_costs_the_same_for_1_and_10_goals(client: Client) -> None:
    """Goals carry milestones and comments: they are prefetched, not fetched goal by goal."""
    relationship = RelationshipFactory(kind=Relationship.Kind.SPONSORSHIP, program=ProgramFactory(kind="sponsorship"))
    client.force_login(relationship.mentee)

    def add_goals(n: int) -> None:
        for _ in range(n):
            goal = GoalFactory(relationship=relationship)
            MilestoneFactory(goal=goal)
            CommentFactory(goal=goal)
            CommentFactory(goal=goal, author=relationship.mentee)
            AdvocacyFactory(relationship=relationship)

    url = relationship.get_absolute_url()
    add_goals(1)
    accepted_agreement(relationship)
    few = rendered_queries(client, relationship)
    add_goals(9)
    AgreementFactory(relationship=relationship, version=2)
    many = rendered_queries(client, relationship)

    assert few == many
    assert count_rows(client, url, 'class="border rounded p-3 mb-3"') == 10
    # Until something changes, the body comes from the cache: the page reads only who is asking and the pair.
    assert queries(client, url) < few - 5


def rendered_queries(client: Client, relationship: Relationship) -> int:
    """Queries of the page rendered afresh: the factories write past the services, so touch as they would."""
    client.get(relationship.get_absolute_url())  # warm caches (content types, sessions)
    relationships_touch(relationship.pk)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(relationship.get_absolute_url())
    assert response.status_code == 200
    return len(captured)
