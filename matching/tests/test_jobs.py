"""A matching run on a big program goes to a worker with a progress page; a small one still answers at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from matching import jobs as matching_jobs
from matching.models import MatchProposal
from matching.tests.test_flow import enroll
from programs import jobs, tasks
from programs.models import Job, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(program: Program, make_user: Any) -> dict[str, Any]:
    """Two mentees and two mentors, approved in a running program."""
    program.status = Program.Status.RUNNING
    program.save()
    people = {
        name: make_user(email=f"{name}@example.com", full_name=name.title()) for name in ["mia", "max", "mo", "meg"]
    }
    return {
        "mia_e": enroll(program, people["mia"], "mentee", skills=["Python"]),
        "max_e": enroll(program, people["max"], "mentee", skills=["Negotiation"]),
        "mo_e": enroll(program, people["mo"], "mentor", capacity=1, skills=["Python"]),
        "meg_e": enroll(program, people["meg"], "mentor", capacity=1, skills=["Negotiation"]),
    }


@pytest.fixture
def handed_over(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    ids: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", ids.append)
    return ids


def test_a_big_program_runs_matching_as_a_job_and_shows_the_result(
    client: Client,
    program: Program,
    program_admin: Any,
    cast: dict[str, Any],
    handed_over: list[int],
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    monkeypatch.setattr(matching_jobs, "BACKGROUND_ABOVE_MENTEES", 1)
    client.force_login(program_admin)
    review = reverse("matching:review", args=[program.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"action": "run"})
    job = Job.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.kind, job.status, handed_over) == ("matching-run", "queued", [job.pk])
    assert not MatchProposal.objects.exists()
    assert "Working on it" not in client.get(job.get_absolute_url()).content.decode()

    assert jobs.job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert (job.summary["matched"], job.summary["mentees"]) == (2, 2)
    assert MatchProposal.objects.filter(status="draft").count() == 2
    page = client.get(job.get_result_url()).content.decode()
    assert "Matching run: done" in page
    assert job.summary["summary"] in page
    assert f'href="{review}"' in page


def test_locking_a_pair_in_a_big_program_reruns_matching_as_a_job(
    client: Client,
    program: Program,
    program_admin: Any,
    cast: dict[str, Any],
    handed_over: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(matching_jobs, "BACKGROUND_ABOVE_MENTEES", 1)
    client.force_login(program_admin)
    response = client.post(
        reverse("matching:review", args=[program.slug]),
        {"action": "lock", "mentee": cast["mia_e"].pk, "mentor": cast["meg_e"].pk},
    )
    assert response.url == Job.objects.get(kind="matching-run").get_absolute_url()


def test_a_small_program_still_runs_at_once(
    client: Client,
    program: Program,
    program_admin: Any,
    cast: dict[str, Any],
) -> None:
    client.force_login(program_admin)
    response = client.post(reverse("matching:review", args=[program.slug]), {"action": "run"})
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert MatchProposal.objects.filter(status="draft").count() == 2
