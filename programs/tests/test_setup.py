"""Setting a program up in steps: basics, enrollment and questions, matching, meeting cadence, invite."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from programs.models import Program

pytestmark = pytest.mark.django_db


def step_url(program: Program, step: str) -> str:
    return reverse("programs:setup", args=[program.slug, step])


def basics(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Women in Tech",
        "kind": "mentoring",
        "description": "Mentoring for women engineers.",
        "goal_categories": ["skills"],
        "custom_goal_categories_text": "",
        "starts_on": "",
        "ends_on": "",
        **overrides,
    }


def questions(*prompts: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "questions-TOTAL_FORMS": str(len(prompts) + 1),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
    }
    for index, prompt in enumerate(prompts):
        data.update({f"questions-{index}-prompt": prompt, f"questions-{index}-kind": "short"})
    data.update({f"questions-{len(prompts)}-prompt": "", f"questions-{len(prompts)}-kind": "short"})
    return data


@pytest.fixture
def admin_client(client: Client, program_admin: Any) -> Client:
    client.force_login(program_admin)
    return client


def test_the_creator_is_ticked_as_administrator_from_the_start(admin_client: Client, program_admin: Any) -> None:
    form = admin_client.get(reverse("programs:setup_new")).context["form"]
    assert form["administrators"].initial == [program_admin.pk]
    assert set(form.fields) == {
        "name",
        "kind",
        "description",
        "goal_categories",
        "custom_goal_categories_text",
        "starts_on",
        "ends_on",
        "administrators",
    }


def test_unticking_yourself_while_setting_up_is_explained_and_saves_nothing(
    admin_client: Client, other_program_admin: Any
) -> None:
    response = admin_client.post(reverse("programs:setup_new"), basics(administrators=[other_program_admin.pk]))
    assert response.status_code == 200
    assert "you stay one of its administrators" in response.context["form"].errors["administrators"][0]
    assert not Program.objects.exists()


def test_the_steps_build_a_draft_that_opens_for_invitations(
    admin_client: Client, program_admin: Any, other_program_admin: Any
) -> None:
    response = admin_client.post(
        reverse("programs:setup_new"), basics(administrators=[program_admin.pk, other_program_admin.pk])
    )
    program = Program.objects.get()
    assert response["Location"] == step_url(program, "enrollment")
    assert (program.status, program.created_by) == ("draft", program_admin)
    assert set(program.administrators.all()) == {program_admin, other_program_admin}

    response = admin_client.post(
        step_url(program, "enrollment"),
        {"access": "open", "enrollment_opens_on": "2030-01-01", "enrollment_closes_on": "2030-02-01"}
        | questions("What do you want to learn?"),
    )
    assert response["Location"] == step_url(program, "matching")
    program.refresh_from_db()
    assert program.access == "open"
    assert [q.prompt for q in program.questions.all()] == ["What do you want to learn?"]

    # A mentoring program is not asked sponsor-only settings.
    form = admin_client.get(step_url(program, "matching")).context["form"]
    assert "sponsor_min_level_gap" not in form.fields
    response = admin_client.post(
        step_url(program, "matching"),
        {"matching_mode": "mentee", "default_mentor_capacity": "3", "mentor_response_days": "5"},
    )
    assert response["Location"] == step_url(program, "meetings")
    response = admin_client.post(
        step_url(program, "meetings"),
        {"default_relationship_months": "9", "default_cadence": "biweekly", "default_meeting_minutes": "45"},
    )
    assert response["Location"] == step_url(program, "invite")
    program.refresh_from_db()
    assert (program.matching_mode, program.default_mentor_capacity, program.default_cadence) == (
        "mentee",
        3,
        "biweekly",
    )
    assert program.name == "Women in Tech"  # later steps leave earlier answers alone

    page = admin_client.get(step_url(program, "invite"))
    assert b"Open enrollment and invite people" in page.content
    response = admin_client.post(step_url(program, "invite"))
    assert response["Location"] == reverse("programs:invite", args=[program.slug])
    program.refresh_from_db()
    assert program.status == "open"


def test_a_sponsorship_program_is_asked_the_sponsor_settings(admin_client: Client, program_admin: Any) -> None:
    admin_client.post(reverse("programs:setup_new"), basics(kind="sponsorship", administrators=[program_admin.pk]))
    program = Program.objects.get()
    form = admin_client.get(step_url(program, "matching")).context["form"]
    assert "sponsor_min_level_gap" in form.fields
    admin_client.post(
        step_url(program, "matching"),
        {
            "matching_mode": "engine",
            "default_mentor_capacity": "1",
            "mentor_response_days": "3",
            "sponsor_min_level_gap": "3",
        },
    )
    program.refresh_from_db()
    assert program.sponsor_min_level_gap == 3


def test_the_one_page_settings_show_sponsor_settings_to_sponsorships_only(
    admin_client: Client, program: Program
) -> None:
    assert (
        "sponsor_min_level_gap"
        not in admin_client.get(reverse("programs:edit", args=[program.slug])).context["form"].fields
    )
    Program.objects.filter(pk=program.pk).update(kind="sponsorship")
    assert (
        "sponsor_min_level_gap"
        in admin_client.get(reverse("programs:edit", args=[program.slug])).context["form"].fields
    )


def test_a_bad_step_keeps_what_was_typed_and_saves_nothing(admin_client: Client, program: Program) -> None:
    response = admin_client.post(
        step_url(program, "enrollment"),
        {"access": "open", "enrollment_opens_on": "2030-03-10", "enrollment_closes_on": "2030-03-01"}
        | questions("Kept while the dates are fixed?"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"enrollment_closes_on"}
    assert "Kept while the dates are fixed?" in response.content.decode()
    program.refresh_from_db()
    assert program.access == "approval"
    assert not program.questions.exists()
    for year in ("1", "9999"):
        response = admin_client.post(
            step_url(program, "meetings"),
            {"default_relationship_months": year, "default_cadence": "weekly", "default_meeting_minutes": "99999"},
        )
        assert response.status_code == 200
        assert "default_meeting_minutes" in response.context["form"].errors


def test_unknown_steps_and_other_peoples_programs_are_not_found(
    client: Client, program: Program, other_program_admin: Any, member: Any
) -> None:
    client.force_login(other_program_admin)
    for step in ("basics", "enrollment", "matching", "meetings", "invite"):
        assert client.get(step_url(program, step)).status_code == 404
    assert client.post(step_url(program, "invite")).status_code == 404
    program.refresh_from_db()
    assert program.status == "open"
    client.force_login(member)
    assert client.get(reverse("programs:setup_new")).status_code == 404
    assert client.post(reverse("programs:setup_new"), basics()).status_code == 404
    assert not Program.objects.filter(name="Women in Tech").exists()
    client.force_login(program.administrators.get())
    assert client.get(reverse("programs:setup", args=[program.slug, "nope"])).status_code == 404


def test_the_invite_step_of_an_open_program_goes_straight_to_the_invitations(
    admin_client: Client, program: Program
) -> None:
    page = admin_client.get(step_url(program, "invite")).content.decode()
    assert f'href="{reverse("programs:invite", args=[program.slug])}"' in page
    assert "Open enrollment and invite people" not in page
    # Opening what is open already is refused with a message, not an error page.
    response = admin_client.post(step_url(program, "invite"), follow=True)
    assert response.status_code == 200
    assert "cannot become" in response.content.decode()


def test_two_clicks_on_create_make_one_draft(admin_client: Client, program_admin: Any) -> None:
    for _click in range(2):
        response = admin_client.post(reverse("programs:setup_new"), basics(administrators=[program_admin.pk]))
        assert response.status_code == 302
    [program] = Program.objects.all()
    assert response["Location"] == step_url(program, "enrollment")
