"""A hand-built program whose every figure is known, shared by the insights tests of a module.

"Known Mentoring" (mentoring, monthly by default, mentors take two) as of NOW, Monday 15 March 2027, 12:00 UTC:

| pair | mentee | mentor | status | what is going on | score |
|---|---|---|---|---|---|
| A | Ada | Rex | active | met 4 Jan, 1 Feb, 1 Mar; next 1 Apr; rated 4 and 5; two items done | 100 |
| B | Bea | Rex | active | last held 4 Jan (70 days); cancelled 1 Feb; missed 1 Mar | 40 |
| C | Cem | Rio | active | met like A; three items overdue, one open | 76 |
| D | Dan | Rio | active | met 4 Jan, 1 Feb, 26 Feb; the meeting of 10 Mar has no wrap-up | 90 |
| E | Eve | Ray | completed | 1 Jun to 1 Dec 2026; met 1 Jul 2026 (rated 3); reflections 5 and 4 | - |
| F | Fay | Ray | ended | 11 Aug to 1 Sep 2026; no agreement; Fay's reflection rates it 2 | - |

Every private field a person can write holds MARKER, so a test can show it never reaches an HR page or file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

import pytest
import time_machine
from django.db import transaction
from django.test.utils import override_settings

from insights.services import figures_ensure_fresh
from matching.models import MatchProposal
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingFeedback, MeetingPrivateNote
from mentorship.accounts.models import User
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.tests.factories import UserFactory
from programs.models import Enrollment, Program
from programs.tests.factories import InvitationFactory, ProgramFactory
from relationships.models import (
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
)

UTC = datetime.UTC
NOW = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=UTC)
MARKER = "SECRET-MARKER-7f3a"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ZOOM = "https://acme.zoom.us/j/1234567890"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def at(day: str, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@dataclass
class Known:
    people: dict[str, int]  # by persona or first name
    program: int
    sponsorship: int
    other_program: int
    pairs: dict[str, int]  # A to F, and S (the sponsorship)


def person(name: str, email: str | None = None) -> User:
    return UserFactory(email=email or f"{name.lower()}@example.com", full_name=f"{name} {name[0]}.")


def enroll(program: Program, user: User, role: str, status: str = "approved", **fields: Any) -> Enrollment:
    created_at = fields.pop("created_at", at("2026-05-01"))
    enrollment = Enrollment.objects.create(program=program, user=user, role=role, status=status, **fields)
    Enrollment.objects.filter(pk=enrollment.pk).update(created_at=created_at)
    return enrollment


def relate(
    program: Program, mentee: User, mentor: User, status: str, started: str, ended: str | None = None
) -> Relationship:
    relationship = Relationship.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        kind=Relationship.Kind.SPONSORSHIP if program.kind == Program.Kind.SPONSORSHIP else Relationship.Kind.MENTORING,
        status=status,
        started_on=day(started),
        ended_on=day(ended) if ended else None,
    )
    Relationship.objects.filter(pk=relationship.pk).update(created_at=at(started, 0))
    return relationship


def agree(relationship: Relationship, *, accepted: bool = True) -> Agreement:
    when = at("2026-12-05") if accepted else None
    return Agreement.objects.create(
        relationship=relationship,
        cadence="monthly",
        channels=[{"channel": "chat", "purpose": MARKER}],
        mentee_responsibilities=MARKER,
        mentor_responsibilities=MARKER,
        mentee_offers=MARKER,
        mentor_offers=MARKER,
        desired_outcomes=MARKER,
        confidentiality=MARKER,
        mentee_accepted_at=when,
        mentor_accepted_at=when,
    )


def meet(relationship: Relationship, when: str, status: str = "held", wrapped: bool = True) -> Meeting:
    start = at(when)
    return Meeting.objects.create(
        relationship=relationship,
        start=start,
        end=start + datetime.timedelta(hours=1),
        zone="UTC",
        title="Mentoring meeting",
        provider="zoom",
        location=ZOOM,
        status=status,
        shared_notes=MARKER if status == "held" else "",
        wrapped_up_at=start + datetime.timedelta(hours=2) if wrapped else None,
    )


def item(relationship: Relationship, due: str, status: str = "open") -> ActionItem:
    return ActionItem.objects.create(
        relationship=relationship, description=MARKER, owner=relationship.mentee, due_on=day(due), status=status
    )


def rate(meeting: Meeting, author: User, rating: int) -> MeetingFeedback:
    return MeetingFeedback.objects.create(meeting=meeting, author=author, rating=rating, comment=MARKER)


def propose(program: Program, mentee: Enrollment, mentor: Enrollment, status: str, answer_hours: float | None) -> None:
    sent = at("2026-11-10")
    MatchProposal.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        origin=MatchProposal.Origin.ENGINE,
        status=status,
        respond_by=sent + datetime.timedelta(days=program.mentor_response_days),
        decided_at=sent + datetime.timedelta(hours=answer_hours) if answer_hours is not None else None,
        question=MARKER,
        answer=MARKER,
        decline_reason=MARKER if status == "declined" else "",
    )


def build_known() -> Known:
    admin = UserFactory(email="hr@example.com", full_name="Hannah Resources")
    other_admin = UserFactory(email="hr2@example.com", full_name="Harald Other")
    for user in (admin, other_admin):
        grant_program_admin(user)
    superuser = UserFactory(email="root@example.com", full_name="Sue Peruser", is_superuser=True, is_staff=True)
    outsider = UserFactory(email="outsider@example.com", full_name="Otto Outsider")
    program = ProgramFactory(
        name="Known Mentoring", slug="known-mentoring", status="running", administrators=[admin], mentor_response_days=3
    )
    other = ProgramFactory(
        name="Other Mentoring", slug="other-mentoring", status="running", administrators=[other_admin]
    )
    names = ["Ada", "Bea", "Cem", "Dan", "Eve", "Fay", "Gus", "Hal", "Ivy", "Rex", "Rio", "Ray", "Roy"]
    people = {name: person(name) for name in names}

    # Mentees: six approved, one applied, one declined, one invited; two more invitations not taken up yet.
    decided = {"Ada": "2026-11-21", "Bea": "2026-11-26", "Cem": "2026-11-01", "Eve": "2026-05-25", "Fay": "2026-08-01"}
    mentee_enrollments = {}
    for name in ("Ada", "Bea", "Cem", "Eve", "Fay"):
        mentee_enrollments[name] = enroll(program, people[name], "mentee", decided_at=at(decided[name], 0))
    # Dan joined an open call: approved on the spot, no decision date; he waited two days for his match.
    mentee_enrollments["Dan"] = enroll(program, people["Dan"], "mentee", created_at=at("2026-11-29", 0))
    enroll(program, people["Gus"], "mentee", "applied")
    enroll(program, people["Hal"], "mentee", "declined")
    invited = enroll(program, people["Ivy"], "mentee", "invited")
    InvitationFactory(program=program, email=people["Ivy"].email, role="mentee", enrollment=invited)
    InvitationFactory(program=program, email="new1@example.com", role="mentee")
    InvitationFactory(program=program, email="new2@example.com", role="mentee")
    InvitationFactory(program=program, email="new3@example.com", role="mentor")
    # Mentors: Rex takes two, Rio the program's default (two), Ray three; Roy is waitlisted.
    rex = enroll(program, people["Rex"], "mentor", capacity=2)
    rio = enroll(program, people["Rio"], "mentor")
    ray = enroll(program, people["Ray"], "mentor", capacity=3)
    roy = enroll(program, people["Roy"], "mentor", "waitlisted")

    pair_a = relate(program, people["Ada"], people["Rex"], "active", "2026-12-01")
    pair_b = relate(program, people["Bea"], people["Rex"], "active", "2026-12-01")
    pair_c = relate(program, people["Cem"], people["Rio"], "active", "2026-12-01")
    pair_d = relate(program, people["Dan"], people["Rio"], "active", "2026-12-01")
    pair_e = relate(program, people["Eve"], people["Ray"], "completed", "2026-06-01", "2026-12-01")
    pair_f = relate(program, people["Fay"], people["Ray"], "ended", "2026-08-11", "2026-09-01")
    for pair in (pair_a, pair_b, pair_c, pair_d, pair_e):
        agree(pair)

    a_meetings = [meet(pair_a, when) for when in ("2027-01-04", "2027-02-01", "2027-03-01")]
    meet(pair_a, "2027-04-01", "scheduled", wrapped=False)
    rate(a_meetings[1], people["Ada"], 4)
    rate(a_meetings[2], people["Rex"], 5)
    item(pair_a, "2027-02-15", "done")
    item(pair_a, "2027-03-10", "done")
    meet(pair_b, "2027-01-04")
    meet(pair_b, "2027-02-01", "cancelled")
    meet(pair_b, "2027-03-01", "missed")
    for when in ("2027-01-04", "2027-02-01", "2027-03-01"):
        meet(pair_c, when)
    for due in ("2027-03-01", "2027-03-02", "2027-03-08"):
        item(pair_c, due)
    item(pair_c, "2027-04-01")
    for when in ("2027-01-04", "2027-02-01", "2027-02-26"):
        meet(pair_d, when)
    waiting = meet(pair_d, "2027-03-10", "scheduled", wrapped=False)
    AgendaItem.objects.create(meeting=waiting, author=people["Dan"], text=MARKER)
    MeetingPrivateNote.objects.create(meeting=waiting, author=people["Dan"], body=MARKER)
    e_meeting = meet(pair_e, "2026-07-01")
    rate(e_meeting, people["Eve"], 3)
    item(pair_e, "2026-08-01", "done")
    item(pair_e, "2026-09-01")  # left open when it completed: history, not counted

    # Goals: counts by category and status are shown; no title, reason or custom category name ever is.
    goals = [
        (pair_a, "skills", "achieved", True),
        (pair_a, "career", "in_progress", False),
        (pair_b, "skills", "not_started", False),
        (pair_c, "custom", "in_progress", False),
        (pair_e, "onboarding", "achieved", True),
        (pair_e, "culture", "dropped", False),
    ]
    for relationship, category, status, shared in goals:
        goal = Goal.objects.create(
            relationship=relationship,
            title=MARKER,
            category=category,
            custom_category=MARKER if category == "custom" else "",
            why=MARKER,
            success_measure=MARKER,
            status=status,
            shared_with_program=shared,
        )
        Milestone.objects.create(goal=goal, title=MARKER)
        GoalComment.objects.create(goal=goal, author=relationship.mentee, body=MARKER)
    for relationship in (pair_a, pair_f):
        PrivateNote.objects.create(relationship=relationship, author=relationship.mentee, body=MARKER)
        PrivateNote.objects.create(relationship=relationship, author=relationship.mentor, body=MARKER)
    closing = ((pair_e, people["Eve"], 5), (pair_e, people["Ray"], 4), (pair_f, people["Fay"], 2))
    for relationship, author, rating in closing:
        Reflection.objects.create(
            relationship=relationship,
            author=author,
            rating=rating,
            goals_reached=MARKER,
            what_worked=MARKER,
            what_to_change=MARKER,
            thank_you=MARKER,
        )

    # Proposals: two accepted (after 12 and 36 hours), one declined (6 hours), one expired, one waiting, one
    # withdrawn; a draft is no proposal yet. Acceptance: 2 of the 4 decided.
    propose(program, mentee_enrollments["Ada"], rex, "accepted", 12)
    propose(program, mentee_enrollments["Bea"], rex, "accepted", 36)
    propose(program, mentee_enrollments["Cem"], rex, "declined", 6)
    propose(program, mentee_enrollments["Cem"], ray, "expired", None)
    propose(program, mentee_enrollments["Dan"], ray, "proposed", None)
    propose(program, mentee_enrollments["Eve"], rio, "withdrawn", None)
    propose(program, mentee_enrollments["Fay"], rio, "draft", None)
    assert roy.status == "waitlisted"

    # A sponsorship program run by the same administrator, for the advocacy figures.
    sponsorship = ProgramFactory(
        name="Known Sponsorship", slug="known-sponsorship", kind="sponsorship", status="running", administrators=[admin]
    )
    sponsee, sponsor = person("Sam"), person("Sol")
    enroll(sponsorship, sponsee, "mentee")
    enroll(sponsorship, sponsor, "sponsor")
    pair_s = relate(sponsorship, sponsee, sponsor, "active", "2027-01-10")
    advocacy = [
        ("promotion", "succeeded"),
        ("promotion", "pending"),
        ("project", "succeeded"),
        ("introduction", "did_not_happen"),
    ]
    for kind, outcome in advocacy:
        AdvocacyAction.objects.create(
            relationship=pair_s,
            kind=kind,
            outcome=outcome,
            status="done",
            happened_on=day("2027-02-01"),
            description=MARKER,
            sponsee_followup=MARKER,
        )
    all_pairs = (pair_a, pair_b, pair_c, pair_d, pair_e, pair_f, pair_s)
    # The periodic task has run, as it does every ten minutes: pages read these figures.
    figures_ensure_fresh(programs=Program.objects.all())
    return Known(
        people={
            "program_admin": admin.pk,
            "other_program_admin": other_admin.pk,
            "superuser": superuser.pk,
            "outsider": outsider.pk,
            "participant": people["Ada"].pk,
            **{name: user.pk for name, user in people.items()},
        },
        program=program.pk,
        sponsorship=sponsorship.pk,
        other_program=other.pk,
        pairs={name: p.pk for name, p in zip("ABCDEFS", all_pairs, strict=True)},
    )


@pytest.fixture(scope="module")
def known(django_db_setup: None, django_db_blocker: Any) -> Iterator[Known]:
    """Built once per test module inside a transaction rolled back at its end; tests run in savepoints on top."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        time_machine.travel(NOW, tick=False),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_known()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def known_program(known: Known, db: None) -> Program:
    return Program.objects.get(pk=known.program)


@pytest.fixture
def user_of(known: Known, db: None) -> Any:
    return lambda name: User.objects.get(pk=known.people[name])


def fetch(client: Any, url: str) -> Any:
    """A page is a GET; a download is a POST (each is recorded in the audit log) with its filters as form data."""
    path, _sep, query = url.partition("?")
    if not path.endswith(".csv"):
        return client.get(url)
    return client.post(path, dict(parse_qsl(query)))
