"""The "needs you" list: each kind appears when it should and leaves once done, in the person's zone, in one query.

Every test starts at NOW (a Monday morning in January 2027) on a clock that only moves when the test moves it.
The mentee works in Berlin, the mentor in New York.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchProposal
from meetings import services as meeting_services
from meetings.models import ActionItem, Meeting
from meetings.tests.factories import (
    ActionItemFactory,
    AgendaItemFactory,
    MeetingFactory,
    pair,
    person,
    running_program,
    schedule_once,
)
from mentorship.accounts.models import User
from mentorship.needs_you import Need, needs_you
from programs import services as program_services
from programs.models import Enrollment, Program
from programs.services import Application
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from relationships import services as relationship_services
from relationships.models import Relationship
from relationships.tests.factories import AgreementFactory, RelationshipFactory, agreement_fields

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def mentee(db: None) -> User:
    return person("mia@example.com", "Mia Mentee", zone="Europe/Berlin")


@pytest.fixture
def mentor(db: None) -> User:
    return person("marco@example.com", "Marco Mentor", zone="America/New_York")


@pytest.fixture
def program(clock: Any, program_admin: User) -> Program:
    return running_program(program_admin, "Engineering Mentoring")


@pytest.fixture
def relationship(program: Program, mentee: User, mentor: User, program_admin: User) -> Relationship:
    return pair(program, mentee, mentor, created_by=program_admin)


def kinds(user: User) -> list[str]:
    return [need.kind for need in needs_you(user=user, now=timezone.now())]


def only(user: User, kind: str) -> Need:
    [need] = [need for need in needs_you(user=user, now=timezone.now()) if need.kind == kind]
    return need


# -- matching ----------------------------------------------------------------------------------------------


def enroll(program: Program, user: User, role: str, **extra: Any) -> Enrollment:
    return Enrollment.objects.create(program=program, user=user, role=role, status="approved", **extra)


def proposed(program: Program, mentee: User, mentor: User, **extra: Any) -> MatchProposal:
    return MatchProposal.objects.create(
        program=program,
        mentee=enroll(program, mentee, "mentee"),
        mentor=enroll(program, mentor, program.helper_role, capacity=2),
        origin=extra.pop("origin", MatchProposal.Origin.ENGINE),
        status=MatchProposal.Status.PROPOSED,
        respond_by=timezone.now() + 3 * DAY,
        **extra,
    )


def test_a_proposal_waits_for_the_mentor_with_the_moment_it_lapses_in_their_zone(
    program: Program, mentee: User, mentor: User
) -> None:
    proposal = proposed(program, mentee, mentor)
    need = only(mentor, "proposal")
    assert need.title == "Would you mentor Mia Mentee?"
    assert need.detail == "Engineering Mentoring"
    # 7 January, 08:00 UTC is 03:00 in New York.
    assert need.when == "The proposal lapses Thu 7 Jan, 03:00"
    assert need.url == f"{reverse('matching:proposals')}#proposal-{proposal.pk}"
    assert kinds(mentee) == []  # nothing for the mentee to do while the mentor decides

    matching_services.proposal_accept(proposal=proposal, actor=mentor)
    assert "proposal" not in kinds(mentor)


def test_a_lapsed_proposal_shows_as_late_until_it_expires(
    clock: Any, program: Program, mentee: User, mentor: User
) -> None:
    proposed(program, mentee, mentor)
    clock.shift(3 * DAY + datetime.timedelta(minutes=1))
    assert only(mentor, "proposal").overdue
    matching_services.proposals_expire()
    assert "proposal" not in kinds(mentor)


def test_a_mentee_request_and_the_mentors_question(mentee: User, mentor: User) -> None:
    program = ProgramFactory(status="running", matching_mode=Program.MatchingMode.MENTEE_CHOOSES)
    proposal = proposed(program, mentee, mentor, origin=MatchProposal.Origin.MENTEE)
    assert only(mentor, "mentee_request").title == "Mia Mentee asked you to be their mentor"

    matching_services.proposal_ask(proposal=proposal, actor=mentor, question="Why me?")
    need = only(mentee, "proposal_question")
    assert need.title == "Marco Mentor has a question before saying yes"
    assert "mentee_request" in kinds(mentor)  # asking is not answering

    matching_services.proposal_answer(proposal=proposal, actor=mentee, answer="Your talk on design.")
    assert "proposal_question" not in kinds(mentee)
    matching_services.proposal_decline(proposal=proposal, actor=mentor, reason="Too busy this quarter.")
    assert "mentee_request" not in kinds(mentor)


def test_an_approved_mentee_who_chooses_is_asked_to_choose_until_they_ask_someone(mentee: User, mentor: User) -> None:
    program = ProgramFactory(status="running", matching_mode=Program.MatchingMode.MENTEE_CHOOSES)
    mine = enroll(program, mentee, "mentee")
    helper = enroll(program, mentor, "mentor", capacity=2)
    need = only(mentee, "choose_mentor")
    assert need.url == reverse("matching:choose", args=[program.slug])

    matching_services.mentee_request(program=program, mentee=mine, mentor_id=helper.pk)
    assert "choose_mentor" not in kinds(mentee)


# -- relationships -----------------------------------------------------------------------------------------


def test_an_agreement_waits_for_each_side_until_they_accept(relationship: Relationship) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor
    agreement = relationship_services.agreement_save(
        relationship=relationship, side="mentee", actor=mentee, **agreement_fields()
    )
    need = only(mentor, "agreement")
    assert need.title == "Accept the agreement with Mia Mentee"
    assert need.url == relationship.get_absolute_url() + "#agreement"
    assert need.when == "Please accept by Thu 7 Jan, 03:00"  # three days on, New York time
    assert "agreement" in kinds(mentee)  # the one who drafted it accepts it too

    relationship_services.agreement_accept(agreement=agreement, side="mentor", actor=mentor)
    assert "agreement" not in kinds(mentor)
    relationship_services.agreement_accept(agreement=agreement, side="mentee", actor=mentee)
    assert "agreement" not in kinds(mentee)


def test_a_paused_relationship_asks_nothing(relationship: Relationship) -> None:
    AgreementFactory(relationship=relationship)
    assert "agreement" in kinds(relationship.mentor)
    relationship_services.relationship_pause(
        relationship=relationship, side="mentee", actor=relationship.mentee, reason="Leave"
    )
    assert kinds(relationship.mentor) == []


def test_the_agreement_review_comes_a_week_before_its_date(clock: Any, relationship: Relationship) -> None:
    review_on = NOW.date() + 10 * DAY
    AgreementFactory(relationship=relationship, review_on=review_on, mentee_accepted_at=NOW, mentor_accepted_at=NOW)
    assert "agreement_review" not in kinds(relationship.mentee)
    clock.shift(3 * DAY)
    need = only(relationship.mentee, "agreement_review")
    assert need.when == "You planned to review it on Thu 14 Jan"
    assert need.url == reverse("relationships:agreement_edit", args=[relationship.pk])

    relationship_services.agreement_save(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        **agreement_fields(review_on=review_on + 90 * DAY),
    )
    # The new version waits for acceptance; the review itself is done.
    assert kinds(relationship.mentee) == ["agreement"]


# -- meetings ----------------------------------------------------------------------------------------------


def test_a_meeting_without_an_agenda_asks_for_topics_two_days_before(clock: Any, relationship: Relationship) -> None:
    meeting = schedule_once(relationship, datetime.datetime(2027, 1, 8, 10, 0))  # Friday 10:00 in Berlin
    assert "meeting_prepare" not in kinds(relationship.mentee)
    clock.move_to(datetime.datetime(2027, 1, 6, 9, 30, tzinfo=datetime.UTC))
    need = only(relationship.mentee, "meeting_prepare")
    assert need.when == "Starts Fri 8 Jan, 10:00; the agenda is still empty"
    assert only(relationship.mentor, "meeting_prepare").when == "Starts Fri 8 Jan, 04:00; the agenda is still empty"
    assert need.url == reverse("meetings:detail", args=[meeting.pk]) + "#agenda"

    meeting_services.agenda_add(
        meeting=meeting, side="mentor", actor=relationship.mentor, text="Promotion case", needs_extra_time=False
    )
    assert "meeting_prepare" not in kinds(relationship.mentee)
    assert "meeting_prepare" not in kinds(relationship.mentor)


def test_a_meeting_over_and_not_wrapped_up_waits_for_both_until_one_wraps_it_up(
    clock: Any, relationship: Relationship
) -> None:
    meeting = schedule_once(relationship, datetime.datetime(2027, 1, 5, 10, 0), duration_minutes=45)
    AgendaItemFactory(meeting=meeting)
    clock.move_to(datetime.datetime(2027, 1, 5, 9, 30, tzinfo=datetime.UTC))  # under way
    assert "wrap_up" not in kinds(relationship.mentee)
    clock.move_to(datetime.datetime(2027, 1, 5, 10, 0, tzinfo=datetime.UTC))
    need = only(relationship.mentor, "wrap_up")
    assert need.url == reverse("meetings:wrap_up", args=[meeting.pk])
    assert "wrap_up" in kinds(relationship.mentee)

    meeting_services.meeting_wrap_up(
        meeting=meeting,
        side="mentee",
        actor=relationship.mentee,
        data=meeting_services.WrapUp(
            status="held", shared_notes="", private_note="", rating=None, comment="", thank_you=""
        ),
    )
    assert "wrap_up" not in kinds(relationship.mentee)
    assert "wrap_up" not in kinds(relationship.mentor)


def test_an_old_meeting_nobody_wrapped_up_leaves_the_list_after_a_month(clock: Any, relationship: Relationship) -> None:
    schedule_once(relationship, datetime.datetime(2027, 1, 5, 10, 0))
    clock.move_to(datetime.datetime(2027, 1, 20, tzinfo=datetime.UTC))
    assert "wrap_up" in kinds(relationship.mentee)
    clock.move_to(datetime.datetime(2027, 2, 6, tzinfo=datetime.UTC))
    assert "wrap_up" not in kinds(relationship.mentee)


def test_an_action_item_is_due_soon_then_overdue_and_leaves_once_done(clock: Any, relationship: Relationship) -> None:
    item = meeting_services.action_item_add(
        relationship=relationship,
        side="mentor",
        actor=relationship.mentor,
        description="Send the design doc",
        owner=relationship.mentee,
        due_on=datetime.date(2027, 1, 10),
    )
    assert "action_item" not in kinds(relationship.mentee)
    clock.move_to(datetime.datetime(2027, 1, 7, 8, tzinfo=datetime.UTC))
    need = only(relationship.mentee, "action_item")
    assert (need.title, need.when, need.overdue) == ("Send the design doc", "Due Sun 10 Jan", False)
    assert need.is_post and need.fields == {"status": "done"}
    assert kinds(relationship.mentor) == []  # the owner's to do, nobody else's

    # Late on the due day in Berlin is already the next day there: overdue.
    clock.move_to(datetime.datetime(2027, 1, 10, 23, 30, tzinfo=datetime.UTC))
    need = only(relationship.mentee, "action_item")
    assert (need.when, need.overdue) == ("Overdue: it was due Sun 10 Jan", True)

    meeting_services.action_item_set_status(item=item, side="mentee", status=ActionItem.Status.DONE)
    assert "action_item" not in kinds(relationship.mentee)


# -- programs ----------------------------------------------------------------------------------------------


def test_an_invitation_waits_until_it_is_taken_up(mentee: User, program_admin: User) -> None:
    program = ProgramFactory(status="open", access=Program.Access.INVITATION, administrators=[program_admin])
    EnrollmentFactory(program=program, user=mentee, role="mentor", status="invited")
    need = only(mentee, "invitation")
    assert need.title == f"You are invited to {program.name} as mentor"
    assert need.url == reverse("programs:apply", args=[program.slug, "mentor"])

    program_services.enrollment_apply(program=program, user=mentee, role="mentor", application=Application(capacity=2))
    assert "invitation" not in kinds(mentee)


def test_applications_wait_for_the_administrator_and_the_outcome_for_the_applicant(
    clock: Any, mentee: User, program_admin: User, other_program_admin: User
) -> None:
    program = ProgramFactory(status="open", administrators=[program_admin])
    EnrollmentFactory(program=program, user=mentee, status="applied")
    EnrollmentFactory(program=program, status="applied")
    need = only(program_admin, "applications")
    assert need.title == "2 applications wait for your decision"
    assert need.url == reverse("programs:roster", args=[program.slug]) + "?status=applied"
    assert kinds(other_program_admin) == []

    program_services.enrollments_decide(
        enrollments=Enrollment.objects.filter(program=program),
        decision="declined",
        decided_by=program_admin,
        reason="Full this round.",
    )
    assert "applications" not in kinds(program_admin)
    need = only(mentee, "application_outcome")
    assert need.title == f"Your application to {program.name} was not accepted this time"
    assert need.url == program.get_absolute_url()

    clock.shift(15 * DAY)
    assert "application_outcome" not in kinds(mentee)


# -- the list as a whole -----------------------------------------------------------------------------------


def test_most_urgent_first_and_things_without_a_deadline_last(clock: Any, relationship: Relationship) -> None:
    mentee = relationship.mentee
    schedule_once(relationship, datetime.datetime(2027, 1, 5, 18, 0))  # tomorrow evening
    ActionItemFactory(relationship=relationship, due_on=datetime.date(2027, 1, 1))  # overdue
    ActionItemFactory(relationship=relationship, due_on=datetime.date(2027, 1, 6))
    decided = ProgramFactory(status="open")
    EnrollmentFactory(program=decided, user=mentee, status="waitlisted", decided_at=NOW - DAY)
    needs = needs_you(user=mentee, now=timezone.now())
    assert [n.kind for n in needs] == ["action_item", "meeting_prepare", "action_item", "application_outcome"]
    assert needs[0].overdue and not needs[2].overdue


def test_nobody_sees_what_waits_for_someone_else(relationship: Relationship, outsider: User, program: Program) -> None:
    AgreementFactory(relationship=relationship)
    ActionItemFactory(relationship=relationship, due_on=NOW.date())
    assert kinds(outsider) == []
    assert set(kinds(relationship.mentee)) == {"agreement", "action_item"}


# -- a fixed number of queries -----------------------------------------------------------------------------


def grow(user: User, n: int) -> None:
    """`n` things waiting for `user` (their mentor), spread over the kinds that can be made in bulk, plus one
    invitation."""
    program = ProgramFactory(status="running")
    as_mentor = EnrollmentFactory(program=program, user=user, role="mentor", status="approved")
    hour = datetime.timedelta(hours=1)
    for index in range(n):
        relationship = RelationshipFactory(program=program, mentor=user, status="active")
        match index % 5:
            case 0:
                AgreementFactory(relationship=relationship)
            case 1:
                MeetingFactory(relationship=relationship, start=NOW + DAY, end=NOW + DAY + hour)
            case 2:
                MeetingFactory(relationship=relationship, start=NOW - DAY, end=NOW - DAY + hour)
            case 3:
                ActionItemFactory(relationship=relationship, owner=user, created_by=user, due_on=NOW.date() - DAY)
            case 4:
                MatchProposal.objects.create(
                    program=program,
                    mentee=EnrollmentFactory(program=program, role="mentee", status="approved"),
                    mentor=as_mentor,
                    origin=MatchProposal.Origin.ENGINE,
                    status=MatchProposal.Status.PROPOSED,
                    respond_by=NOW + 2 * DAY,
                )
    EnrollmentFactory(program=ProgramFactory(status="open"), user=user, status="invited")


def count_queries(action: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured.captured_queries)


def test_the_list_and_the_badge_cost_the_same_for_5_and_200(clock: Any, make_user: Any) -> None:
    few_user, many_user = make_user(), make_user()
    grow(few_user, 5)
    grow(many_user, 200)

    def measure(user: User, target: str) -> tuple[int, int]:
        """The queries of one reading of the list (alone, on the home page or under the bell), and its length."""
        if target == "list":
            return count_queries(lambda: needs_you(user=user)), len(needs_you(user=user))
        client = Client()
        client.force_login(user)
        url = reverse(target)
        shown = client.get(url).content.decode().count('id="need-')
        return count_queries(lambda: client.get(url)), shown

    for target in ("list", "home", "notifications:list"):
        few, few_shown = measure(few_user, target)
        many, many_shown = measure(many_user, target)
        assert (few_shown, many_shown) == (6, 201), target
        assert few == many, target
        assert many <= (2 if target == "list" else 20), target  # the list: the person's zone, one UNION query
    # The badge counts them all.
    client = Client()
    client.force_login(many_user)
    assert client.get(reverse("notifications:list")).context["needs_you_count"] == 201


def test_the_bell_lists_what_needs_you_above_the_notices(client: Client, relationship: Relationship) -> None:
    AgreementFactory(relationship=relationship)
    client.force_login(relationship.mentor)
    response = client.get(reverse("notifications:list"))
    page = response.content.decode()
    assert "Accept the agreement with Mia Mentee" in page
    assert 'id="needs-you-count">1<' in page
    assert page.index("Needs you") < page.index("Updates")


def test_marking_an_item_done_from_the_list_comes_back_to_the_same_page(
    client: Client, clock: Any, relationship: Relationship
) -> None:
    item = ActionItemFactory(relationship=relationship, due_on=NOW.date())
    client.force_login(relationship.mentee)
    page = client.get(reverse("home")).content.decode()
    assert f'action="{reverse("meetings:action_item_status", args=[item.pk])}"' in page
    response = client.post(
        reverse("meetings:action_item_status", args=[item.pk]), {"status": "done", "next": reverse("home")}
    )
    assert response["Location"] == reverse("home")
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert "action_item" not in kinds(relationship.mentee)


def test_held_and_cancelled_meetings_ask_nothing(relationship: Relationship) -> None:
    hour = datetime.timedelta(hours=1)
    MeetingFactory(relationship=relationship, start=NOW - DAY, end=NOW - DAY + hour, status=Meeting.Status.HELD)
    MeetingFactory(relationship=relationship, start=NOW + DAY, end=NOW + DAY + hour, status=Meeting.Status.CANCELLED)
    assert kinds(relationship.mentee) == []
