from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from mentorship.accounts.models import Profile, Skill, User
from mentorship.accounts.services import profile_ensure, profile_update, skills_from_names

pytestmark = pytest.mark.django_db


def test_email_is_the_login_and_stored_lowercase() -> None:
    user = User.objects.create_user("Ada.Lovelace@Example.COM", "pw-123456789")
    assert user.email == "ada.lovelace@example.com"
    assert User.objects.get_by_natural_key("ADA.lovelace@example.com") == user


def test_emails_are_unique_ignoring_case() -> None:
    User.objects.create_user("grace@example.com", "pw-123456789")
    with pytest.raises(IntegrityError):
        User.objects.create(email="GRACE@example.com")


def test_superuser_has_staff_and_superuser_flags() -> None:
    admin = User.objects.create_superuser("root@example.com", "pw-123456789")
    assert admin.is_staff and admin.is_superuser
    assert admin.is_program_admin


def test_skills_are_normalised_to_one_record() -> None:
    first = skills_from_names(names=["Python", "python ", "  PYTHON", "Public   speaking"])
    assert [s.name for s in first] == ["Python", "Public speaking"]
    again = skills_from_names(names=["public speaking"])
    assert again[0].pk == first[1].pk
    assert Skill.objects.count() == 2


def test_skill_key_is_unique() -> None:
    Skill.objects.create(name="Go")
    with pytest.raises(IntegrityError):
        Skill.objects.create(name=" go ")


def test_profile_time_zone_must_be_iana(member: User) -> None:
    profile = member.profile
    profile.time_zone = "Moon/Base"
    with pytest.raises(ValidationError):
        profile.full_clean()


def test_profile_update_marks_completion_and_sets_skills(make_user) -> None:
    user = User.objects.create_user("new@example.com", "pw-123456789")
    profile = profile_ensure(user=user)
    assert not profile.is_complete
    profile_update(
        profile=profile,
        full_name="New Person",
        skills_offered=["SQL", "sql"],
        growth_areas=["Leadership"],
        department="Finance",
        job_title="Analyst",
        seniority=3,
        time_zone="Asia/Kolkata",
        languages=["en", "hi"],
    )
    profile.refresh_from_db()
    assert profile.is_complete
    assert [s.name for s in profile.skills_offered.all()] == ["SQL"]
    assert profile.language_names() == ["English", "Hindi"]
    assert str(profile.zone) == "Asia/Kolkata"


def test_a_person_cannot_be_their_own_manager(member: User) -> None:
    with pytest.raises(IntegrityError):
        Profile.objects.filter(user=member).update(manager=member)
