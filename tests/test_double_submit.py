"""A form sent twice (a double click, a resend after a slow answer) creates one object, one email.

Every form that creates something carries a hidden single-use token; the second request with it is told the
form was saved once and lands where the first one did. On PostgreSQL two requests at the same instant race
on the token's unique key, and still only one of them writes.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.urls import reverse

from meetings import services as meeting_services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from meetings.tests.factories import action_item_form, place, schedule_form, wrap_up_form
from mentorship.accounts.models import FormSubmission, User
from mentorship.accounts.submissions import KEEP, submissions_prune
from mentorship.notifications.models import OutboundEmail
from relationships import services as relationship_services
from relationships.models import AdvocacyAction, Goal, GoalComment, Milestone, PrivateNote, Relationship
from relationships.tests.conftest import FAST_HASHERS, create_person, create_program, create_sponsorship_program
from relationships.tests.factories import advocacy_form, agreement_form, goal_form, pair

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)
TOKEN_RE = re.compile(r'name="submission" value="([0-9a-f]{32})"')


@dataclass
class Pair:
    relationship: Relationship
    sponsorship: Relationship
    goal: Goal
    meeting: Meeting


def build_pair(admin: User) -> Pair:
    mentee, mentor = create_person("mentee"), create_person("mentor")
    relationship = pair(create_program(admin), mentee, mentor, created_by=admin)
    sponsorship = pair(create_sponsorship_program(admin), mentee, mentor)
    goal = relationship_services.goal_save(
        relationship=relationship, side="mentee", actor=mentee, goal=None, title="Ship it", category="skills"
    )
    meeting = meeting_services.meeting_create(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        start_local=datetime.datetime(2027, 1, 3, 10, 0),
        zone="Europe/Berlin",
        duration_minutes=45,
        place=place(),
    )
    return Pair(relationship, sponsorship, goal, meeting)


@dataclass(frozen=True)
class Case:
    """Where the form is shown, where it posts, what it sends, who sends it, and what one save creates."""

    page: Callable[[Pair], str]
    action: Callable[[Pair], str]
    data: Callable[[Pair], dict[str, str]]
    count: Callable[[], int]
    actor: str = "mentee"


def _rel(name: str, *args: Callable[[Pair], Any]) -> Callable[[Pair], str]:
    return lambda p: reverse(name, args=[arg(p) for arg in args])


REL = lambda p: p.relationship.pk  # noqa: E731
SPONSOR = lambda p: p.sponsorship.pk  # noqa: E731
GOAL = lambda p: p.goal.pk  # noqa: E731
MEETING = lambda p: p.meeting.pk  # noqa: E731


def _thanks() -> int:
    return OutboundEmail.objects.filter(key__contains="thanks").count()


CASES = {
    "goal": Case(
        _rel("relationships:goal_new", REL),
        _rel("relationships:goal_new", REL),
        lambda p: goal_form(),
        Goal.objects.count,
    ),
    "comment": Case(
        _rel("relationships:detail", REL),
        _rel("relationships:goal_comment", REL, GOAL),
        lambda p: {"body": "Nice progress"},
        GoalComment.objects.count,
        actor="mentor",
    ),
    "milestone": Case(
        _rel("relationships:detail", REL),
        _rel("relationships:milestone_add", REL, GOAL),
        lambda p: {"title": "Draft", "due_on": ""},
        Milestone.objects.count,
    ),
    "private note": Case(
        _rel("relationships:detail", REL),
        _rel("relationships:note_add", REL),
        lambda p: {"body": "Ask about the reorg"},
        PrivateNote.objects.count,
    ),
    "agreement": Case(
        _rel("relationships:agreement_edit", REL),
        _rel("relationships:agreement_edit", REL),
        lambda p: agreement_form(),
        # Each save asks the other person to accept, by email.
        lambda: OutboundEmail.objects.filter(key__contains="agreement").count(),
    ),
    "advocacy": Case(
        _rel("relationships:advocacy_new", SPONSOR),
        _rel("relationships:advocacy_new", SPONSOR),
        lambda p: advocacy_form(happened_on="2027-01-02"),
        AdvocacyAction.objects.count,
        actor="mentor",
    ),
    "one-off meeting": Case(
        _rel("meetings:schedule", REL),
        _rel("meetings:schedule", REL),
        lambda p: schedule_form(frequency="once"),
        Meeting.objects.count,
    ),
    "series": Case(
        _rel("meetings:schedule", REL),
        _rel("meetings:schedule", REL),
        lambda p: schedule_form(),
        MeetingSeries.objects.count,
    ),
    "agenda topic": Case(
        _rel("meetings:detail", MEETING),
        _rel("meetings:agenda_add", MEETING),
        lambda p: {"text": "Career plans"},
        AgendaItem.objects.count,
    ),
    "action item": Case(
        _rel("meetings:wrap_up", MEETING),
        _rel("meetings:action_item_add", REL),
        lambda p: {**action_item_form(p.relationship), "meeting": str(p.meeting.pk)},
        ActionItem.objects.count,
    ),
    "wrap-up thanks": Case(
        _rel("meetings:wrap_up", MEETING),
        _rel("meetings:wrap_up", MEETING),
        lambda p: wrap_up_form(thank_you="Thanks for your time!"),
        _thanks,
    ),
}


@pytest.fixture
def world(program_admin: User, settings: Any) -> Pair:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with time_machine.travel(NOW, tick=False):
        yield build_pair(program_admin)


def actor_of(world: Pair, case: Case) -> User:
    return getattr(world.relationship, case.actor)


def token_on(client: Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200
    tokens = TOKEN_RE.findall(page.content.decode())
    assert tokens, f"no single-use token on {path}"
    return tokens[0]


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_the_same_form_sent_twice_saves_once(world: Pair, name: str) -> None:
    case = CASES[name]
    client = Client()
    client.force_login(actor_of(world, case))
    with time_machine.travel(NOW, tick=False):
        token = token_on(client, case.page(world))
        before = case.count()
        data = {**case.data(world), "submission": token}

        first = client.post(case.action(world), data)
        second = client.post(case.action(world), data)

    assert first.status_code == 302, first.content.decode()[:2000]
    assert case.count() == before + 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "You sent this twice; it is saved once." in [str(m) for m in get_messages(second.wsgi_request)]


@pytest.mark.django_db
def test_a_refused_form_keeps_its_token_for_the_corrected_resend(world: Pair) -> None:
    client = Client()
    client.force_login(world.relationship.mentee)
    with time_machine.travel(NOW, tick=False):
        token = token_on(client, reverse("meetings:schedule", args=[world.relationship.pk]))
        path = reverse("meetings:schedule", args=[world.relationship.pk])

        refused = client.post(path, {**schedule_form(location="https://example.com/x"), "submission": token})
        corrected = client.post(path, {**schedule_form(), "submission": token})

    assert refused.status_code == 200 and token in refused.content.decode()
    assert corrected.status_code == 302
    assert MeetingSeries.objects.count() == 1


@pytest.mark.django_db
def test_two_forms_each_save_and_another_persons_token_is_theirs_alone(world: Pair) -> None:
    mentee, mentor = world.relationship.mentee, world.relationship.mentor
    token = "a" * 32
    path = reverse("relationships:note_add", args=[world.relationship.pk])
    with time_machine.travel(NOW, tick=False):
        for user, body in ((mentee, "mine"), (mentor, "theirs")):
            client = Client()
            client.force_login(user)
            client.post(path, {"body": body, "submission": token})
        client.post(path, {"body": "again"})

    assert PrivateNote.objects.count() == 3  # the same token for two people, and one post without any


@pytest.mark.django_db
def test_old_tokens_are_pruned(world: Pair) -> None:
    FormSubmission.objects.create(user=world.relationship.mentee, token="b" * 32)
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + KEEP + datetime.timedelta(minutes=1)):
        assert submissions_prune() == 1
    assert not FormSubmission.objects.exists()


# -- at the same instant, on PostgreSQL ----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", ["goal", "series"])
def test_two_identical_posts_at_the_same_instant_create_one_object(
    program_admin: User, settings: Any, name: str
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the race on the token's unique key is what this proves; SQLite serialises every write anyway")
    settings.PASSWORD_HASHERS = FAST_HASHERS
    case = CASES[name]
    with time_machine.travel(NOW, tick=True):
        world = build_pair(program_admin)
        data = {**case.data(world), "submission": "c" * 32}
        path = case.action(world)
        before = case.count()
        barrier = threading.Barrier(2)
        statuses: list[int] = []

        def send() -> None:
            client = Client()
            client.force_login(actor_of(world, case))
            barrier.wait()
            try:
                statuses.append(client.post(path, data).status_code)
            finally:
                connection.close()

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert statuses == [302, 302]
    assert case.count() == before + 1
    assert FormSubmission.objects.filter(token="c" * 32).count() == 1
