"""Who may see and do what: every manage page is a 404 to anyone but the program's administrators."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from programs.models import Enrollment, Invitation, Program
from programs.tests.factories import EnrollmentFactory, ProgramFactory

pytestmark = pytest.mark.django_db

GET_PAGES = ["manage", "edit", "questions", "invite", "roster"]
POST_ONLY = ["status", "decide"]
REFUSED = ["outsider", "member", "participant", "other_program_admin"]


def url(name: str, program: Program) -> str:
    return reverse(f"programs:{name}", args=[program.slug])


@pytest.mark.parametrize("persona", REFUSED)
@pytest.mark.parametrize("page", GET_PAGES)
def test_manage_pages_are_not_found_for_anyone_but_the_programs_administrators(
    page: str, persona: str, request: pytest.FixtureRequest, client: Client, program: Program
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(page, program)).status_code == 404


@pytest.mark.parametrize("page", GET_PAGES)
def test_manage_pages_open_for_the_administrator_and_a_superuser(
    page: str, client: Client, program: Program, program_admin: Any, superuser: Any
) -> None:
    for person in (program_admin, superuser):
        client.force_login(person)
        assert client.get(url(page, program)).status_code == 200


@pytest.mark.parametrize("page", GET_PAGES + POST_ONLY)
def test_manage_pages_send_anonymous_visitors_to_sign_in(page: str, client: Client, program: Program) -> None:
    response = client.post(url(page, program))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_an_unknown_program_is_not_found_even_for_an_administrator(client: Client, program_admin: Any) -> None:
    client.force_login(program_admin)
    for page in GET_PAGES:
        assert client.get(reverse(f"programs:{page}", args=["no-such-program"])).status_code == 404


@pytest.mark.parametrize("persona", REFUSED)
def test_refused_writes_change_nothing(
    persona: str,
    request: pytest.FixtureRequest,
    client: Client,
    program: Program,
    django_capture_on_commit_callbacks: Any,
) -> None:
    applicant = EnrollmentFactory(program=program, status=Enrollment.Status.APPLIED)
    client.force_login(request.getfixturevalue(persona))
    csv = SimpleUploadedFile("people.csv", b"email,role\nnew@example.com,mentee\n", "text/csv")
    attempts = [
        ("status", {"status": "closed"}),
        ("edit", {"name": "Hijacked", "kind": "mentoring", "access": "open"}),
        ("questions", {"questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-0-prompt": "Hi"}),
        ("invite", {"paste": "1", "addresses": "new@example.com", "role": "mentee"}),
        ("invite", {"upload": "1", "file": csv}),
        ("decide", {"selected": [applicant.pk], "decision": "approved"}),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for page, data in attempts:
            assert client.post(url(page, program), data).status_code == 404, page
    program.refresh_from_db()
    assert (program.name, program.status, program.access) == ("Engineering Mentoring", "open", "approval")
    assert not program.questions.exists()
    assert not Invitation.objects.exists()
    assert Enrollment.objects.get(pk=applicant.pk).status == Enrollment.Status.APPLIED
    assert mail.outbox == []


@pytest.mark.parametrize("persona", ["outsider", "member", "participant"])
def test_program_list_and_creation_are_for_program_administrators_only(
    persona: str, request: pytest.FixtureRequest, client: Client
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("programs:manage_list")).status_code == 404
    assert client.get(reverse("programs:create")).status_code == 404
    assert client.post(reverse("programs:create"), {"name": "Sneaky", "kind": "mentoring"}).status_code == 404
    assert not Program.objects.filter(name="Sneaky").exists()


def test_another_programs_admin_sees_only_their_own_programs(
    client: Client, program: Program, other_program: Program, other_program_admin: Any
) -> None:
    client.force_login(other_program_admin)
    page = client.get(reverse("programs:manage_list")).content.decode()
    assert other_program.name in page
    assert program.name not in page


def test_a_superuser_manages_every_program(
    client: Client, program: Program, other_program: Program, superuser: Any
) -> None:
    client.force_login(superuser)
    page = client.get(reverse("programs:manage_list")).content.decode()
    assert program.name in page
    assert other_program.name in page


def test_a_deactivated_administrator_loses_access(client: Client, program: Program, program_admin: Any) -> None:
    client.force_login(program_admin)
    program_admin.is_active = False
    program_admin.save()
    response = client.get(program.get_manage_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["outsider", "member", "other_program_admin"])
def test_employees_see_programs_open_to_them_but_not_drafts_closed_or_invitation_only_ones(
    persona: str, request: pytest.FixtureRequest, client: Client
) -> None:
    client.force_login(request.getfixturevalue(persona))
    visible = [ProgramFactory(status="open"), ProgramFactory(status="running", access="open")]
    hidden = [
        ProgramFactory(status="draft"),
        ProgramFactory(status="closed"),
        ProgramFactory(status="open", access="invitation"),
    ]
    for program in visible:
        assert client.get(program.get_absolute_url()).status_code == 200
    for program in hidden:
        assert client.get(program.get_absolute_url()).status_code == 404
        assert client.get(reverse("programs:apply", args=[program.slug, "mentee"])).status_code == 404


def test_a_participant_still_sees_their_program_after_it_closes(
    client: Client, participant: Any, program: Program
) -> None:
    Program.objects.filter(pk=program.pk).update(status="closed")
    client.force_login(participant)
    page = client.get(program.get_absolute_url())
    assert page.status_code == 200
    assert "Approved" in page.content.decode()
