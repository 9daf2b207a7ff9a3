"""Matching journeys: the admin runs, locks, re-runs and publishes; a mentor accepts; a mentee requests a mentor."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from mentorship.accounts.models import Skill
from programs.models import Enrollment, Program
from programs.services import program_create

pytestmark = pytest.mark.browser


def enroll(program: Program, user: Any, role: str, skill: str, capacity: int | None = None) -> Enrollment:
    enrollment = Enrollment.objects.create(program=program, user=user, role=role, status="approved", capacity=capacity)
    skill_row, _created = Skill.objects.get_or_create(key=skill.casefold(), defaults={"name": skill})
    (enrollment.growth_areas if role == "mentee" else enrollment.offers).set([skill_row])
    return enrollment


def person(make_user: Any, email: str, name: str, seniority: int = 3) -> Any:
    user = make_user(email=email, full_name=name)
    user.profile.seniority = seniority
    user.profile.save()
    return user


def test_admin_runs_locks_reruns_publishes_and_the_mentor_accepts(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    program = program_create(created_by=program_admin, name="Spring Mentoring", status=Program.Status.RUNNING)
    mia = person(make_user, "mia@example.com", "Mia Mentee")
    max_ = person(make_user, "max@example.com", "Max Mentee")
    mo = person(make_user, "mo@example.com", "Mo Mentor", 6)
    meg = person(make_user, "meg@example.com", "Meg Mentor", 6)
    enroll(program, mia, "mentee", "Python")
    enroll(program, max_, "mentee", "Negotiation")
    enroll(program, mo, "mentor", "Python", capacity=1)
    enroll(program, meg, "mentor", "Negotiation", capacity=1)

    login(page, program_admin.email)
    page.goto(f"{live_server.url}{program.get_manage_url()}")
    page.get_by_role("link", name="Matching").click()
    page.get_by_role("button", name="Run matching").click()
    expect(page.get_by_text("2 of 2 mentees matched")).to_be_visible()
    draft = page.locator("table tbody tr")
    expect(draft.filter(has_text="Mia Mentee")).to_contain_text("Mo Mentor")
    expect(draft.filter(has_text="Mia Mentee")).to_contain_text("Mia wants to grow in Python, which Mo offers")
    assert_accessible(page)

    # Pin Mia with Meg by hand; the re-run keeps the lock and rearranges the rest.
    page.get_by_label("Mentee", exact=True).select_option(label="Mia Mentee")
    page.get_by_label("Mentor or sponsor").select_option(label="Meg Mentor")
    page.get_by_role("button", name="Lock and re-run").click()
    expect(page.get_by_text("Pair locked: re-runs keep it.")).to_be_visible()
    expect(draft.filter(has_text="Mia Mentee")).to_contain_text("Meg Mentor")
    expect(draft.filter(has_text="Mia Mentee")).to_contain_text("locked")
    page.get_by_role("button", name="Run matching again").click()
    expect(draft.filter(has_text="Mia Mentee")).to_contain_text("Meg Mentor")
    page.get_by_role("button", name="Publish 2 proposals").click()
    assert_accessible(page)  # publishing asks first, with the counts
    page.get_by_role("button", name="Yes, send 2 proposals").click()
    expect(page.get_by_text("2 proposals sent to the mentors.")).to_be_visible()

    mentor_page = browser.new_context().new_page()
    login(mentor_page, meg.email)
    mentor_page.get_by_role("link", name="Proposals").click()
    expect(mentor_page.get_by_role("heading", name="Mia Mentee · Spring Mentoring")).to_be_visible()
    assert_accessible(mentor_page)
    mentor_page.get_by_role("button", name="Accept Mia Mentee").click()
    expect(mentor_page.get_by_text("You accepted.")).to_be_visible()
    expect(mentor_page.get_by_role("heading", name="Mia Mentee & Meg Mentor")).to_be_visible()

    mentee_page = browser.new_context().new_page()
    login(mentee_page, mia.email)
    expect(mentee_page.get_by_role("link", name="Meg Mentor")).to_be_visible()  # on the home page


def test_mentee_requests_a_recommended_mentor(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    program = program_create(
        created_by=program_admin,
        name="Choose Your Mentor",
        status=Program.Status.RUNNING,
        matching_mode=Program.MatchingMode.MENTEE_CHOOSES,
    )
    ana = person(make_user, "ana@example.com", "Ana Mentee")
    raj = person(make_user, "raj@example.com", "Raj Mentor", 6)
    lee = person(make_user, "lee@example.com", "Lee Mentor", 6)
    enroll(program, ana, "mentee", "Public speaking")
    enroll(program, raj, "mentor", "Public speaking", capacity=2)
    enroll(program, lee, "mentor", "Kubernetes", capacity=2)

    login(page, ana.email)
    page.goto(f"{live_server.url}{program.get_absolute_url()}")
    page.get_by_role("link", name="Choose your mentor").click()
    cards = page.locator("article")
    expect(cards.first).to_contain_text("Raj Mentor")
    expect(cards.first).to_contain_text("offers Public speaking")
    assert_accessible(page)
    page.get_by_role("button", name="Ask Raj Mentor").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()
    expect(page.get_by_text("Raj Mentor: Waiting for the mentor")).to_be_visible()

    mentor_page = browser.new_context().new_page()
    login(mentor_page, raj.email)
    mentor_page.goto(f"{live_server.url}/programs/proposals/")
    expect(mentor_page.get_by_text("they asked for you")).to_be_visible()
