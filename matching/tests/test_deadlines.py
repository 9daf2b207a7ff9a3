"""A proposal the mentor leaves unanswered lapses at its deadline: the beat expires it, the mentee moves on."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching import services as match_services
from matching import tasks
from matching.models import MatchProposal
from matching.tests.test_flow import enroll
from mentorship.celery import app
from mentorship.notifications.models import OutboundEmail
from programs.models import Program

pytestmark = pytest.mark.django_db

PUBLISHED = datetime.datetime(2027, 3, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(PUBLISHED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def proposal(clock: Any, program: Program, program_admin: Any, make_user: Any) -> MatchProposal:
    """Mia is proposed to Mo (who offers what she wants); Sam is the next-best mentor, Max another mentee."""
    program.status = Program.Status.RUNNING
    program.mentor_response_days = 3
    program.save()
    people = {name: make_user(email=f"{name}@example.com", full_name=name.title()) for name in ("mia", "mo", "sam")}
    for name in ("mo", "sam"):
        people[name].profile.seniority = 6
        people[name].profile.save()
    mia = enroll(program, people["mia"], "mentee", skills=["Python", "Negotiation"])
    mo = enroll(program, people["mo"], "mentor", capacity=1, skills=["Python", "Negotiation"])
    enroll(program, people["sam"], "mentor", capacity=1, skills=["Python"])
    match_services.matching_run(program=program, actor=program_admin)
    match_services.matching_publish(program=program, actor=program_admin)
    return MatchProposal.objects.get(mentee=mia, mentor=mo)


def answer(user: Any, proposal: MatchProposal, action: str, text: str = "") -> list[str]:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("matching:proposal_respond", args=[proposal.pk, action]), {"text": text})
    assert response.status_code == 302
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_deadline_is_the_programs_answer_time(proposal: MatchProposal) -> None:
    assert proposal.respond_by == PUBLISHED + datetime.timedelta(days=3)


def test_an_accept_just_before_the_deadline_goes_through(proposal: MatchProposal, clock: Any) -> None:
    clock.move_to(proposal.respond_by - datetime.timedelta(minutes=1))

    answer(proposal.mentor.user, proposal, "accept")

    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.ACCEPTED


@pytest.mark.parametrize(("action", "text"), [("accept", ""), ("ask", "Which team are you in?")])
def test_after_the_deadline_accepting_and_asking_are_refused_with_the_reason(
    proposal: MatchProposal, clock: Any, action: str, text: str
) -> None:
    clock.move_to(proposal.respond_by + datetime.timedelta(seconds=1))

    said = answer(proposal.mentor.user, proposal, action, text)

    assert len(said) == 1 and "The time to answer this proposal ran out on 4 March 2027" in said[0]
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PROPOSED and proposal.question == ""
    assert not proposal.program.relationships.exists()


def test_a_lapsing_proposal_is_no_longer_offered_on_the_mentors_page(proposal: MatchProposal, clock: Any) -> None:
    client = Client()
    client.force_login(proposal.mentor.user)
    assert "please answer by" in client.get(reverse("matching:proposals")).content.decode()

    clock.move_to(proposal.respond_by + datetime.timedelta(seconds=1))

    assert "Nothing waiting for you" in client.get(reverse("matching:proposals")).content.decode()


def test_the_mentor_is_reminded_the_day_before_then_the_beat_lets_it_lapse_and_proposes_the_next_best(
    proposal: MatchProposal, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    mo = proposal.mentor.user
    clock.move_to(proposal.respond_by - datetime.timedelta(hours=12))
    assert tasks.scan_reminders() == 1
    assert OutboundEmail.objects.filter(key__startswith=f"match-proposal:{proposal.pk}:", to=mo.email).count() == 1
    assert tasks.expire_proposals() == 0

    clock.move_to(proposal.respond_by + datetime.timedelta(minutes=5))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.expire_proposals.delay().get() == 1

    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.EXPIRED
    assert proposal.decided_at == timezone.now()
    follow_up = MatchProposal.objects.get(mentee=proposal.mentee, status=MatchProposal.Status.PROPOSED)
    assert follow_up.mentor.user.email == "sam@example.com"
    assert follow_up.respond_by == timezone.now() + datetime.timedelta(days=3)
    assert [m.to for m in mail.outbox] == [["sam@example.com"]]
    # A second run finds nothing more to do, and the mentor who let it lapse is not proposed again.
    assert tasks.expire_proposals() == 0
    assert tasks.scan_reminders() == 0


def test_the_beat_runs_the_expiry() -> None:
    entries = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}

    assert "matching.expire_proposals" in entries
    assert entries["matching.expire_proposals"]["schedule"] <= 3600
    assert "matching.expire_proposals" in app.tasks
