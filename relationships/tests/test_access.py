"""Who reaches what: every URL in relationships/urls.py and urls_program.py, GET and POST, for every persona.

Each request is a valid one, so what decides the outcome is who sends it. A permitted write must change
something; a refused one, a 404, a 405 and every GET must change nothing. Strangers (the other pair, the
other program's admin, an outsider) get 404 and cannot tell a relationship exists from one that does not.

The cast is built once for the module inside a transaction that is rolled back at the end; each test runs in
its own savepoint on top, and reloads what it uses so nothing leaks from one test to the next.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.tests.factories import UserFactory
from relationships import services
from relationships.models import (
    AdvocacyAction,
    Agreement,
    Goal,
    Milestone,
    PrivateNote,
    Relationship,
    Side,
)
from relationships.tests.conftest import (
    FAST_HASHERS,
    PERSONAS,
    STRANGERS,
    World,
    build_world,
    create_other_program,
    create_person,
    create_program,
    create_sponsorship_program,
    db_state,
)
from relationships.tests.factories import advocacy_form, agreement_form, goal_form, pair, reflection_form

pytestmark = pytest.mark.django_db

PAGE = "page"  # 200, nothing changed
DONE = "done"  # redirect, the write happened
REFUSED = "refused"  # redirect back with an error message, nothing changed
NOT_FOUND = 404
NOT_ALLOWED = 405


@dataclass
class Cast:
    people: dict[str, int]
    program: int
    relationship: int
    sponsorship: int
    goal: int
    milestone: int
    agreement: int
    action: int
    mentee_note: int
    mentor_note: int
    new_mentee: int
    new_mentor: int
    theirs: dict[str, int]  # the other pair's goal, milestone and advocacy entry


@pytest.fixture(scope="module")
def cast(django_db_setup: None, django_db_blocker: Any) -> Iterator[Cast]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            people = {role: create_person(role) for role in ("mentee", "mentor", "other_mentee", "other_mentor")}
            people["outsider"] = UserFactory(email="outsider@example.com", full_name="Otto Outsider")
            for name, email in (("program_admin", "hr@example.com"), ("other_program_admin", "hr2@example.com")):
                people[name] = UserFactory(email=email, full_name=name.replace("_", " ").title())
                grant_program_admin(people[name])
            program = create_program(people["program_admin"])
            sponsorship_program = create_sponsorship_program(people["program_admin"])
            create_other_program(people["other_program_admin"])
            w = build_world(
                relationship=pair(program, people["mentee"], people["mentor"]),
                sponsorship=pair(sponsorship_program, people["mentee"], people["mentor"]),
            )
            their = build_world(
                relationship=pair(program, people["other_mentee"], people["other_mentor"]),
                sponsorship=pair(sponsorship_program, people["other_mentee"], people["other_mentor"]),
                newcomers=False,
            )
            assert w.new_mentee and w.new_mentor
            yield Cast(
                people={name: user.pk for name, user in people.items()},
                program=program.pk,
                relationship=w.relationship.pk,
                sponsorship=w.sponsorship.pk,
                goal=w.goal.pk,
                milestone=w.milestone.pk,
                agreement=w.agreement.pk,
                action=w.action.pk,
                mentee_note=w.mentee_note.pk,
                mentor_note=w.mentor_note.pk,
                new_mentee=w.new_mentee.pk,
                new_mentor=w.new_mentor.pk,
                theirs={"goal": their.goal.pk, "milestone": their.milestone.pk, "action": their.action.pk},
            )
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(cast: Cast, db: None) -> World:
    """Fresh instances for this test: a test that pauses the relationship must not pause it for the next."""
    return World(
        relationship=Relationship.objects.get(pk=cast.relationship),
        sponsorship=Relationship.objects.get(pk=cast.sponsorship),
        goal=Goal.objects.get(pk=cast.goal),
        milestone=Milestone.objects.get(pk=cast.milestone),
        agreement=Agreement.objects.get(pk=cast.agreement),
        action=AdvocacyAction.objects.get(pk=cast.action),
        mentee_note=PrivateNote.objects.get(pk=cast.mentee_note),
        mentor_note=PrivateNote.objects.get(pk=cast.mentor_note),
        new_mentee=User.objects.get(pk=cast.new_mentee),
        new_mentor=User.objects.get(pk=cast.new_mentor),
    )


@pytest.fixture
def theirs(cast: Cast, db: None) -> dict[str, int]:
    return cast.theirs


@pytest.fixture
def person(cast: Cast, db: None) -> Callable[[str], User]:
    return lambda name: User.objects.get(pk=cast.people[name])


def errors_of(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]


Expect = dict[str, object] | int


@dataclass
class Row:
    """One URL: what each insider gets for GET and POST (strangers always get 404, or 405 for a bad method)."""

    name: str
    on: str = "relationship"  # or "sponsorship"
    args: Callable[[World], list[int]] = lambda w: []
    get: Expect = NOT_ALLOWED
    post: Expect = NOT_ALLOWED
    data: Callable[[World], dict[str, Any]] = lambda w: {}
    prepare: Callable[[World], None] | None = None


def _pause(w: World) -> None:
    rel = w.relationship
    services.relationship_pause(relationship=rel, side=Side.MENTEE, actor=rel.mentee, reason="Holiday")


def _end(w: World) -> None:
    rel = w.relationship
    services.relationship_end(relationship=rel, side=Side.MENTEE, actor=rel.mentee, completed=True, reason="")


def each(mentee: object, mentor: object, program_admin: object) -> dict[str, object]:
    return {"mentee": mentee, "mentor": mentor, "program_admin": program_admin}


ROWS = [
    Row("detail", get=each(PAGE, PAGE, PAGE)),
    Row("goal_new", get=each(PAGE, REFUSED, REFUSED), post=each(DONE, REFUSED, REFUSED), data=lambda w: goal_form()),
    Row(
        "goal_edit",
        args=lambda w: [w.goal.pk],
        get=each(PAGE, REFUSED, REFUSED),
        post=each(DONE, REFUSED, REFUSED),
        data=lambda w: goal_form(title="Ship two features"),
    ),
    Row(
        "goal_comment",
        args=lambda w: [w.goal.pk],
        post=each(DONE, DONE, NOT_FOUND),
        data=lambda w: {"body": "How about a pilot first?"},
    ),
    Row(
        "milestone_add",
        args=lambda w: [w.goal.pk],
        post=each(DONE, REFUSED, NOT_FOUND),
        data=lambda w: {"title": "Demo to the team", "due_on": "2030-03-01"},
    ),
    Row("milestone_toggle", args=lambda w: [w.milestone.pk], post=each(DONE, REFUSED, NOT_FOUND)),
    Row(
        "agreement_edit",
        get=each(PAGE, PAGE, REFUSED),
        post=each(DONE, DONE, REFUSED),
        data=lambda w: agreement_form(),
    ),
    Row("agreement_version", args=lambda w: [w.agreement.version], get=each(PAGE, PAGE, NOT_FOUND)),
    Row("agreement_accept", args=lambda w: [w.agreement.version], post=each(DONE, DONE, REFUSED)),
    Row(
        "advocacy_new",
        on="sponsorship",
        get=each(REFUSED, PAGE, REFUSED),
        post=each(REFUSED, DONE, REFUSED),
        data=lambda w: advocacy_form(),
    ),
    Row(
        "advocacy_edit",
        on="sponsorship",
        args=lambda w: [w.action.pk],
        get=each(REFUSED, PAGE, REFUSED),
        post=each(REFUSED, DONE, REFUSED),
        data=lambda w: advocacy_form(outcome="succeeded"),
    ),
    Row(
        "advocacy_followup",
        on="sponsorship",
        args=lambda w: [w.action.pk],
        post=each(DONE, REFUSED, NOT_FOUND),
        data=lambda w: {"text": "I joined the project in March."},
    ),
    Row("note_add", post=each(DONE, DONE, REFUSED), data=lambda w: {"body": "Remember to ask about the offsite"}),
    Row("note_delete", args=lambda w: [w.mentee_note.pk], post=each(DONE, NOT_FOUND, NOT_FOUND)),
    Row("pause", post=each(DONE, DONE, DONE), data=lambda w: {"reason": "Busy release month"}),
    Row("resume", post=each(DONE, DONE, DONE), prepare=_pause),
    Row(
        "end",
        get=each(PAGE, PAGE, PAGE),
        post=each(DONE, DONE, DONE),
        data=lambda w: {"outcome": "early", "reason": "New job"},
    ),
    Row(
        "reflect",
        get=each(PAGE, PAGE, NOT_FOUND),
        post=each(DONE, DONE, NOT_FOUND),
        data=lambda w: reflection_form(),
        prepare=_end,
    ),
]


def test_the_matrix_covers_every_relationship_url() -> None:
    from relationships import urls

    # "list" has its own tests below, as it hangs off no single relationship (HR's program page is matching's).
    assert {p.name for p in urls.urlpatterns} - {"list"} == {row.name for row in ROWS}


def _expected(expect: Expect, persona: str) -> object:
    if expect == NOT_ALLOWED:
        return NOT_ALLOWED
    assert isinstance(expect, dict)
    return expect.get(persona, NOT_FOUND)


def _check(client: Client, method: str, url: str, data: dict[str, Any], expected: object) -> None:
    before = db_state()
    response = client.get(url) if method == "get" else client.post(url, data)
    after = db_state()
    if expected == DONE:
        assert response.status_code == 302, response.content[:500]
        assert after != before, "the write should have changed something"
        assert not errors_of(response)
        return
    assert after == before, "a refused request or a GET must change nothing"
    if expected == PAGE:
        assert response.status_code == 200
    elif expected == REFUSED:
        assert response.status_code == 302
        assert errors_of(response), "a refusal is explained where the person is"
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_relationship_urls_for_every_persona(
    client: Client, world: World, person: Callable[[str], User], row: Row, method: str, persona: str
) -> None:
    if row.prepare:
        row.prepare(world)
    target = getattr(world, row.on)
    url = reverse(f"relationships:{row.name}", args=[target.pk, *row.args(world)])
    client.force_login(person(persona))

    _check(client, method, url, row.data(world), _expected(getattr(row, method), persona))


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_relationships_list_is_open_to_everyone_and_shows_only_their_own(
    client: Client, world: World, person: Callable[[str], User], persona: str
) -> None:
    user = person(persona)
    client.force_login(user)

    response = client.get(reverse("relationships:list"))

    assert response.status_code == 200
    shown = {r.pk for r in response.context["relationships"]}
    assert shown == set(Relationship.objects.filter(mentee=user).values_list("pk", flat=True)) | set(
        Relationship.objects.filter(mentor=user).values_list("pk", flat=True)
    )
    _check(client, "post", reverse("relationships:list"), {}, NOT_ALLOWED)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_program_relationships_page_is_for_that_programs_admins_only(
    client: Client, world: World, person: Callable[[str], User], method: str, persona: str
) -> None:
    client.force_login(person(persona))
    url = reverse("matching:relationships", args=[world.relationship.program.slug])
    assert world.new_mentee and world.new_mentor
    data = {"mentee": world.new_mentee.pk, "mentor": world.new_mentor.pk}

    expected = (PAGE if method == "get" else DONE) if persona == "program_admin" else NOT_FOUND
    _check(client, method, url, data, expected)


WRITES = [row for row in ROWS if isinstance(row.post, dict)]


@pytest.mark.parametrize("row", WRITES, ids=[r.name for r in WRITES])
def test_writes_without_a_csrf_token_are_refused(world: World, person: Callable[[str], User], row: Row) -> None:
    assert isinstance(row.post, dict)
    allowed = next(name for name, outcome in row.post.items() if outcome == DONE)
    if row.prepare:
        row.prepare(world)
    client = Client(enforce_csrf_checks=True)
    client.force_login(person(allowed))
    target = getattr(world, row.on)
    url = reverse(f"relationships:{row.name}", args=[target.pk, *row.args(world)])
    before = db_state()

    response = client.post(url, row.data(world))

    assert response.status_code == 403
    assert db_state() == before


@pytest.mark.parametrize("row", ROWS, ids=[r.name for r in ROWS])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, world: World, row: Row) -> None:
    target = getattr(world, row.on)
    url = reverse(f"relationships:{row.name}", args=[target.pk, *row.args(world)])
    before = db_state()

    for response in (client.get(url), client.post(url, row.data(world))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert db_state() == before


@pytest.mark.parametrize("persona", STRANGERS)
def test_strangers_cannot_tell_a_relationship_exists_from_one_that_does_not(
    client: Client, world: World, person: Callable[[str], User], persona: str
) -> None:
    client.force_login(person(persona))
    existing = client.get(reverse("relationships:detail", args=[world.relationship.pk]))
    missing = client.get(reverse("relationships:detail", args=[999_999]))

    assert existing.status_code == missing.status_code == 404


# -- unknown ids -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "method", "args"),
    [
        ("detail", "get", lambda w, o: [999_999]),
        ("detail", "get", lambda w, o: [10**25]),  # beyond any integer column
        ("goal_edit", "get", lambda w, o: [w.relationship.pk, 999_999]),
        ("goal_edit", "post", lambda w, o: [w.relationship.pk, o["goal"]]),
        ("goal_comment", "post", lambda w, o: [w.relationship.pk, o["goal"]]),
        ("milestone_add", "post", lambda w, o: [w.relationship.pk, o["goal"]]),
        ("milestone_toggle", "post", lambda w, o: [w.relationship.pk, o["milestone"]]),
        ("agreement_version", "get", lambda w, o: [w.relationship.pk, 99]),
        ("agreement_accept", "post", lambda w, o: [w.relationship.pk, 99]),
        ("advocacy_edit", "get", lambda w, o: [w.sponsorship.pk, o["action"]]),
        ("advocacy_followup", "post", lambda w, o: [w.sponsorship.pk, o["action"]]),
        ("note_delete", "post", lambda w, o: [w.relationship.pk, w.mentor_note.pk]),
        ("pause", "post", lambda w, o: [999_999]),
        ("reflect", "get", lambda w, o: [999_999]),
    ],
)
def test_unknown_or_foreign_ids_are_404_and_change_nothing(
    client: Client,
    world: World,
    theirs: dict[str, int],
    name: str,
    method: str,
    args: Callable[[World, dict[str, int]], list[int]],
) -> None:
    """Ids from the other pair's relationship are as unknown as ids that do not exist."""
    client.force_login(world.relationship.mentee)
    url = reverse(f"relationships:{name}", args=args(world, theirs))
    data = {**goal_form(), "body": "x", "title": "x", "text": "x", "reason": "x"}

    before = db_state()
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    assert db_state() == before
