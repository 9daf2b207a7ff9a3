"""Every unique constraint of programs that people can race, raced on PostgreSQL: one object, never a 500.

Each test releases six requests (or workers) at the same instant, in threads with their own connections, as
six browser tabs or six administrators would. SQLite serialises writes, so there these tests are skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mentorship.common.testing import at_once
from mentorship.notifications.models import OutboundEmail
from programs import jobs, services, tasks
from programs.invitations_csv import InviteRow
from programs.models import Enrollment, Invitation, Job, Program
from programs.tests.factories import InvitationFactory, ProgramFactory

pytestmark = [pytest.mark.django_db(transaction=True)]

SIX = 6


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("races need row locks and concurrent transactions: PostgreSQL (set DATABASE_URL)")


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch: pytest.MonkeyPatch) -> None:
    # Emails and jobs are handed to the broker after commit; nobody consumes them in these tests.
    from mentorship.notifications import tasks as notification_tasks

    monkeypatch.setattr(notification_tasks.deliver_email, "delay", lambda *args: None)
    monkeypatch.setattr(tasks.run_job, "delay", lambda *args: None)


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_from(user: Any, url: str, data: dict[str, Any]) -> Callable[[], HttpResponse]:
    client = signed_in(user)
    return lambda: client.post(url, data)


def statuses(outcomes: list[Any]) -> list[int]:
    problems = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert not problems, problems
    return sorted(outcome.status_code for outcome in outcomes)


def test_six_programs_created_at_once_with_one_name_each_get_their_own_slug(program_admin: Any) -> None:
    data = {
        "name": "Race Program",
        "kind": "mentoring",
        "access": "approval",
        "default_relationship_months": "6",
        "default_cadence": "monthly",
        "default_meeting_minutes": "45",
        "matching_mode": "engine",
        "default_mentor_capacity": "2",
        "mentor_response_days": "3",
        "sponsor_min_level_gap": "2",
    }
    url = reverse("programs:create")
    outcomes = at_once(*(post_from(program_admin, url, data) for _ in range(SIX)))
    assert statuses(outcomes) == [302] * SIX
    slugs = sorted(Program.objects.filter(name="Race Program").values_list("slug", flat=True))
    assert slugs == sorted(["race-program", *(f"race-program-{n}" for n in range(2, SIX + 1))])
    assert {outcome.url for outcome in outcomes} == {f"/programs/{slug}/manage/" for slug in slugs}


def test_six_invitations_of_one_address_at_once_make_one_invitation_and_one_email(program_admin: Any) -> None:
    program = ProgramFactory(administrators=[program_admin])
    url = reverse("programs:invite", args=[program.slug])
    data = {"paste": "1", "addresses": "Pat@Example.com", "role": "mentee"}
    outcomes = at_once(*(post_from(program_admin, url, data) for _ in range(SIX)))
    assert statuses(outcomes) == [200] * SIX
    assert Invitation.objects.filter(program=program).count() == 1
    assert OutboundEmail.objects.filter(to="pat@example.com").count() == 1
    pages = [outcome.content.decode() for outcome in outcomes]
    assert sum("1 invitation to sign up was sent." in page for page in pages) == 1
    assert sum("1 was already invited and was skipped." in page for page in pages) == SIX - 1


def test_six_administrators_inviting_a_colleague_with_an_account_enroll_them_once(
    program_admin: Any, member: Any, make_user: Any
) -> None:
    admins = [program_admin] + [make_user(email=f"hr{n}@example.com") for n in range(SIX - 1)]
    program = ProgramFactory(administrators=admins)
    rows = [InviteRow(line=1, email=member.email, name="", role="mentee")]
    outcomes = at_once(
        *(lambda by=by: services.invitations_send(program=program, rows=rows, invited_by=by) for by in admins)
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert sum(len(report.invited_users) for report in outcomes) == 1
    assert Enrollment.objects.filter(program=program, user=member).count() == 1


def test_six_applications_at_once_make_one_enrollment(member: Any) -> None:
    program = ProgramFactory()
    url = reverse("programs:apply", args=[program.slug, "mentee"])
    data = {"goal_categories": ["skills"], "growth_areas": "Python", "languages": ["en"]}
    outcomes = at_once(*(post_from(member, url, data) for _ in range(SIX)))
    assert statuses(outcomes) == [302] * SIX
    assert Enrollment.objects.filter(program=program, user=member).count() == 1


def test_six_accepts_of_one_invitation_make_one_enrollment(member: Any) -> None:
    program = ProgramFactory()
    InvitationFactory(program=program, email=member.email, token="race-token-000000000001")
    url = reverse("programs:invitation", args=["race-token-000000000001"])
    outcomes = at_once(*(post_from(member, url, {}) for _ in range(SIX)))
    assert statuses(outcomes) == [302] * SIX
    assert Enrollment.objects.filter(program=program, user=member).count() == 1
    assert Invitation.objects.get().enrollment.user == member


def test_two_addresses_of_one_person_accepted_at_once_share_one_enrollment(member: Any) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=member, email="mina.private@example.net", verified=True)
    program = ProgramFactory()
    work = InvitationFactory(program=program, email=member.email)
    private = InvitationFactory(program=program, email="mina.private@example.net")
    outcomes = at_once(
        *(lambda i=i: services.invitation_accept(invitation=i, user=member) for i in (work, private, work, private))
    )
    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    enrollment = Enrollment.objects.get(program=program, user=member)
    assert Invitation.objects.filter(enrollment=enrollment).count() == 1
    assert Invitation.objects.filter(accepted_at__isnull=False).count() == 2


def test_two_workers_given_one_job_run_it_once(program_admin: Any) -> None:
    program = ProgramFactory(administrators=[program_admin])
    rows = [InviteRow(line=n, email=f"p{n}@example.com", name="", role="mentee") for n in range(2, 42)]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    outcomes = at_once(*(lambda: jobs.job_run(job_id=job.pk) for _ in range(SIX)))
    assert sorted(outcomes) == [False] * (SIX - 1) + [True]
    assert Job.objects.get().status == "done"
    assert Invitation.objects.count() == 40
