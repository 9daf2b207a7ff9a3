"""Every text and list a person fills has a cap, shown on the field, and the database holds the same caps.

The model checks at the bottom keep it that way: a new TextField without a cap and a database CHECK, or a new
JSON list nobody has thought about, fails here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Length
from django.test import Client
from django.urls import reverse

from meetings.models import ActionItem
from meetings.tests.factories import action_item_form, schedule_form
from mentorship.accounts.models import User
from programs.forms import MAX_CUSTOM_GOAL_CATEGORIES, MAX_PASTE_CHARACTERS, MAX_QUESTION_CHOICES
from programs.models import ApplicationQuestion, Invitation, Program
from programs.tests.test_views_manage import program_form
from relationships.forms import MAX_CHANNELS
from relationships.models import Agreement, Goal, Relationship
from relationships.tests.conftest import FAST_HASHERS, create_person, create_program
from relationships.tests.factories import agreement_form, goal_form, pair

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)
PROJECT_APPS = {"accounts", "notifications", "programs", "relationships", "meetings", "matching", "insights"}


@pytest.fixture(autouse=True)
def _setup(settings: Any) -> Iterator[None]:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def relationship(program_admin: User) -> Relationship:
    return pair(
        create_program(program_admin), create_person("mentee"), create_person("mentor"), created_by=program_admin
    )


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def field_errors(response: Any, field: str) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors[field])


# -- caps on the forms -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"description": "x" * 5001}, "description", "at most 5000 characters"),
        ({"description": "x" * 100_000}, "description", "at most 5000 characters"),
        (
            {"custom_goal_categories_text": ", ".join(f"Theme {n}" for n in range(MAX_CUSTOM_GOAL_CATEGORIES + 1))},
            "custom_goal_categories_text",
            f"At most {MAX_CUSTOM_GOAL_CATEGORIES} custom goal categories",
        ),
        ({"custom_goal_categories_text": "Fine, " + "y" * 61}, "custom_goal_categories_text", "60 characters"),
        ({"name": "Women\r\nin Tech"}, "name", "one line"),
        ({"starts_on": "0001-01-01"}, "starts_on", "Pick a date between"),
        ({"ends_on": "9999-12-31"}, "ends_on", "Pick a date between"),
    ],
)
def test_the_program_form_caps_texts_lists_and_dates(
    program_admin: User, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client_for(program_admin).post(reverse("programs:create"), program_form(**overrides))

    assert message in field_errors(response, field)
    assert not Program.objects.exists()


def test_question_choices_are_capped(program_admin: User) -> None:
    program = create_program(program_admin)
    data = {
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
        "questions-0-prompt": "Pick one",
        "questions-0-help_text": "",
        "questions-0-kind": "single",
        "questions-0-choices_text": "\n".join(f"Choice {n}" for n in range(MAX_QUESTION_CHOICES + 1)),
    }

    response = client_for(program_admin).post(reverse("programs:questions", args=[program.slug]), data)

    assert response.status_code == 200
    assert f"At most {MAX_QUESTION_CHOICES} choices" in response.content.decode()
    assert not ApplicationQuestion.objects.exists()


def test_a_paste_longer_than_the_cap_points_to_the_csv_upload(program_admin: User) -> None:
    program = create_program(program_admin)
    addresses = "\n".join(f"person{n}@example.com" for n in range(MAX_PASTE_CHARACTERS // 20 + 10))

    response = client_for(program_admin).post(
        reverse("programs:invite", args=[program.slug]), {"paste": "1", "addresses": addresses, "role": "mentee"}
    )

    assert response.status_code == 200
    assert "Upload a CSV file" in " ".join(response.context["paste_form"].errors["addresses"])
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"channels_text": "\n".join(f"Channel {n}" for n in range(MAX_CHANNELS + 1))}, f"At most {MAX_CHANNELS}"),
        ({"channels_text": "c" * 61 + ": chats"}, "60 characters"),
        ({"channels_text": "Chat: " + "p" * 201}, "200"),
        ({"desired_outcomes": "o" * 2001}, "at most 2000 characters"),
        ({"review_on": "9999-12-31"}, "Pick a date between"),
    ],
)
def test_the_agreement_caps_channels_and_texts(
    relationship: Relationship, overrides: dict[str, str], message: str
) -> None:
    response = client_for(relationship.mentee).post(
        reverse("relationships:agreement_edit", args=[relationship.pk]), agreement_form(**overrides)
    )

    assert response.status_code == 200
    assert message in str(response.context["form"].errors)
    assert not Agreement.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"why": "w" * 2001}, "why", "at most 2000 characters"),
        ({"title": "Line one\nline two"}, "title", "one line"),
        ({"title": "Bell\x07"}, "title", "control characters"),
        ({"target_date": "9999-12-31"}, "target_date", "Pick a date between"),
        ({"target_date": "0001-01-01"}, "target_date", "Pick a date between"),
    ],
)
def test_goals_refuse_long_text_broken_lines_and_far_dates(
    relationship: Relationship, overrides: dict[str, str], field: str, message: str
) -> None:
    response = client_for(relationship.mentee).post(
        reverse("relationships:goal_new", args=[relationship.pk]), goal_form(**overrides)
    )

    assert message in field_errors(response, field)
    assert not Goal.objects.exists()


def test_multi_line_texts_keep_their_line_breaks(relationship: Relationship) -> None:
    response = client_for(relationship.mentee).post(
        reverse("relationships:goal_new", args=[relationship.pk]), goal_form(why="First\r\nSecond\tthird")
    )

    assert response.status_code == 302
    assert Goal.objects.get().why == "First\r\nSecond\tthird"


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01", "2025-12-31", "2032-01-05"])
def test_action_item_due_dates_stay_within_a_year_back_and_five_ahead(relationship: Relationship, due_on: str) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:action_item_add", args=[relationship.pk]), action_item_form(relationship, due_on=due_on)
    )

    # The form comes back with what was typed and the reason.
    assert response.status_code == 200
    assert "Pick a date between 4 January 2026 and 4 January 2032" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_a_meeting_title_must_be_one_line(relationship: Relationship) -> None:
    response = client_for(relationship.mentee).post(
        reverse("meetings:schedule", args=[relationship.pk]), schedule_form(title="Catch-up\r\nBEGIN:VEVENT")
    )

    assert "one line" in field_errors(response, "title")


# -- the same caps in the database -----------------------------------------------------------------------------


def test_the_database_refuses_text_over_the_cap_written_around_the_forms(relationship: Relationship) -> None:
    goal = Goal.objects.create(relationship=relationship, title="Ship", category="skills")

    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(why="w" * 2001)
    Goal.objects.filter(pk=goal.pk).update(why="w" * 2000)


# System-written text and JSON, or JSON that a form fills from a fixed list: (model label, field) -> why it is safe.
NOT_TYPED_TEXT = {
    ("notifications.OutboundEmail", "body_text"): "rendered by the app from its templates",
    ("notifications.OutboundEmail", "body_html"): "rendered by the app from its templates",
    ("notifications.OutboundEmail", "last_error"): "written by the outbox, truncated there",
}
JSON_LISTS = {
    ("programs.Program", "goal_categories"): "ticked from GoalCategory",
    ("programs.Program", "custom_goal_categories"): "split_list, MAX_CUSTOM_GOAL_CATEGORIES of 60 characters",
    ("programs.ApplicationQuestion", "choices"): "split_list, MAX_QUESTION_CHOICES of 200 characters",
    ("programs.ApplicationQuestion", "roles"): "ticked from Enrollment.Role",
    ("programs.Enrollment", "answers"): "one capped field per question, at most 30 questions",
    ("programs.Enrollment", "goal_categories"): "ticked from the program's categories",
    ("programs.Enrollment", "languages"): "picked from LANGUAGE_CHOICES",
    ("programs.Enrollment", "wished_mentors"): "not filled by any form yet; the engine reads five at most",
    ("programs.Enrollment", "avoided_mentors"): "not filled by any form yet",
    ("relationships.Agreement", "channels"): "split_list, MAX_CHANNELS lines",
    ("accounts.Profile", "languages"): "picked from LANGUAGE_CHOICES",
    ("matching.MatchProposal", "reasons"): "written by the engine",
    ("matching.MatchProposal", "penalties"): "written by the engine",
    ("notifications.OutboundEmail", "context"): "written by the app",
    ("notifications.OutboundEmail", "attachments"): "written by the app",
    ("notifications.OutboundEmail", "headers"): "written by the app",
    ("notifications.NotificationSettings", "modes"): "one choice per notice kind",
    ("notifications.NotificationSettings", "lead_minutes"): "ticked from LEAD_TIME_CHOICES",
    ("notifications.AuditEvent", "details"): "written by audit_record: identifiers and numbers only",
    ("programs.Job", "payload"): "the import's rows, parsed and capped at MAX_ROWS by the CSV reader",
    ("programs.Job", "summary"): "written by the job",
    ("insights.PairHealth", "reasons"): "written by the health score",
    ("insights.ProgramFigures", "months"): "written by the refresh",
}


def _project_fields(kind: type[models.Field]) -> list[tuple[type[models.Model], models.Field]]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in PROJECT_APPS
        for field in model._meta.get_fields()
        if isinstance(field, kind) and field.concrete
    ]


def _capped_in_database(model: type[models.Model]) -> dict[str, int]:
    """{column: cap} read back from the model's texts_capped CHECK constraints."""
    caps: dict[str, int] = {}
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        for child in constraint.condition.children:
            lookup = child.children[0] if isinstance(child, models.Q) else child
            if isinstance(lookup, models.lookups.LessThanOrEqual) and isinstance(lookup.lhs, Length):
                caps[lookup.lhs.source_expressions[0].name] = lookup.rhs
    return caps


def test_every_text_a_person_types_has_a_cap_in_the_form_and_in_the_database() -> None:
    missing = []
    for model, field in _project_fields(models.TextField):
        if (model._meta.label, field.name) in NOT_TYPED_TEXT:
            continue
        if field.max_length is None or _capped_in_database(model).get(field.name) != field.max_length:
            missing.append(f"{model._meta.label}.{field.name}")
    assert missing == [], "give these a max_length and the same cap in a texts_capped() constraint"


def test_every_json_field_is_accounted_for() -> None:
    found = {(model._meta.label, field.name) for model, field in _project_fields(models.JSONField)}

    assert found - set(JSON_LISTS) == set(), "say in JSON_LISTS how each new JSON field is capped"
    assert set(JSON_LISTS) - found == set(), "remove JSON_LISTS entries for fields that no longer exist"
