"""Ids a page posts are parsed by forms: Unicode digits, words and huge numbers are refusals, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from matching.models import MatchProposal, PairRule
from programs.models import Enrollment, Program
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

BAD = ["²", "١٢", "abc", "", "-3", "9" * 40, "1.5"]


@pytest.fixture
def pair_of(program: Program, make_user: Any) -> tuple[Enrollment, Enrollment]:
    mentee = EnrollmentFactory(program=program, user=make_user(), role="mentee", status="approved")
    mentor = EnrollmentFactory(program=program, user=make_user(), role="mentor", status="approved")
    return mentee, mentor


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("action", ["lock", "forbid", "clear"])
def test_a_rule_for_ids_that_are_no_numbers_is_refused(
    client: Client, program: Program, program_admin: Any, pair_of: Any, bad: str, action: str
) -> None:
    client.force_login(program_admin)
    mentee, _mentor = pair_of
    response = client.post(
        reverse("matching:review", args=[program.slug]), {"action": action, "mentee": mentee.pk, "mentor": bad}
    )
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)]
    assert not PairRule.objects.exists()


@pytest.mark.parametrize("bad", BAD)
def test_a_mentee_choosing_an_id_that_is_no_number_is_told_so(
    client: Client, program: Program, pair_of: Any, bad: str
) -> None:
    program.matching_mode = Program.MatchingMode.MENTEE_CHOOSES
    program.save()
    mentee, _mentor = pair_of
    client.force_login(mentee.user)
    response = client.post(reverse("matching:choose", args=[program.slug]), {"mentor": bad})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["That mentor cannot take you on in this program."]
    assert not MatchProposal.objects.exists()


def test_an_unknown_review_action_is_not_found(client: Client, program: Program, program_admin: Any) -> None:
    client.force_login(program_admin)
    response = client.post(reverse("matching:review", args=[program.slug]), {"action": "explode"})
    assert response.status_code == 404


def test_an_overlong_question_to_the_mentee_is_refused(
    client: Client, program: Program, pair_of: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mentee, mentor = pair_of
    proposal = MatchProposal.objects.create(
        program=program, mentee=mentee, mentor=mentor, origin="engine", status=MatchProposal.Status.PROPOSED
    )
    client.force_login(mentor.user)
    response = client.post(reverse("matching:proposal_respond", args=[proposal.pk, "ask"]), {"text": "x" * 100_000})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.question == ""
