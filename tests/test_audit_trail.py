"""The workflows the audit log must show: enrollments, roles, matching, pairing by hand, HR stepping in."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from matching import services as matching_services
from mentorship.accounts.roles import grant_program_admin
from mentorship.notifications.models import AuditEvent
from programs import services as program_services
from programs.models import Enrollment
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from relationships import services as relationship_services
from relationships.models import Side

pytestmark = pytest.mark.django_db


def test_deciding_and_withdrawing_enrollments_is_recorded(program_admin: Any, make_user: Any) -> None:
    program = ProgramFactory(administrators=[program_admin])
    applicant = EnrollmentFactory(program=program, user=make_user(), role="mentee", status="applied")
    program_services.enrollments_decide(
        enrollments=Enrollment.objects.filter(pk=applicant.pk), decision="approved", decided_by=program_admin
    )
    program_services.enrollment_withdraw(enrollment=Enrollment.objects.get(pk=applicant.pk))
    events = AuditEvent.objects.filter(action="enrollment_changed").order_by("pk")
    assert [(e.actor, e.subject, e.details["status"]) for e in events] == [
        (program_admin, applicant.user, "approved"),
        (applicant.user, applicant.user, "withdrawn"),
    ]


def test_granting_the_administrator_role_is_recorded(make_user: Any) -> None:
    person = make_user()
    grant_program_admin(person)
    assert AuditEvent.objects.filter(action="role_changed", subject=person).exists()


def test_matching_runs_publications_and_hand_pairing_are_recorded(
    client: Client, program_admin: Any, make_user: Any
) -> None:
    program = ProgramFactory(administrators=[program_admin], status="running")
    mentee = EnrollmentFactory(program=program, user=make_user(), role="mentee", status="approved")
    mentor = EnrollmentFactory(program=program, user=make_user(), role="mentor", status="approved")
    matching_services.matching_run(program=program, actor=program_admin)
    matching_services.matching_publish(program=program, actor=program_admin)
    other_mentee = EnrollmentFactory(program=program, user=make_user(), role="mentee", status="approved")
    client.force_login(program_admin)
    client.post(
        reverse("matching:relationships", args=[program.slug]),
        {"mentee": other_mentee.user_id, "mentor": mentor.user_id},
        REMOTE_ADDR="198.51.100.7",
    )
    assert AuditEvent.objects.get(action="matching_run").details == {"matched": 1, "mentees": 1}
    assert AuditEvent.objects.get(action="matching_published").details == {"proposals": 1}
    paired = AuditEvent.objects.get(action="paired_by_hand")
    assert (paired.actor, paired.ip) == (program_admin, "198.51.100.7")
    assert mentee.pk  # the engine's pair is waiting for the mentor, not paired by hand


def test_hr_stepping_into_a_relationship_is_an_intervention_and_the_pair_is_not(
    program_admin: Any, make_user: Any
) -> None:
    program = ProgramFactory(administrators=[program_admin], status="running")
    mentee, mentor = make_user(), make_user()
    EnrollmentFactory(program=program, user=mentee, role="mentee", status="approved")
    EnrollmentFactory(program=program, user=mentor, role="mentor", status="approved")
    relationship = relationship_services.relationship_create(
        program=program, mentee=mentee, mentor=mentor, created_by=program_admin
    )
    relationship_services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Busy")
    relationship_services.relationship_resume(relationship=relationship, side=Side.ADMIN, actor=program_admin)
    relationship_services.relationship_end(
        relationship=relationship, side=Side.ADMIN, actor=program_admin, completed=False, reason="Left"
    )
    interventions = AuditEvent.objects.filter(action="intervention").order_by("pk")
    assert [e.summary for e in interventions] == [
        "Relationship resumed by the program team",
        "Relationship ended by the program team",
    ]
    assert all(e.actor == program_admin for e in interventions)
