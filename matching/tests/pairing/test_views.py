"""HR's relationships page for a program: health in counts, the list, the status filter and pairing by hand."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import Seniority, User
from programs.models import Enrollment, Program
from relationships import services
from relationships.models import AdvocacyAction, Relationship, Side
from relationships.tests.factories import (
    AdvocacyFactory,
    EnrollmentFactory,
    ReflectionFactory,
    RelationshipFactory,
    approve,
    make_active,
    pair,
)

pytestmark = pytest.mark.django_db

R = Relationship.Status


def page_url(program: Program, query: str = "") -> str:
    return reverse("matching:relationships", args=[program.slug]) + query


@pytest.fixture
def hr(client: Client, program_admin: User) -> Client:
    client.force_login(program_admin)
    return client


def test_the_page_lists_each_relationship_with_status_goal_count_and_agreement(
    hr: Client, relationship: Relationship, other_relationship: Relationship
) -> None:
    make_active(relationship)

    response = hr.get(page_url(relationship.program))

    assert response.status_code == 200
    rows = {r.pk: r for r in response.context["page"]}
    assert set(rows) == {relationship.pk, other_relationship.pk}
    assert (rows[relationship.pk].goal_count, rows[relationship.pk].agreement_accepted) == (1, True)
    assert (rows[other_relationship.pk].goal_count, rows[other_relationship.pk].agreement_accepted) == (0, False)
    html = response.content.decode()
    assert "Mia Mentee" in html and "Olga Othermentee" in html


def test_relationships_of_other_programs_are_not_listed(
    hr: Client, relationship: Relationship, sponsorship: Relationship
) -> None:
    response = hr.get(page_url(relationship.program))

    assert [r.pk for r in response.context["page"]] == [relationship.pk]
    assert response.context["health"].by_status == {R.STARTING: 1}


def test_health_counts_statuses_ratings_and_advocacy_outcomes_without_text(
    hr: Client, sponsorship_program: Program, make_user: Any, mentor: User
) -> None:
    statuses = [R.STARTING, R.ACTIVE, R.ACTIVE, R.PAUSED, R.COMPLETED, R.ENDED]
    relationships = [
        RelationshipFactory(program=sponsorship_program, mentor=mentor, status=status, ended_on=None)
        for status in statuses
    ]
    ReflectionFactory(relationship=relationships[4], rating=5)
    ReflectionFactory(relationship=relationships[4], author=mentor, rating=4)
    ReflectionFactory(relationship=relationships[5], rating=2)
    AdvocacyFactory(relationship=relationships[1], kind="promotion", outcome="succeeded", description="Secret A")
    AdvocacyFactory(relationship=relationships[2], kind="promotion", outcome="succeeded", description="Secret B")
    AdvocacyFactory(relationship=relationships[2], kind="introduction", outcome="pending", description="Secret C")

    response = hr.get(page_url(sponsorship_program))

    counts = {value: n for value, _label, n in response.context["status_counts"]}
    assert counts == {"starting": 1, "active": 2, "paused": 1, "completed": 1, "ended": 1}
    health = response.context["health"]
    assert (round(health.average_rating, 2), health.ratings) == (3.67, 3)
    assert [(row["kind"], row["outcome"], row["n"]) for row in health.advocacy] == [
        ("introduction", "pending", 1),
        ("promotion", "succeeded", 2),
    ]
    html = response.content.decode()
    assert "Average rating 3.7 out of 5 from 3 reflections." in html
    assert "Recommended for a promotion" in html
    assert "Secret" not in html


@pytest.mark.parametrize("status", ["paused", "completed"])
def test_the_status_filter_shows_only_that_status(hr: Client, program: Program, status: str) -> None:
    starting = RelationshipFactory(program=program)
    chosen = RelationshipFactory(program=program, status=status)

    response = hr.get(page_url(program, f"?status={status}"))

    assert [r.pk for r in response.context["page"]] == [chosen.pk]
    assert starting.pk not in [r.pk for r in response.context["page"]]


def test_an_unknown_status_filter_shows_everything(hr: Client, program: Program) -> None:
    RelationshipFactory(program=program)
    RelationshipFactory(program=program, status=R.PAUSED)

    response = hr.get(page_url(program, "?status=<script>"))

    assert response.status_code == 200
    assert response.context["status"] == ""
    assert len(response.context["page"]) == 2


def test_the_list_pages_by_fifty_and_a_bad_page_number_is_no_error(hr: Client, program: Program) -> None:
    for _ in range(51):
        RelationshipFactory(program=program)

    assert len(hr.get(page_url(program)).context["page"]) == 50
    assert len(hr.get(page_url(program, "?page=2")).context["page"]) == 1
    assert hr.get(page_url(program, "?page=abc")).status_code == 200
    assert hr.get(page_url(program, "?page=999")).status_code == 200


def test_pairing_candidates_are_approved_people_without_an_open_relationship(
    hr: Client, program: Program, relationship: Relationship, make_user: Any
) -> None:
    free_mentee, applied_mentee, free_mentor, applied_mentor = (make_user() for _ in range(4))
    approve(program, free_mentee, Enrollment.Role.MENTEE)
    EnrollmentFactory(program=program, user=applied_mentee, role="mentee", status="applied")
    approve(program, free_mentor, Enrollment.Role.MENTOR)
    EnrollmentFactory(program=program, user=applied_mentor, role="mentor", status="applied")

    form = hr.get(page_url(program)).context["form"]

    assert set(form.fields["mentee"].queryset) == {free_mentee}
    assert set(form.fields["mentor"].queryset) == {relationship.mentor, free_mentor}


def test_hr_pairs_two_people_and_both_are_told(
    hr: Client, program: Program, program_admin: User, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mentee, mentor = make_user(full_name="Pia Pairme"), make_user(full_name="Max Mentor")
    approve(program, mentee, Enrollment.Role.MENTEE)
    approve(program, mentor, Enrollment.Role.MENTOR)

    with django_capture_on_commit_callbacks(execute=True):
        response = hr.post(page_url(program), {"mentee": mentee.pk, "mentor": mentor.pk})

    assert response.status_code == 302
    relationship = Relationship.objects.get()
    assert (relationship.mentee, relationship.mentor, relationship.status) == (mentee, mentor, R.STARTING)
    assert relationship.activity.get().actor == program_admin
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, mentor.email])
    followed = hr.get(response["Location"])
    assert "Pia Pairme" in followed.content.decode()


def test_a_pairing_the_rules_refuse_is_explained_on_the_page(hr: Client, program: Program, make_user: Any) -> None:
    mentor = make_user()
    EnrollmentFactory(program=program, user=mentor, role="mentor", status="approved", capacity=1)
    pair(program, make_user(), mentor)
    waiting = make_user()
    approve(program, waiting, Enrollment.Role.MENTEE)

    response = hr.post(page_url(program), {"mentee": waiting.pk, "mentor": mentor.pk})

    assert response.status_code == 200
    assert any("no free capacity" in e for e in response.context["form"].non_field_errors())
    assert Relationship.objects.count() == 1


def test_a_sponsor_too_junior_is_explained_on_the_page(
    hr: Client, sponsorship_program: Program, mentee: User, make_user: Any
) -> None:
    junior_sponsor = make_user()
    junior_sponsor.profile.seniority = Seniority.SENIOR
    junior_sponsor.profile.save(update_fields=["seniority"])
    approve(sponsorship_program, mentee, Enrollment.Role.MENTEE)
    approve(sponsorship_program, junior_sponsor, Enrollment.Role.SPONSOR)

    response = hr.post(page_url(sponsorship_program), {"mentee": mentee.pk, "mentor": junior_sponsor.pk})

    assert response.status_code == 200
    assert "seniority levels above" in response.content.decode()
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    "data", [{"mentee": "", "mentor": ""}, {"mentee": "999999", "mentor": "999999"}, {"mentee": "abc", "mentor": ""}]
)
def test_bad_pairing_input_shows_the_form_again(
    hr: Client, program: Program, relationship: Relationship, data: dict[str, str]
) -> None:
    response = hr.post(page_url(program), data)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert Relationship.objects.count() == 1


def test_a_mentee_already_paired_cannot_be_picked_again(
    hr: Client, program: Program, relationship: Relationship, make_user: Any
) -> None:
    another_mentor = make_user()
    approve(program, another_mentor, Enrollment.Role.MENTOR)

    response = hr.post(page_url(program), {"mentee": relationship.mentee.pk, "mentor": another_mentor.pk})

    assert response.status_code == 200
    assert "mentee" in response.context["form"].errors
    assert Relationship.objects.count() == 1


def test_hr_opens_a_relationship_from_the_list_and_steps_in(
    hr: Client, relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    html = hr.get(page_url(relationship.program)).content.decode()
    assert relationship.get_absolute_url() in html

    with django_capture_on_commit_callbacks(execute=True):
        hr.post(reverse("relationships:pause", args=[relationship.pk]), {"reason": "Mentor on sick leave"})

    relationship.refresh_from_db()
    assert relationship.status == R.PAUSED
    assert sorted(m.to[0] for m in mail.outbox if "paused" in m.subject) == sorted(
        [relationship.mentee.email, relationship.mentor.email]
    )


def test_advocacy_counts_cover_only_this_program(
    hr: Client, sponsorship: Relationship, other_program: Program, make_user: Any
) -> None:
    services.advocacy_save(
        relationship=sponsorship,
        side=Side.MENTOR,
        actor=sponsorship.mentor,
        action=None,
        kind=AdvocacyAction.Kind.NOMINATION,
        happened_on=sponsorship.started_on,
        description="Nominated for the award",
    )
    elsewhere = RelationshipFactory(program=other_program, kind="sponsorship")
    AdvocacyFactory(relationship=elsewhere, kind="nomination")

    health = hr.get(page_url(sponsorship.program)).context["health"]

    assert [(row["kind"], row["n"]) for row in health.advocacy] == [("nomination", 1)]
