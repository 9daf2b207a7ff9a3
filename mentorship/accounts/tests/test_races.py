"""Every unique constraint of accounts that people can race, raced on PostgreSQL: one row, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import Profile, Skill, User
from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, grant_program_admin
from mentorship.accounts.services import profile_ensure, skills_from_names
from mentorship.common.testing import at_once

pytestmark = [pytest.mark.django_db(transaction=True)]

SIX = 6


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("races need concurrent transactions: PostgreSQL (set DATABASE_URL)")


def no_errors(outcomes: list[Any]) -> None:
    problems = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert not problems, problems


@pytest.mark.parametrize("verification", ["optional", "mandatory"])
def test_six_signups_with_one_address_at_once_make_one_account(settings: Any, verification: str) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = verification
    password = "lilac-harbour-77"
    data = {"email": "Pat@Example.com", "full_name": "Pat", "password1": password, "password2": password}
    clients = [Client() for _ in range(SIX)]
    outcomes = at_once(*(lambda c=c: c.post(reverse("account_signup"), data) for c in clients))
    no_errors(outcomes)
    assert {outcome.status_code for outcome in outcomes} <= {200, 302}
    assert User.objects.filter(email="pat@example.com").count() == 1
    assert EmailAddress.objects.filter(email__iexact="pat@example.com").count() == 1


def test_six_people_adding_the_same_new_skill_at_once_share_one_skill() -> None:
    outcomes = at_once(*(lambda: skills_from_names(names=["Rust ", "rust"]) for _ in range(SIX)))
    no_errors(outcomes)
    assert Skill.objects.filter(key="rust").count() == 1
    assert {skills[0].pk for skills in outcomes} == {Skill.objects.get(key="rust").pk}


def test_six_first_visits_at_once_give_one_profile() -> None:
    user = User.objects.create_user(email="sso@example.com")
    outcomes = at_once(*(lambda: profile_ensure(user=User.objects.get(pk=user.pk)) for _ in range(SIX)))
    no_errors(outcomes)
    assert Profile.objects.filter(user=user).count() == 1


def test_granting_the_role_six_times_at_once_adds_one_membership(make_user: Any) -> None:
    hr = make_user(email="hr@example.com")
    outcomes = at_once(*(lambda: grant_program_admin(User.objects.get(pk=hr.pk)) for _ in range(SIX)))
    no_errors(outcomes)
    assert User.objects.filter(pk=hr.pk, groups__name=PROGRAM_ADMIN_GROUP).count() == 1
