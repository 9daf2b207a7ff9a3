"""The shared skill vocabulary: capped lists, and suggestions only from what is vetted or widely used."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import MAX_SKILLS, SKILL_SHARED_BY, Skill
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.tests.test_views import profile_post

pytestmark = pytest.mark.django_db


def suggestions(user: Any, query: str = "") -> list[str]:
    client = Client()
    client.force_login(user)
    return client.get(reverse("skill_suggestions"), {"q": query}).json()["skills"]


def save_profile(user: Any, **overrides: str) -> Any:
    client = Client()
    client.force_login(user)
    fields = {"skills_offered_text": "", "growth_areas_text": "", **overrides}
    return client.post(reverse("profile_edit"), profile_post(full_name=user.full_name or "Someone", **fields))


def test_a_skill_one_person_types_is_not_suggested_to_anyone_else(make_user: Any) -> None:
    typist, reader = make_user(), make_user()

    assert save_profile(typist, skills_offered_text="Totally <b>legit</b> skill").status_code == 302

    assert Skill.objects.filter(name="Totally <b>legit</b> skill", vetted=False).exists()
    assert suggestions(reader, "legit") == []


def test_it_is_suggested_once_enough_people_use_it(make_user: Any) -> None:
    people = [make_user() for _ in range(SKILL_SHARED_BY)]
    reader = make_user()
    for person in people[:-1]:
        save_profile(person, skills_offered_text="Rust", growth_areas_text="Rust")  # both lists: still one person
    assert suggestions(reader, "rus") == []

    save_profile(people[-1], growth_areas_text="rust")

    assert suggestions(reader, "rus") == ["Rust"]


def test_an_administrator_using_a_skill_vets_it(make_user: Any) -> None:
    admin, reader = make_user(), make_user()
    grant_program_admin(admin)
    save_profile(make_user(), skills_offered_text="Kotlin")

    save_profile(admin, skills_offered_text="", growth_areas_text="kotlin, Facilitation")

    assert set(Skill.objects.filter(vetted=True).values_list("name", flat=True)) == {"Kotlin", "Facilitation"}
    assert sorted(suggestions(reader)) == ["Facilitation", "Kotlin"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (", ".join(f"Skill {n}" for n in range(MAX_SKILLS + 1)), f"At most {MAX_SKILLS} skills"),
        ("Python, " + "x" * 81, "80 characters or fewer"),
    ],
)
def test_skill_lists_are_capped_with_a_message_on_the_field(member: Any, text: str, message: str) -> None:
    response = save_profile(member, skills_offered_text=text)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["skills_offered_text"])
    assert not Skill.objects.exists()


def test_twenty_skills_in_any_case_are_fine(member: Any) -> None:
    text = ", ".join(f"Skill {n}" for n in range(MAX_SKILLS)) + ", skill 0, SKILL 1"

    assert save_profile(member, skills_offered_text=text).status_code == 302
    assert member.profile.skills_offered.count() == MAX_SKILLS
