"""Every event that can send an email also leaves a notice under the bell, once, whatever the email choices."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchProposal
from meetings.tests.factories import schedule_once, schedule_series
from mentorship.accounts.models import User
from mentorship.notifications import preferences
from mentorship.notifications.models import Kind, Mode, Notice
from mentorship.notifications.notices import notice_add
from programs import emails as program_emails
from programs import services as program_services
from programs.invitations_csv import InviteRow
from programs.models import Enrollment, Program
from programs.services import Application
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from relationships import services as relationship_services
from relationships.models import Relationship
from relationships.tests.factories import agreement_fields, pair

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def program(program_admin: User) -> Program:
    return ProgramFactory(status="running", administrators=[program_admin])


@pytest.fixture
def relationship(program: Program, member: User, outsider: User) -> Relationship:
    return pair(program, member, outsider)


def notices_of(user: User) -> list[tuple[str, str, str]]:
    return list(Notice.objects.filter(user=user).order_by("pk").values_list("kind", "title", "url"))


def test_notice_add_keeps_one_notice_per_key_and_skips_people_without_an_account(member: User) -> None:
    for _attempt in range(2):
        notice_add(user_id=member.pk, key="event:1", kind="thing", title="Something\r\nhappened", url="/x/")
    notice_add(user_id=None, key="event:2", kind="thing", title="Nobody", url="/")
    assert notices_of(member) == [("thing", "Something happened", "/x/")]
    assert Notice.objects.count() == 1


def test_a_new_relationship_is_noticed_by_both(relationship: Relationship) -> None:
    url = relationship.get_absolute_url()
    assert notices_of(relationship.mentee) == [
        (
            "relationship_started",
            f"You have been matched: {relationship.mentor.display_name} ({relationship.program})",
            url,
        )
    ]
    assert [kind for kind, _title, _url in notices_of(relationship.mentor)] == ["relationship_started"]


def test_agreement_status_and_thanks_reach_the_other_person(relationship: Relationship) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor
    relationship_services.agreement_save(relationship=relationship, side="mentee", actor=mentee, **agreement_fields())
    kind, title, url = notices_of(mentor)[-1]
    assert (kind, url) == ("agreement_to_accept", relationship.get_absolute_url() + "#agreement")
    assert title == f"Please review the agreement with {mentee.display_name}"

    relationship_services.relationship_pause(relationship=relationship, side="mentor", actor=mentor, reason="Leave")
    assert notices_of(mentee)[-1][0] == "relationship_status"
    assert notices_of(mentor)[-1][0] == "agreement_to_accept"  # the one who acted is not told


def test_meetings_planned_are_noticed_by_the_other_person(relationship: Relationship) -> None:
    soon = timezone.localdate() + datetime.timedelta(days=20)
    meeting = schedule_once(relationship, datetime.datetime.combine(soon, datetime.time(10, 0)))
    assert notices_of(relationship.mentor)[-1] == (
        "meeting_scheduled",
        f"{relationship.mentee.display_name} planned a meeting",
        meeting.get_absolute_url(),
    )
    schedule_series(relationship, actor=relationship.mentor, first_date=soon + datetime.timedelta(days=7))
    assert notices_of(relationship.mentee)[-1][1:] == (
        f"{relationship.mentor.display_name} planned your meetings",
        relationship.get_absolute_url() + "#meetings",
    )


def test_proposals_questions_and_answers_are_noticed(program: Program, member: User, outsider: User) -> None:
    mentee = Enrollment.objects.create(program=program, user=member, role="mentee", status="approved")
    mentor = Enrollment.objects.create(program=program, user=outsider, role="mentor", status="approved", capacity=2)
    MatchProposal.objects.create(program=program, mentee=mentee, mentor=mentor, origin="engine")
    matching_services.matching_publish(program=program, actor=program.administrators.get())
    proposal = MatchProposal.objects.get()
    anchor = f"{reverse('matching:proposals')}#proposal-{proposal.pk}"
    assert notices_of(outsider) == [("proposal_received", f"Would you mentor {member.display_name}?", anchor)]

    matching_services.proposal_ask(proposal=proposal, actor=outsider, question="Which team are you in?")
    matching_services.proposal_answer(proposal=proposal, actor=member, answer="Payments.")
    assert notices_of(member)[-1][0] == "proposal_question"
    assert notices_of(outsider)[-1][0] == "proposal_answered"


def test_applications_decisions_and_invitations_are_noticed(program_admin: User, member: User, outsider: User) -> None:
    program = ProgramFactory(status="open", administrators=[program_admin])
    program_services.enrollment_apply(program=program, user=member, role="mentee", application=Application())
    roster = reverse("programs:roster", args=[program.slug]) + "?status=applied"
    assert notices_of(program_admin)[-1][0::2] == ("application_received", roster)

    program_services.enrollments_decide(
        enrollments=Enrollment.objects.filter(user=member), decision="approved", decided_by=program_admin
    )
    assert notices_of(member)[-1] == ("enrollment_approved", f"You're in: {program.name}", program.get_absolute_url())

    program_services.invitations_send(
        program=program,
        rows=[InviteRow(line=1, name="", email=outsider.email, role="mentor", is_external=False)],
        invited_by=program_admin,
    )
    # The bell leads to the form that takes the invitation up, never to the secret link of the email.
    kind, _title, url = notices_of(outsider)[-1]
    assert (kind, url) == ("program_invitation", reverse("programs:apply", args=[program.slug, "mentor"]))


def test_events_reach_the_bell_even_with_every_email_switched_off(relationship: Relationship) -> None:
    for kind in Kind.values:
        preferences.preference_set(user=relationship.mentor, kind=kind, mode=Mode.OFF)
    relationship_services.agreement_save(
        relationship=relationship, side="mentee", actor=relationship.mentee, **agreement_fields()
    )
    assert notices_of(relationship.mentor)[-1][0] == "agreement_to_accept"


def test_an_applicant_who_applies_twice_is_noticed_once_per_application(program_admin: User) -> None:
    program = ProgramFactory(status="open", administrators=[program_admin])
    enrollment = EnrollmentFactory(program=program, status="applied")
    program_emails.application_received(enrollment=enrollment)
    program_emails.application_received(enrollment=enrollment)
    assert len(notices_of(program_admin)) == 1
