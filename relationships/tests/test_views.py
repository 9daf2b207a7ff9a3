"""The relationship pages: each transition through the views, next steps, and bad input answered in place.

Who may reach which URL is proven in test_access.py; here the permitted people use the pages.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from relationships import services
from relationships.models import Agreement, Goal, Reflection, Relationship, Side
from relationships.tests.conftest import World, db_state
from relationships.tests.factories import (
    advocacy_form,
    agreement_fields,
    agreement_form,
    goal_form,
    make_active,
    reflection_form,
)

pytestmark = pytest.mark.django_db

R = Relationship.Status


def errors_of(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]


def messages_of(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- goals -------------------------------------------------------------------------------------------------


def test_the_mentee_adds_a_goal_from_the_form(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentee)

    response = client.post(
        reverse("relationships:goal_new", args=[relationship.pk]),
        goal_form(title="Present at the all-hands", shared_with_program="on", target_date="2030-06-30"),
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#goals")
    goal = relationship.goals.get()
    assert (goal.title, goal.shared_with_program, goal.target_date) == (
        "Present at the all-hands",
        True,
        datetime.date(2030, 6, 30),
    )


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"progress": "150"}, "progress"),
        ({"progress": "-5"}, "progress"),
        ({"title": ""}, "title"),
        ({"category": "astrology"}, "category"),
        ({"category": "custom", "custom_category": ""}, "custom_category"),
        ({"target_date": "not a date"}, "target_date"),
    ],
)
def test_bad_goal_input_shows_the_form_again_with_the_problem(
    client: Client, relationship: Relationship, overrides: dict[str, str], field_name: str
) -> None:
    client.force_login(relationship.mentee)

    response = client.post(reverse("relationships:goal_new", args=[relationship.pk]), goal_form(**overrides))

    assert response.status_code == 200
    assert field_name in response.context["form"].errors
    assert not Goal.objects.exists()


def test_goal_comments_and_milestones_report_bad_input_as_messages(
    client: Client, world: World, state: Callable[[], dict[str, Any]]
) -> None:
    rel = world.relationship
    client.force_login(rel.mentee)
    before = state()

    empty_comment = client.post(reverse("relationships:goal_comment", args=[rel.pk, world.goal.pk]), {"body": " "})
    bad_milestone = client.post(
        reverse("relationships:milestone_add", args=[rel.pk, world.goal.pk]), {"title": "Demo", "due_on": "31/31/31"}
    )

    assert errors_of(empty_comment) == ["Write something before posting the comment."]
    assert errors_of(bad_milestone)
    assert bad_milestone["Location"].endswith(f"#goal-{world.goal.pk}")
    assert state() == before


# -- agreement ---------------------------------------------------------------------------------------------


def test_the_first_draft_is_prefilled_from_the_program(client: Client, relationship: Relationship) -> None:
    relationship.program.default_cadence = "biweekly"
    relationship.program.default_meeting_minutes = 45
    relationship.program.save()
    client.force_login(relationship.mentor)

    form = client.get(reverse("relationships:agreement_edit", args=[relationship.pk])).context["form"]

    assert form.initial["cadence"] == "biweekly"
    assert form.initial["meeting_minutes"] == 45
    assert "Chat" in form.fields["channels_text"].initial
    assert form.initial["ends_on"] == relationship.planned_end_on


def test_the_agreement_form_stores_channels_cadence_and_length(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentor)

    client.post(reverse("relationships:agreement_edit", args=[relationship.pk]), agreement_form())

    agreement = relationship.agreements.get()
    assert agreement.channels == [
        {"channel": "Chat", "purpose": "quick questions"},
        {"channel": "Video call", "purpose": ""},
    ]
    assert (agreement.cadence, agreement.cadence_days, agreement.meeting_minutes) == ("weekly", 7, 45)
    assert agreement.drafted_by == relationship.mentor


@pytest.mark.parametrize(
    ("overrides", "field_name"),
    [
        ({"review_on": "2031-01-01", "ends_on": "2030-12-31"}, "review_on"),
        ({"meeting_minutes": "5"}, "meeting_minutes"),
        ({"meeting_minutes": "600"}, "meeting_minutes"),
        ({"channels_text": "  \n "}, "channels_text"),
        ({"cadence": "hourly"}, "cadence"),
        ({"confidentiality": ""}, "confidentiality"),
    ],
)
def test_bad_agreement_input_shows_the_form_again_with_the_problem(
    client: Client, relationship: Relationship, overrides: dict[str, str], field_name: str
) -> None:
    client.force_login(relationship.mentee)

    response = client.post(reverse("relationships:agreement_edit", args=[relationship.pk]), agreement_form(**overrides))

    assert response.status_code == 200
    assert field_name in response.context["form"].errors
    assert not Agreement.objects.exists()


def test_a_mentor_accepting_accepts_for_the_mentor_only(client: Client, world: World) -> None:
    rel = world.relationship
    client.force_login(rel.mentor)

    client.post(reverse("relationships:agreement_accept", args=[rel.pk, world.agreement.version]))

    world.agreement.refresh_from_db()
    assert world.agreement.mentor_accepted_at is not None
    assert world.agreement.mentee_accepted_at is None


def test_acceptance_by_both_through_the_pages_makes_the_relationship_active(client: Client, world: World) -> None:
    rel = world.relationship
    url = reverse("relationships:agreement_accept", args=[rel.pk, 1])
    for person in (rel.mentee, rel.mentor):
        client.force_login(person)
        assert client.post(url)["Location"].endswith("#agreement")

    rel.refresh_from_db()
    assert rel.status == R.ACTIVE
    page = client.get(rel.get_absolute_url()).content.decode()
    assert "I accept this agreement" not in page


def test_editing_an_accepted_agreement_through_the_page_starts_version_2(client: Client, world: World) -> None:
    rel = world.relationship
    for person in (rel.mentee, rel.mentor):
        services.agreement_accept(agreement=world.agreement, side=rel.side_of(person.pk) or "", actor=person)
    client.force_login(rel.mentor)

    form_page = client.get(reverse("relationships:agreement_edit", args=[rel.pk]))
    assert "creates a new version" in form_page.content.decode()
    client.post(
        reverse("relationships:agreement_edit", args=[rel.pk]), agreement_form(desired_outcomes="Lead the guild")
    )

    v1, v2 = Agreement.objects.filter(relationship=rel).order_by("version")
    assert v1.accepted_by_both and v1.desired_outcomes == "A promotion case."
    assert (v2.version, v2.desired_outcomes, v2.has_acceptance) == (2, "Lead the guild", False)

    client.force_login(rel.mentee)
    detail = client.get(rel.get_absolute_url()).content.decode()
    assert "Lead the guild" in detail
    assert "I accept this agreement" in detail
    assert reverse("relationships:agreement_version", args=[rel.pk, 1]) in detail
    old = client.get(reverse("relationships:agreement_version", args=[rel.pk, 1]))
    assert old.status_code == 200
    assert "A promotion case." in old.content.decode()

    refused = client.post(reverse("relationships:agreement_accept", args=[rel.pk, 1]))
    assert errors_of(refused) == ["A newer version of the agreement exists; read and accept that one."]
    assert Agreement.objects.get(pk=v2.pk).mentee_accepted_at is None


# -- sponsorship advocacy ----------------------------------------------------------------------------------


def test_the_sponsor_records_advocacy_and_the_sponsee_reads_it_and_adds_what_followed(
    client: Client, sponsorship: Relationship
) -> None:
    client.force_login(sponsorship.mentor)
    client.post(reverse("relationships:advocacy_new", args=[sponsorship.pk]), advocacy_form())
    action = sponsorship.advocacy.get()
    assert (action.kind, action.status, action.outcome) == ("promotion", "done", "pending")

    client.force_login(sponsorship.mentee)
    page = client.get(sponsorship.get_absolute_url()).content.decode()
    assert "Recommended for the staff role" in page
    assert "Record advocacy" not in page
    client.post(
        reverse("relationships:advocacy_followup", args=[sponsorship.pk, action.pk]), {"text": "Promoted in June"}
    )

    client.force_login(sponsorship.mentor)
    assert "Promoted in June" in client.get(sponsorship.get_absolute_url()).content.decode()


def test_a_mentoring_relationship_has_no_advocacy_pages(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentor)

    response = client.post(reverse("relationships:advocacy_new", args=[relationship.pk]), advocacy_form())

    assert errors_of(response)
    assert not relationship.advocacy.exists()
    assert 'id="advocacy"' not in client.get(relationship.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("overrides", "field_name"), [({"happened_on": ""}, "happened_on"), ({"kind": "x"}, "kind")])
def test_bad_advocacy_input_shows_the_form_again(
    client: Client, sponsorship: Relationship, overrides: dict[str, str], field_name: str
) -> None:
    client.force_login(sponsorship.mentor)

    response = client.post(reverse("relationships:advocacy_new", args=[sponsorship.pk]), advocacy_form(**overrides))

    assert response.status_code == 200
    assert field_name in response.context["form"].errors
    assert not sponsorship.advocacy.exists()


# -- notes -------------------------------------------------------------------------------------------------


def test_an_empty_or_overlong_note_is_explained_and_not_saved(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentor)
    url = reverse("relationships:note_add", args=[relationship.pk])

    for body in ("", "x" * 5001):
        response = client.post(url, {"body": body})
        assert response.status_code == 302
        assert "The note is empty or too long." in errors_of(response)
    assert not relationship.private_notes.exists()


# -- pause, resume, end, reflect ---------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_pausing_without_a_reason_says_why_and_changes_nothing(
    client: Client, relationship: Relationship, reason: str, state: Callable[[], dict[str, Any]]
) -> None:
    client.force_login(relationship.mentee)
    before = state()

    response = client.post(reverse("relationships:pause", args=[relationship.pk]), {"reason": reason})

    assert response.status_code == 302
    assert errors_of(response) == ["Say why you are pausing; the other person will read it."]
    assert state() == before


def test_pause_and_resume_through_the_page_tell_the_other_person(
    client: Client, relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    client.force_login(relationship.mentor)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("relationships:pause", args=[relationship.pk]), {"reason": "Conference season"})
    page = client.get(relationship.get_absolute_url()).content.decode()
    assert "Conference season" in page
    assert reverse("relationships:resume", args=[relationship.pk]) in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("relationships:resume", args=[relationship.pk]))

    assert [m.to for m in mail.outbox] == [[relationship.mentee.email]] * 2
    assert "paused" in mail.outbox[0].subject
    assert "Conference season" in mail.outbox[0].body
    assert "getting started" in mail.outbox[1].subject


def test_resuming_a_relationship_that_is_not_paused_is_explained(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentee)

    response = client.post(reverse("relationships:resume", args=[relationship.pk]))

    assert errors_of(response) == ["Only a paused relationship can be resumed."]


@pytest.mark.parametrize(
    ("data", "field_name"),
    [
        ({"outcome": "early", "reason": ""}, "reason"),
        ({"outcome": "early", "reason": "   "}, "reason"),
        ({"outcome": "exploded", "reason": "x"}, "outcome"),
        ({"reason": "no outcome chosen"}, "outcome"),
    ],
)
def test_bad_end_input_shows_the_form_again(
    client: Client, relationship: Relationship, data: dict[str, str], field_name: str
) -> None:
    client.force_login(relationship.mentor)

    response = client.post(reverse("relationships:end", args=[relationship.pk]), data)

    assert response.status_code == 200
    assert field_name in response.context["form"].errors
    relationship.refresh_from_db()
    assert relationship.status == R.STARTING


def test_ending_leads_the_person_to_reflect_and_tells_the_other(
    client: Client, relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    client.force_login(relationship.mentee)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("relationships:end", args=[relationship.pk]), {"outcome": "completed"})

    assert response["Location"] == reverse("relationships:reflect", args=[relationship.pk])
    relationship.refresh_from_db()
    assert relationship.status == R.COMPLETED
    assert [m.to for m in mail.outbox] == [[relationship.mentor.email]]


def test_an_admin_ending_returns_to_the_relationship_page(
    client: Client, relationship: Relationship, program_admin: User
) -> None:
    client.force_login(program_admin)

    response = client.post(reverse("relationships:end", args=[relationship.pk]), {"outcome": "early", "reason": "Left"})

    assert response["Location"] == relationship.get_absolute_url()
    relationship.refresh_from_db()
    assert (relationship.status, relationship.end_reason) == (R.ENDED, "Left")


def test_the_end_page_of_a_closed_relationship_says_so(client: Client, relationship: Relationship) -> None:
    services.relationship_end(
        relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, completed=True, reason=""
    )
    client.force_login(relationship.mentee)

    response = client.get(reverse("relationships:end", args=[relationship.pk]))

    assert response["Location"] == relationship.get_absolute_url()
    assert messages_of(response) == ["This relationship has already ended."]


def test_the_reflection_sends_the_thank_you_to_the_other_person_and_is_asked_only_once(
    client: Client, relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    services.relationship_end(
        relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, completed=True, reason=""
    )
    mail.outbox.clear()
    client.force_login(relationship.mentee)
    url = reverse("relationships:reflect", args=[relationship.pk])
    assert "Marco Mentor" in client.get(url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, reflection_form(thank_you="You changed how I work."))

    assert response["Location"] == relationship.get_absolute_url()
    (email,) = mail.outbox
    assert email.to == [relationship.mentor.email]
    assert "You changed how I work." in email.body
    assert client.get(url)["Location"] == relationship.get_absolute_url()
    assert "You rated this relationship 4 out of 5" in client.get(relationship.get_absolute_url()).content.decode()


@pytest.mark.parametrize("rating", ["0", "6", "9", "abc", ""])
def test_an_invalid_rating_shows_the_form_again(client: Client, relationship: Relationship, rating: str) -> None:
    services.relationship_end(
        relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, completed=True, reason=""
    )
    client.force_login(relationship.mentor)

    response = client.post(reverse("relationships:reflect", args=[relationship.pk]), reflection_form(rating=rating))

    assert response.status_code == 200
    assert "rating" in response.context["form"].errors
    assert not Reflection.objects.exists()


def test_reflecting_on_an_open_relationship_goes_back_to_it(client: Client, relationship: Relationship) -> None:
    client.force_login(relationship.mentee)

    response = client.post(reverse("relationships:reflect", args=[relationship.pk]), reflection_form())

    assert response["Location"] == relationship.get_absolute_url()
    assert not Reflection.objects.exists()


@pytest.mark.parametrize("who", ["mentee", "mentor"])
def test_a_completed_relationship_stays_readable_to_both_without_write_controls(
    client: Client, world: World, who: str
) -> None:
    rel = world.relationship
    make_active_v = services.agreement_save(
        relationship=rel, side=Side.MENTOR, actor=rel.mentor, **agreement_fields(desired_outcomes="Second take")
    )
    assert make_active_v.version == 1  # nobody accepted the draft yet, so it is edited in place
    services.relationship_end(relationship=rel, side=Side.MENTEE, actor=rel.mentee, completed=True, reason="")
    client.force_login(getattr(rel, who))

    page = client.get(rel.get_absolute_url()).content.decode()

    assert "Ship a feature" in page
    assert "Second take" in page
    assert "Completed" in page
    for write in ("goal_new", "agreement_edit", "pause", "end"):
        assert reverse(f"relationships:{write}", args=[rel.pk]) not in page
    assert "I accept this agreement" not in page
    assert reverse("relationships:reflect", args=[rel.pk]) in page


# -- next steps on the relationship page, the list and the home page ---------------------------------------


def _next_step(client: Client, user: User, relationship: Relationship) -> tuple[str, str, str]:
    client.force_login(user)
    detail = client.get(relationship.get_absolute_url()).context["next_step"]
    (listed,) = [r for r in client.get(reverse("relationships:list")).context["relationships"] if r == relationship]
    home = client.get(reverse("home")).content.decode()
    assert str(listed.next_step) in home
    return detail, listed.next_step, home


def test_next_steps_walk_both_people_from_goals_to_the_first_meeting(
    client: Client, relationship: Relationship
) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor

    assert _next_step(client, mentee, relationship)[:2] == ("Agree on your goals: add your first goal",) * 2
    assert _next_step(client, mentor, relationship)[1] == "Help Mia Mentee put their goals into words"

    services.goal_save(
        relationship=relationship, side=Side.MENTEE, actor=mentee, goal=None, title="G", category="skills"
    )
    assert _next_step(client, mentor, relationship)[1] == "Draft your agreement"

    agreement = services.agreement_save(relationship=relationship, side=Side.MENTOR, actor=mentor, **agreement_fields())
    assert _next_step(client, mentee, relationship)[1] == "Accept the agreement"

    services.agreement_accept(agreement=agreement, side=Side.MENTEE, actor=mentee)
    assert _next_step(client, mentee, relationship)[1] == "Waiting for Marco Mentor to accept the agreement"
    assert _next_step(client, mentor, relationship)[1] == "Accept the agreement"

    services.agreement_accept(agreement=agreement, side=Side.MENTOR, actor=mentor)
    for person in (mentee, mentor):
        detail, listed, _home = _next_step(client, person, relationship)
        assert detail == listed == "Schedule your first meeting"


def test_next_steps_for_paused_and_ended_relationships(client: Client, relationship: Relationship) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor
    make_active(relationship)
    services.relationship_pause(relationship=relationship, side=Side.MENTOR, actor=mentor, reason="Leave")
    assert _next_step(client, mentee, relationship)[1] == "Paused: resume when you are both ready"

    services.relationship_end(relationship=relationship, side=Side.MENTOR, actor=mentor, completed=True, reason="")
    assert _next_step(client, mentee, relationship)[1] == "Share your reflection and say thank you"
    services.reflection_save(
        relationship=relationship,
        side=Side.MENTEE,
        actor=mentee,
        data=services.ReflectionInput(goals_reached="", what_worked="", what_to_change="", rating=5, thank_you=""),
    )
    assert _next_step(client, mentee, relationship)[1] == ""
    assert _next_step(client, mentor, relationship)[1] == "Share your reflection and say thank you"


def test_the_admin_sees_no_next_step_of_their_own(
    client: Client, relationship: Relationship, program_admin: User
) -> None:
    client.force_login(program_admin)

    assert client.get(relationship.get_absolute_url()).context["next_step"] == ""


@pytest.mark.parametrize(
    ("who", "name", "on", "data"),
    [
        ("mentee", "goal_new", "relationship", goal_form()),
        ("mentor", "agreement_edit", "relationship", agreement_form()),
        ("mentor", "advocacy_new", "sponsorship", advocacy_form()),
    ],
)
def test_writing_to_an_ended_relationship_says_it_has_ended(
    client: Client,
    relationship: Relationship,
    sponsorship: Relationship,
    who: str,
    name: str,
    on: str,
    data: dict[str, str],
) -> None:
    target = relationship if on == "relationship" else sponsorship
    services.relationship_end(relationship=target, side=Side.MENTEE, actor=target.mentee, completed=True, reason="")
    client.force_login(getattr(target, who))
    url = reverse(f"relationships:{name}", args=[target.pk])
    before = db_state()

    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 302
        assert "This relationship has ended; it can be read but no longer changed." in errors_of(response)
    assert db_state() == before


def test_commenting_on_a_goal_of_an_ended_relationship_says_it_has_ended(client: Client, world: World) -> None:
    rel = world.relationship
    services.relationship_end(relationship=rel, side=Side.MENTEE, actor=rel.mentee, completed=True, reason="")
    client.force_login(rel.mentor)
    before = db_state()

    response = client.post(reverse("relationships:goal_comment", args=[rel.pk, world.goal.pk]), {"body": "Late"})

    assert errors_of(response) == ["This relationship has ended; it can be read but no longer changed."]
    assert db_state() == before
