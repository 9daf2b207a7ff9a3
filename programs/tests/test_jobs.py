"""Long administrator actions as jobs: the invitation import of thousands of rows, progress, result, resuming."""

from __future__ import annotations

import datetime
import time
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.roles import revoke_program_admin
from programs import jobs, services, tasks
from programs.invitations_csv import MAX_ROWS, InviteRow
from programs.models import Invitation, Job, Program
from programs.tests.factories import InvitationFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def csv_of(count: int, *, start: int = 0, bad: int = 0) -> bytes:
    lines = ["name,email,role"]
    lines += [f"Person {n},person{n}@example.com,mentee" for n in range(start, start + count)]
    lines += [f"Broken {n},broken{n}@,mentee" for n in range(bad)]
    return ("\n".join(lines) + "\n").encode()


def upload(client: Client, program: Program, data: bytes) -> HttpResponse:
    invite = reverse("programs:invite", args=[program.slug])
    return client.post(invite, {"upload": "1", "file": SimpleUploadedFile("people.csv", data, "text/csv")})


@pytest.fixture
def admin_client(client: Client, program_admin: Any) -> Client:
    client.force_login(program_admin)
    return client


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Job ids handed to the broker, which nobody consumes here: the test runs them when it chooses."""
    ids: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", ids.append)
    return ids


def test_a_long_list_becomes_a_job_with_a_progress_page_then_a_result_page(
    admin_client: Client, program: Program, handed_over: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, program, csv_of(services.INVITE_NOW_MAX + 50, bad=2))
    job = Job.objects.get()
    assert handed_over == [job.pk]
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.status, job.total, job.owner) == (
        "invitations-import",
        "queued",
        150,
        program.administrators.get(),
    )
    assert not Invitation.objects.exists()  # the request invited nobody itself

    page = admin_client.get(job.get_absolute_url())
    text = page.content.decode()
    assert 'id="job-progress"' in text
    assert "Waiting for a worker to start" in text
    assert '<script src="/static/js/job-progress.js">' in text
    assert admin_client.get(job.get_result_url()).url == job.get_absolute_url()  # not done yet

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress, job.payload) == ("done", 150, {})
    assert Invitation.objects.filter(program=program).count() == 150
    assert len(mail.outbox) == 150

    status = admin_client.get(reverse("programs:job_status", args=[program.slug, job.pk])).json()
    assert status == {
        "status": "done",
        "progress": 150,
        "total": 150,
        "percent": 100,
        "text": "Done",
        "finished": True,
        "result_url": job.get_result_url(),
    }
    assert admin_client.get(job.get_absolute_url()).url == job.get_result_url()
    result = admin_client.get(job.get_result_url()).content.decode()
    assert "150 invitations to sign up were sent." in result
    assert "2 lines could not be used" in result
    assert "&#x27;broken0@&#x27; is not a valid email address." in result


def test_progress_is_reported_step_by_step_as_each_step_commits(
    program: Program, program_admin: Any, handed_over: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [InviteRow(line=n, email=f"p{n}@example.com", name="", role="mentee") for n in range(2, 27)]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    monkeypatch.setattr(services, "INVITE_STEP", 10)
    seen: list[tuple[int, str]] = []
    real_advance = services.job_advance

    def advance(*, job: Job, progress: int, summary: dict[str, Any]) -> None:
        real_advance(job=job, progress=progress, summary=summary)
        seen.append((progress, Job.objects.get(pk=job.pk).progress_text()))

    monkeypatch.setattr(services, "job_advance", advance)
    jobs.job_run(job_id=job.pk)
    assert seen == [(10, "10 of 25 done (40%)."), (20, "20 of 25 done (80%)."), (25, "25 of 25 done (100%).")]


def test_the_upload_of_the_documented_maximum_answers_within_two_seconds(
    admin_client: Client, program: Program, handed_over: list[int], django_capture_on_commit_callbacks: Any
) -> None:
    data = csv_of(MAX_ROWS)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, program, data)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302
    assert elapsed < 2.0, f"the upload took {elapsed:.2f} s"
    assert Job.objects.get().total == MAX_ROWS
    assert not Invitation.objects.exists()


def test_a_short_list_is_still_invited_at_once(admin_client: Client, program: Program) -> None:
    response = upload(admin_client, program, csv_of(3))
    assert response.status_code == 200
    assert "3 invitations to sign up were sent." in response.content.decode()
    assert not Job.objects.exists()


def test_a_job_whose_worker_died_is_resumed_where_it_stopped(
    program: Program, program_admin: Any, handed_over: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [InviteRow(line=n, email=f"p{n}@example.com", name="", role="mentee") for n in range(2, 32)]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    monkeypatch.setattr(services, "INVITE_STEP", 10)
    real_send = services.invitations_send
    calls = {"n": 0}

    def dying_send(**kwargs: Any) -> services.InviteReport:
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("the worker was killed")
        return real_send(**kwargs)

    monkeypatch.setattr(services, "invitations_send", dying_send)
    with pytest.raises(SystemExit):
        jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("running", 10)
    assert Invitation.objects.count() == 10

    assert not jobs.job_run(job_id=job.pk)  # its worker may still be at it: nobody else takes it
    assert jobs.jobs_resume() == 0
    later = timezone.now() + jobs.STALE_AFTER + datetime.timedelta(minutes=1)
    handed_over.clear()
    assert jobs.jobs_resume(now=later) == 1
    assert handed_over == [job.pk]
    monkeypatch.setattr(services, "invitations_send", real_send)
    monkeypatch.setattr(jobs.timezone, "now", lambda: later)
    assert jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 30)
    assert job.summary["invited_emails"] == 30
    assert job.summary["already_invited"] == 0
    assert Invitation.objects.count() == 30


def test_a_job_the_broker_never_delivered_is_handed_over_again(
    program: Program, program_admin: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broker_away(job_id: int) -> None:
        raise ConnectionError("redis is away")

    monkeypatch.setattr(tasks.run_job, "delay", broker_away)
    rows = [InviteRow(line=2, email="pat@example.com", name="", role="mentee")]
    with django_capture_on_commit_callbacks(execute=True):
        job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    assert Job.objects.get(pk=job.pk).status == "queued"
    handed: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", handed.append)
    assert jobs.jobs_resume() == 0  # just queued: probably still on its way
    assert jobs.jobs_resume(now=timezone.now() + datetime.timedelta(minutes=5)) == 1
    assert handed == [job.pk]


def test_a_job_refused_by_the_rules_fails_with_the_reason_and_keeps_what_was_done(
    admin_client: Client, program: Program, program_admin: Any, handed_over: list[int]
) -> None:
    rows = [InviteRow(line=2, email="pat@example.com", name="", role="mentee")]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    Program.objects.filter(pk=program.pk).update(status=Program.Status.CLOSED)
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert job.error == "Open enrollment or start the program before inviting people."
    page = admin_client.get(job.get_result_url()).content.decode()
    assert "Invitations: stopped" in page
    assert "Open enrollment or start the program before inviting people." in page


def test_an_unexpected_error_fails_the_job_without_showing_the_details(
    program: Program, program_admin: Any, handed_over: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [InviteRow(line=2, email="pat@example.com", name="", role="mentee")]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)

    def broken(**kwargs: Any) -> None:
        raise ZeroDivisionError("secret detail")

    monkeypatch.setattr(services, "invitations_send", broken)
    assert jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed"
    assert "secret detail" not in job.error
    assert job.finished_at is not None


def test_a_draft_program_refuses_the_import_before_any_job_exists(admin_client: Client, program_admin: Any) -> None:
    draft = ProgramFactory(status="draft", administrators=[program_admin])
    response = upload(admin_client, draft, csv_of(services.INVITE_NOW_MAX + 1))
    assert response.status_code == 200
    assert "Open enrollment or start the program before inviting people." in response.content.decode()
    assert not Job.objects.exists()


def test_a_job_is_shown_to_the_person_who_started_it_only_while_they_run_the_program(
    client: Client,
    program: Program,
    program_admin: Any,
    other_program_admin: Any,
    member: Any,
    handed_over: list[int],
) -> None:
    program.administrators.add(other_program_admin)
    rows = [InviteRow(line=2, email="pat@example.com", name="", role="mentee")]
    job = services.invitations_import_start(program=program, rows=rows, invited_by=program_admin)
    urls = [
        job.get_absolute_url(),
        job.get_result_url(),
        reverse("programs:job_status", args=[program.slug, job.pk]),
        reverse("programs:job", args=["another-slug", job.pk]),
    ]
    for person in (member, other_program_admin):
        client.force_login(person)
        for address in urls:
            assert client.get(address).status_code == 404, (person, address)
    client.force_login(program_admin)
    assert client.get(urls[0]).status_code == 200
    program.administrators.remove(program_admin)
    revoke_program_admin(program_admin)
    assert client.get(urls[0]).status_code == 404


def test_the_invitations_list_shows_who_was_invited_and_who_accepted_in_a_fixed_number_of_queries(
    admin_client: Client, program: Program, member: Any, django_assert_max_num_queries: Any
) -> None:
    accepted = InvitationFactory(program=program, email=member.email, full_name="Mina")
    services.invitation_accept(invitation=accepted, user=member)
    InvitationFactory(program=program, email="pat@example.com")
    address = reverse("programs:invitations", args=[program.slug])
    page = admin_client.get(address).content.decode()
    assert "Accepted on" in page
    assert "Not accepted yet" in page
    assert "pat@example.com" in page
    assert "pat@example.com" not in admin_client.get(address, {"q": "mina"}).content.decode()
    with django_assert_max_num_queries(12) as small:
        admin_client.get(address)
    InvitationFactory.create_batch(60, program=program)
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(address)
    with django_assert_max_num_queries(len(small.captured_queries)):
        admin_client.get(address, {"page": "2"})


def test_the_invitations_list_is_for_the_programs_administrators(
    client: Client, program: Program, other_program_admin: Any, member: Any
) -> None:
    for person in (member, other_program_admin):
        client.force_login(person)
        assert client.get(reverse("programs:invitations", args=[program.slug])).status_code == 404
