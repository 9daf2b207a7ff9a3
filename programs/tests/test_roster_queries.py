"""The roster costs the same number of SQL queries for ten enrollments as for ten thousand."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentorship.accounts.models import Profile, User
from programs.models import Enrollment, Program
from programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db

DEPARTMENTS = ["Engineering", "Sales", "Finance", "People", "Legal"]
ROLES = [Enrollment.Role.MENTEE, Enrollment.Role.MENTOR]
STATUSES = [Enrollment.Status.APPLIED, Enrollment.Status.APPROVED, Enrollment.Status.WAITLISTED]


def enroll_many(program: Program, count: int) -> None:
    """Bulk-create people with profiles and enrollments; factories would take minutes at this size."""
    prefix = program.slug
    users = User.objects.bulk_create(
        User(email=f"{prefix}-{n}@example.com", full_name=f"Person {n:05d}", password="!") for n in range(count)
    )
    if not all(user.pk for user in users):  # backends that do not return ids from bulk inserts
        users = list(User.objects.filter(email__startswith=f"{prefix}-"))
    Profile.objects.bulk_create(
        Profile(user=user, department=DEPARTMENTS[n % 5], job_title=f"Title {n % 7}") for n, user in enumerate(users)
    )
    Enrollment.objects.bulk_create(
        Enrollment(program=program, user=user, role=ROLES[n % 2], status=STATUSES[n % 3])
        for n, user in enumerate(users)
    )


def roster_queries(client: Client, program: Program, params: dict[str, str]) -> tuple[int, Any]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("programs:roster", args=[program.slug]), params)
    assert response.status_code == 200
    return len(queries.captured_queries), response


FILTERED = {"q": "person", "role": "mentee", "status": "applied", "department": "Sales", "page": "2"}


def test_roster_of_ten_thousand_takes_as_many_queries_as_a_roster_of_ten(client: Client, program_admin: Any) -> None:
    small = ProgramFactory(slug="small", administrators=[program_admin])
    large = ProgramFactory(slug="large", administrators=[program_admin])
    enroll_many(small, 10)
    enroll_many(large, 10_000)
    client.force_login(program_admin)
    client.get(reverse("programs:roster", args=[small.slug]))  # warm per-process caches (content types, session)

    small_count, _small = roster_queries(client, small, {})
    large_count, response = roster_queries(client, large, {})
    assert large_count == small_count
    assert len(response.context["page"]) == 50
    assert response.content.decode().count('name="selected"') == 50
    assert response.context["page"].paginator.count == 10_000
    assert "Page 1 of 200" in response.content.decode()

    # Searching, filtering and paging deeper cost no extra queries either.
    filtered_small_count, _small = roster_queries(client, small, FILTERED)
    filtered_count, filtered = roster_queries(client, large, FILTERED)
    assert filtered_count == filtered_small_count == small_count
    assert filtered.context["page"].number == 2
    assert len(filtered.context["page"]) == 50
    assert all(
        (e.role, e.status, e.user.profile.department) == ("mentee", "applied", "Sales")
        for e in filtered.context["page"]
    )
