"""Publishing the draft asks first, with the counts, and sends only what the administrator saw."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from matching import services as match_services
from matching.models import MatchProposal
from matching.tests.test_flow import enroll
from programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted(program: Program, program_admin: Any, make_user: Any) -> Program:
    """Three mentees and two mentors with one place each: a draft of two pairs, one mentee left out."""
    program.status = Program.Status.RUNNING
    program.save()
    for name in ("ada", "bo", "cy"):
        enroll(program, make_user(email=f"{name}@example.com", full_name=name.title()), "mentee", skills=["Go"])
    for name in ("mo", "meg"):
        mentor = make_user(email=f"{name}@example.com", full_name=name.title())
        enroll(program, mentor, "mentor", capacity=1, skills=["Go"])
    match_services.matching_run(program=program, actor=program_admin)
    assert MatchProposal.objects.filter(status="draft").count() == 2
    return program


def publish_url(program: Program) -> str:
    return reverse("matching:publish", args=[program.slug])


def test_the_confirmation_says_how_many_go_to_whom_and_who_is_left_out(
    client: Client, drafted: Program, program_admin: Any
) -> None:
    client.force_login(program_admin)
    review = client.get(reverse("matching:review", args=[drafted.slug])).content.decode()
    assert f'<form method="get" action="{publish_url(drafted)}">' in review
    response = client.get(publish_url(drafted))
    summary = response.context["summary"]
    assert (summary.proposals, summary.mentors, summary.left_out) == (2, 2, 1)
    page = response.content.decode()
    assert "2 proposals go out" in page and "to 2 mentors" in page
    assert "1 approved mentee stays without a match for now." in page
    assert "Yes, send 2 proposals" in page
    # Looking is not publishing.
    assert MatchProposal.objects.filter(status="proposed").count() == 0


def test_confirming_sends_the_proposals(client: Client, drafted: Program, program_admin: Any) -> None:
    client.force_login(program_admin)
    response = client.post(publish_url(drafted), {"expected": "2"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("matching:review", args=[drafted.slug])
    assert "2 proposals sent to the mentors." in response.content.decode()
    assert MatchProposal.objects.filter(status="proposed").count() == 2


def test_a_draft_that_changed_since_is_not_sent(client: Client, drafted: Program, program_admin: Any) -> None:
    client.force_login(program_admin)
    response = client.post(publish_url(drafted), {"expected": "3"}, follow=True)
    assert "The draft changed while you were looking: it now holds 2 pairs." in response.content.decode()
    assert MatchProposal.objects.filter(status="proposed").count() == 0


@pytest.mark.parametrize("expected", ["", "abc", "²", "-1", "9" * 40])
def test_a_mangled_confirmation_is_refused_with_a_message(
    client: Client, drafted: Program, program_admin: Any, expected: str
) -> None:
    client.force_login(program_admin)
    response = client.post(publish_url(drafted), {"expected": expected})
    assert response.status_code == 302
    assert MatchProposal.objects.filter(status="proposed").count() == 0


def test_without_a_draft_there_is_nothing_to_confirm(client: Client, program: Program, program_admin: Any) -> None:
    client.force_login(program_admin)
    response = client.get(publish_url(program), follow=True)
    assert "There is no draft to publish." in response.content.decode()
    response = client.post(publish_url(program), {"expected": "0"}, follow=True)
    assert "There is no draft to publish." in response.content.decode()


@pytest.mark.parametrize("persona", ["other_program_admin", "member", "outsider"])
def test_only_the_programs_administrators_publish(
    client: Client, drafted: Program, persona: str, request: pytest.FixtureRequest
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(publish_url(drafted)).status_code == 404
    assert client.post(publish_url(drafted), {"expected": "2"}).status_code == 404
    assert MatchProposal.objects.filter(status="proposed").count() == 0


def test_the_review_page_no_longer_publishes_without_asking(
    client: Client, drafted: Program, program_admin: Any
) -> None:
    client.force_login(program_admin)
    client.post(reverse("matching:review", args=[drafted.slug]), {"action": "publish"})
    assert MatchProposal.objects.filter(status="proposed").count() == 0
