"""An administrator uploads a long CSV of invitations and watches a worker's progress reach the result page."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from programs import jobs, services, tasks
from programs.models import Invitation, Job
from programs.tests.factories import ProgramFactory

pytestmark = pytest.mark.browser

ROWS = 150


def test_admin_uploads_a_long_csv_and_watches_it_being_imported(
    page: Page,
    live_server: Any,
    program_admin: Any,
    login: Any,
    assert_accessible: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    if connection.vendor == "sqlite":
        # The worker below is a second thread; SQLite's shared in-memory test database locks whole tables, so
        # the page's polling would be refused while a step commits. CI runs this on PostgreSQL.
        pytest.skip("needs a database that lets a worker thread and the web server write and read at once")
    program = ProgramFactory(name="Graduate Mentoring", administrators=[program_admin])
    handed_over: list[int] = []
    monkeypatch.setattr(tasks.run_job, "delay", handed_over.append)  # the broker: a worker below takes it
    monkeypatch.setattr(services, "INVITE_STEP", 10)
    real_advance = services.job_advance

    def slow_advance(**kwargs: Any) -> None:
        real_advance(**kwargs)
        time.sleep(0.25)  # long enough for the page to show a few steps on the way

    monkeypatch.setattr(services, "job_advance", slow_advance)

    login(page, program_admin.email)
    page.get_by_role("link", name="Manage programs").click()
    page.get_by_role("link", name="Graduate Mentoring").click()
    page.get_by_role("link", name="Invite", exact=True).click()
    lines = ["name,email,role", *(f"Grad {n},grad{n}@example.com,mentee" for n in range(ROWS))]
    page.locator("#id_file").set_input_files(
        files=[{"name": "graduates.csv", "mimeType": "text/csv", "buffer": "\n".join(lines).encode()}]
    )
    page.get_by_role("button", name="Import and invite").click()

    expect(page.get_by_role("heading", name="Invitations: in progress")).to_be_visible()
    expect(page.get_by_text("Waiting for a worker to start…")).to_be_visible()
    expect(page.get_by_role("progressbar", name="Progress")).to_be_visible()
    assert_accessible(page)
    [job_id] = handed_over
    assert not Invitation.objects.exists()

    def worker() -> None:
        try:
            jobs.job_run(job_id=job_id)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        expect(page.locator("#job-state")).to_contain_text(f"of {ROWS} done", timeout=15_000)
        expect(page.get_by_role("heading", name="Invitations: done")).to_be_visible(timeout=30_000)
    finally:
        thread.join(timeout=60)
    expect(page.get_by_text(f"{ROWS} invitations to sign up were sent.")).to_be_visible()
    assert page.url.endswith(Job.objects.get(pk=job_id).get_result_url())
    assert_accessible(page)
    page.get_by_role("link", name="See everyone invited to this program").click()
    expect(page.get_by_text(f"{ROWS} invitations", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Invitation.objects.filter(program=program).count() == ROWS
