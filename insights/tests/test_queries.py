"""The insights pages cost the same number of queries for a program of three pairs and of twenty."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insights.tasks import refresh_figures
from insights.tests.conftest import agree, enroll, fetch, meet, person, rate, relate
from meetings.models import ActionItem
from mentorship.accounts.models import User
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.tests.factories import UserFactory
from programs.models import Program
from programs.tests.factories import ProgramFactory
from relationships.models import Goal, Reflection

pytestmark = pytest.mark.django_db


def grow(program: Program, start: int, count: int) -> None:
    """Pairs with meetings, ratings, action items, goals and (for every third) a closing reflection."""
    for i in range(start, start + count):
        mentee, mentor = person(f"Mentee{i}"), person(f"Mentor{i}")
        enroll(program, mentee, "mentee")
        enroll(program, mentor, "mentor")
        closed = i % 3 == 0
        relationship = relate(program, mentee, mentor, "completed" if closed else "active", "2026-10-01")
        agree(relationship)
        for day in ("2026-12-01", "2027-01-05", "2027-02-02"):
            rate(meet(relationship, day), mentee, 4)
        meet(relationship, "2027-03-10", "scheduled", wrapped=False)
        ActionItem.objects.create(
            relationship=relationship, description="x", owner=mentee, due_on=datetime.date(2027, 3, 1)
        )
        Goal.objects.create(relationship=relationship, title="x", category="skills")
        if closed:
            Reflection.objects.create(relationship=relationship, author=mentee, rating=4)


def queries(client: Client, url: str) -> int:
    # Each page is measured as the first of its minute: the bell's list is read too, not taken from the cache.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = fetch(client, url)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def setting(clock: Any) -> tuple[Client, Program]:
    admin = UserFactory(email="hr@example.com", full_name="Hannah Resources")
    grant_program_admin(admin)
    program = ProgramFactory(name="Growing", slug="growing", status="running", administrators=[admin])
    ProgramFactory(name="Second", slug="second", status="running", administrators=[admin])
    client = Client()
    client.force_login(User.objects.get(pk=admin.pk))
    return client, program


def test_every_page_costs_the_same_at_three_pairs_and_at_twenty(setting: tuple[Client, Program]) -> None:
    client, program = setting
    urls = {
        "dashboard": reverse("insights:dashboard", args=[program.slug]),
        "at risk": reverse("insights:at_risk") + "?program=growing",
        "at risk, all": reverse("insights:at_risk"),
        "overview": reverse("insights:overview"),
        "relationships csv": reverse("insights:relationships_csv", args=[program.slug]),
        "at-risk csv": reverse("insights:at_risk_csv"),
        "funnel csv": reverse("insights:funnel_csv", args=[program.slug]),
    }
    grow(program, 0, 3)
    refresh_figures()  # as the periodic task would have
    small = {name: queries(client, url) for name, url in urls.items()}
    pair = program.relationships.filter(status="active").first()
    small["pair"] = queries(client, reverse("insights:pair", args=[pair.pk]))
    grow(program, 3, 17)
    refresh_figures()
    large = {name: queries(client, url) for name, url in urls.items()}
    large["pair"] = queries(client, reverse("insights:pair", args=[pair.pk]))
    assert large == small
    assert small["dashboard"] <= 24
    assert small["at risk"] <= 13
    assert small["pair"] <= 17
