"""HR insights as an administrator meets them: the dashboard and its charts, the at-risk list, a nudge, the CSV."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page, expect

from meetings.models import Meeting
from mentorship.notifications.models import Notice
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.models import Agreement, Goal, Relationship
from relationships.services import relationship_create

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"
CHARTS = ["chart-health", "chart-funnel", "chart-months", "chart-goals"]


def pair(program: Program, mentee: Any, mentor: Any, *, last_met_days_ago: int) -> Relationship:
    """A pair four months in, with an accepted monthly agreement, that last met the given number of days ago."""
    relationship = relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=None)
    started = timezone.localdate() - datetime.timedelta(days=120)
    Relationship.objects.filter(pk=relationship.pk).update(status="active", started_on=started)
    accepted = timezone.now() - datetime.timedelta(days=110)
    Agreement.objects.create(
        relationship=relationship,
        cadence="monthly",
        mentee_responsibilities="Bring topics",
        mentor_responsibilities="Listen",
        desired_outcomes="Grow",
        confidentiality="Between us",
        mentee_accepted_at=accepted,
        mentor_accepted_at=accepted,
    )
    for days in (last_met_days_ago, last_met_days_ago + 30, last_met_days_ago + 60):
        # At noon of that day: "n days ago" then reads the same on every clock, whatever time the suite runs.
        day = timezone.localdate() - datetime.timedelta(days=days)
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        Meeting.objects.create(
            relationship=relationship,
            start=start,
            end=start + datetime.timedelta(hours=1),
            zone="UTC",
            title="Mentoring meeting",
            provider="zoom",
            location=ZOOM,
            status="held",
            wrapped_up_at=start,
        )
    return relationship


def charts_drawn(page: Page) -> None:
    for chart in CHARTS:
        page.wait_for_function(
            "id => { const c = document.querySelector(`canvas[data-chart='${id}']`);"
            " return window.Chart && c && window.Chart.getChart(c) && c.width > 0; }",
            arg=chart,
        )


def test_an_administrator_reads_the_dashboard_nudges_a_pair_and_downloads_the_csv(
    page: Page,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    program = program_create(created_by=program_admin, name="Spring Mentoring", status=Program.Status.RUNNING)
    bea, cem = make_user(email="bea@example.com", full_name="Bea Stalled"), make_user(email="cem@example.com")
    rex, rio = make_user(email="rex@example.com", full_name="Rex Mentor"), make_user(email="rio@example.com")
    for person, role in ((bea, "mentee"), (cem, "mentee"), (rex, "mentor"), (rio, "mentor")):
        Enrollment.objects.create(program=program, user=person, role=role, status="approved")
    stalled = pair(program, bea, rex, last_met_days_ago=70)
    pair(program, cem, rio, last_met_days_ago=10)
    Goal.objects.create(relationship=stalled, title="Speak at the all-hands", category="skills")
    blocked: list[str] = []
    page.on("console", lambda message: _note_csp(message, blocked))

    login(page, program_admin.email)
    page.goto(f"{live_server.url}{program.get_manage_url()}")
    page.get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", name="Relationship health")).to_be_visible()
    charts_drawn(page)
    expect(page.get_by_role("table", name="Open relationships by health score")).to_contain_text("40\u201349")
    expect(page.get_by_role("table", name="People at each step, and the share of the step before")).to_be_visible()
    assert_accessible(page)

    # On a phone the charts shrink to the screen and nothing makes the page scroll sideways.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    charts_drawn(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    assert page.evaluate("document.querySelector(\"canvas[data-chart='chart-months']\").clientWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="At-risk list", exact=True).first.click()
    row = page.get_by_role("row").filter(has_text="Bea Stalled")
    expect(row).to_contain_text("no meeting held for 70 days; agreed monthly")
    expect(page.get_by_role("row").filter(has_text="cem")).to_have_count(0)
    assert_accessible(page)
    row.get_by_role("link", name="Bea Stalled & Rex Mentor").click()

    expect(page.get_by_role("heading", name="Bea Stalled & Rex Mentor")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("A message to both (optional)").fill("Shall we find a date together this week?")
    page.get_by_role("button", name="Send the nudge").click()
    expect(page.get_by_text("Check-in sent")).to_be_visible()
    expect(page.get_by_text("Check-in nudge sent")).to_be_visible()  # the log says who did what, and when
    for person in (bea, rex):
        assert Notice.objects.filter(user=person, key__startswith=f"checkin-nudge:{stalled.pk}:").exists()

    page.get_by_role("link", name="Spring Mentoring").click()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download relationships (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{program.slug}-relationships-")
    text = open(download.path(), encoding="utf-8-sig").read()  # noqa: SIM115 - a temporary file
    assert text.splitlines()[0].startswith("Program,Mentee,Mentee email")
    assert "Bea Stalled" in text
    assert not blocked, blocked


def _note_csp(message: ConsoleMessage, blocked: list[str]) -> None:
    if "Content Security Policy" in message.text:
        blocked.append(message.text)
