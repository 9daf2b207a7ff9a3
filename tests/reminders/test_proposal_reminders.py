"""Match proposals waiting for the mentor: one reminder a day before the deadline, and the admins' weekly count."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from insights.digests import admin_digests_due
from matching import reminders as proposal_reminders
from matching import tasks as matching_tasks
from matching.models import MatchProposal
from mentorship.accounts.models import User
from mentorship.notifications import outbox, preferences
from mentorship.notifications import reminders as notification_reminders
from mentorship.notifications.models import Kind, Mode, Notice, OutboundEmail
from programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def propose(program: Program, mentee: User, mentor: User, *, respond_by: datetime.datetime) -> MatchProposal:
    mentee_enrollment, _ = Enrollment.objects.get_or_create(
        program=program, user=mentee, role=Enrollment.Role.MENTEE, defaults={"status": Enrollment.Status.APPROVED}
    )
    mentor_enrollment, _ = Enrollment.objects.get_or_create(
        program=program,
        user=mentor,
        role=Enrollment.Role.MENTOR,
        defaults={"status": Enrollment.Status.APPROVED, "capacity": 3},
    )
    return MatchProposal.objects.create(
        program=program,
        mentee=mentee_enrollment,
        mentor=mentor_enrollment,
        origin=MatchProposal.Origin.ENGINE,
        status=MatchProposal.Status.PROPOSED,
        respond_by=respond_by,
    )


def scan() -> int:
    return notification_reminders.reminders_queue(
        reminders=proposal_reminders.unanswered_proposal_reminders(now=timezone.now())
    ).emails_created


def test_mentor_is_reminded_once_a_day_before_the_deadline(
    clock: Any, program: Program, mentee: User, mentor: User
) -> None:
    deadline = datetime.datetime(2027, 1, 7, 17, 0, tzinfo=UTC)
    proposal = propose(program, mentee, mentor, respond_by=deadline)

    clock.move_to(deadline - datetime.timedelta(hours=25))
    assert scan() == 0

    clock.move_to(deadline - datetime.timedelta(hours=24))
    assert scan() == 1
    [row] = OutboundEmail.objects.filter(kind=Kind.MATCH_PROPOSAL)
    assert row.key == f"match-proposal:{proposal.pk}:day-before:{mentor.pk}"
    assert row.recipient_id == mentor.pk
    # Later scans (hourly, or a second beat) add nothing.
    clock.move_to(deadline - datetime.timedelta(hours=3))
    assert scan() == 0
    assert matching_tasks.scan_reminders() == 0

    outbox.outbox_flush()
    [email] = [m for m in mail.outbox if mentor.email in m.to]
    assert "Mia Mentee" in email.subject
    assert "Engineering Mentoring" in email.body
    # The deadline in the mentor's own zone (New York), and the link to answer.
    assert "7 January 2027, 12:00 EST" in email.body
    assert f"{reverse('matching:proposals')}" in email.body
    assert "/notifications/unsubscribe/" in email.extra_headers["List-Unsubscribe"]
    notice = Notice.objects.get(user=mentor, kind=Kind.MATCH_PROPOSAL)
    assert notice.url == reverse("matching:proposals")
    assert not Notice.objects.filter(user=mentee).exists()


def test_no_reminder_after_the_deadline_or_once_answered(
    clock: Any, program: Program, mentee: User, mentor: User
) -> None:
    late = propose(program, mentee, mentor, respond_by=timezone.now() - datetime.timedelta(minutes=1))
    assert scan() == 0
    late.status = MatchProposal.Status.DECLINED
    late.save(update_fields=["status"])

    answered = propose(program, mentee, mentor, respond_by=timezone.now() + datetime.timedelta(hours=5))
    answered.status = MatchProposal.Status.ACCEPTED
    answered.save(update_fields=["status"])
    assert scan() == 0


def test_answered_after_the_scan_is_not_sent(clock: Any, program: Program, mentee: User, mentor: User) -> None:
    proposal = propose(program, mentee, mentor, respond_by=timezone.now() + datetime.timedelta(hours=5))
    assert scan() == 1
    proposal.status = MatchProposal.Status.ACCEPTED
    proposal.save(update_fields=["status"])
    outbox.outbox_flush()
    assert OutboundEmail.objects.get(kind=Kind.MATCH_PROPOSAL).status == OutboundEmail.Status.SKIPPED
    assert not [m for m in mail.outbox if mentor.email in m.to]


def test_switched_off_means_a_notice_but_no_email(clock: Any, program: Program, mentee: User, mentor: User) -> None:
    preferences.preference_set(user=mentor, kind=Kind.MATCH_PROPOSAL, mode=Mode.OFF)
    propose(program, mentee, mentor, respond_by=timezone.now() + datetime.timedelta(hours=5))
    assert scan() == 0
    assert Notice.objects.filter(user=mentor, kind=Kind.MATCH_PROPOSAL).count() == 1


def test_weekly_digest_counts_unanswered_proposals_per_program(
    clock: Any, program: Program, mentee: User, mentor: User, program_admin: User, make_user: Any
) -> None:
    propose(program, mentee, mentor, respond_by=timezone.now() + datetime.timedelta(days=2))
    other_mentee = make_user(email="ola@example.com", full_name="Ola Other")
    done = propose(program, other_mentee, mentor, respond_by=timezone.now() + datetime.timedelta(days=2))
    done.status = MatchProposal.Status.DECLINED
    done.save(update_fields=["status"])
    assert proposal_reminders.unanswered_proposals_by_program(program_ids=[program.pk], now=timezone.now()) == {
        program.pk: 1
    }

    assert admin_digests_due().emails_created == 1
    mail.outbox.clear()
    outbox.outbox_flush()
    [digest] = [m for m in mail.outbox if program_admin.email in m.to]
    assert "Match proposals waiting for an answer: 1" in digest.body
