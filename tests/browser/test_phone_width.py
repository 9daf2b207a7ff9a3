"""At phone width (390 by 844) the pages people use most fit the screen: nothing scrolls sideways.

Tables (the roster, a program's relationships, the draft proposals) turn into stacked cards; each cell names its
column. Screenshots land in test-results/ (not in git) for a person to look at.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from matching.services import matching_publish, matching_run
from meetings.models import AgendaItem
from meetings.tests.factories import pair, person, running_program, schedule_once
from programs.models import Enrollment
from relationships.tests.factories import make_active

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "phone-width"
# Long names and addresses are what push a page sideways.
LONG_EMAIL = "alexandra.konstantinopoulou-smythe@engineering.example.com"


def phone(browser: Browser) -> Page:
    page = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True).new_page()
    page.emulate_media(reduced_motion="reduce")
    return page


def assert_fits(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{name} scrolls sideways: {widths[0]}px of content in {widths[1]}px"


@pytest.fixture
def organisation(program_admin: Any) -> dict[str, Any]:
    program = running_program(program_admin, "Engineering Mentoring Circle 2027")
    mentee = person("mia@example.com", "Mia Mentee")
    mentor = person(LONG_EMAIL, "Alexandra Konstantinopoulou-Smythe")
    relationship = make_active(pair(program, mentee, mentor))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = schedule_once(relationship, datetime.datetime.combine(tomorrow, datetime.time(10, 0)))
    AgendaItem.objects.create(
        meeting=meeting, author=mentee, text="How to prepare the architecture review of the payments platform"
    )
    for n in range(6):
        applicant = person(f"applicant.with.a.rather.long.address.{n}@example.com", f"Applicant Number {n}")
        Enrollment.objects.create(program=program, user=applicant, role="mentee", status="applied")
    # A second mentee, proposed to the same mentor by the engine: the mentor has a proposal to answer.
    waiting = person("tia@example.com", "Tiago Fernandes-Oliveira")
    Enrollment.objects.create(program=program, user=waiting, role="mentee", status="approved")
    matching_run(program=program, actor=program_admin)
    matching_publish(program=program, actor=program_admin)
    return {"program": program, "mentee": mentee, "mentor": mentor, "relationship": relationship}


def test_home_roster_and_a_relationship_fit_a_phone(
    browser: Browser, live_server: Any, program_admin: Any, organisation: dict[str, Any], login: Any
) -> None:
    program, relationship = organisation["program"], organisation["relationship"]

    mentee = phone(browser)
    login(mentee, organisation["mentee"].email)
    mentee.goto(f"{live_server.url}/")
    expect(mentee.get_by_role("heading", name="Welcome, Mia")).to_be_visible()
    assert_fits(mentee, "home")

    mentee.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    expect(mentee.get_by_role("heading", level=1)).to_be_visible()
    assert_fits(mentee, "relationship")

    mentee.goto(f"{live_server.url}/relationships/")
    assert_fits(mentee, "my-relationships")

    hr = phone(browser)
    login(hr, program_admin.email)
    hr.goto(f"{live_server.url}/programs/{program.slug}/manage/roster/")
    expect(hr.get_by_text("Applicant Number 3")).to_be_visible()
    # A row is a card: the column's name is shown beside each value, the header row is out of sight.
    card = hr.locator("tr", has_text="Applicant Number 3")
    assert card.evaluate("row => getComputedStyle(row).display") == "block"
    status = card.locator("td[data-label=Status]")
    assert status.evaluate("cell => getComputedStyle(cell, '::before').content") == '"Status"'
    assert_fits(hr, "roster")

    hr.goto(f"{live_server.url}/programs/{program.slug}/manage/relationships/")
    expect(hr.get_by_role("link", name="Mia Mentee")).to_be_visible()
    assert_fits(hr, "program-relationships")

    hr.goto(f"{live_server.url}/programs/{program.slug}/manage/matching/")
    assert_fits(hr, "matching-review")

    mentor = phone(browser)
    login(mentor, LONG_EMAIL)
    mentor.goto(f"{live_server.url}/programs/proposals/")
    expect(mentor.get_by_role("button", name="Accept Tiago Fernandes-Oliveira")).to_be_visible()
    assert_fits(mentor, "proposals")
    mentor.goto(f"{live_server.url}/notifications/")
    assert_fits(mentor, "bell")


def test_the_profile_form_with_its_pickers_fits_a_phone(
    browser: Browser, live_server: Any, member: Any, login: Any, assert_accessible: Any
) -> None:
    page = phone(browser)
    login(page, member.email)
    page.goto(f"{live_server.url}/profile/edit/")
    page.get_by_role("combobox", name="Time zone").focus()
    expect(page.get_by_role("listbox", name="Time zone")).to_be_visible()
    assert_fits(page, "profile-zone-picker")
    assert_accessible(page)


def test_the_week_of_availability_fits_a_phone_with_a_split_day_open(
    browser: Browser, live_server: Any, member: Any, login: Any, assert_accessible: Any
) -> None:
    page = phone(browser)
    login(page, member.email)
    page.goto(f"{live_server.url}/profile/availability/")
    page.get_by_text("More hours on Monday").click()
    expect(page.get_by_label("Monday, stretch 2, from")).to_be_visible()
    assert_fits(page, "availability")
    assert_accessible(page)
