"""Each role reaches its goal by following only the app's own prompts, every page on the way axe-clean.

A brand-new mentee starts from an empty profile and, clicking the home page's one primary button each time (and
on the pages it leads to, the one obvious button), fills in their profile with the searchable pickers, joins a
program, asks a mentor, agrees goals and an agreement, and schedules a first meeting with an agenda. Their mentor
never types an address: everything they do starts from the bell. A mentor who was proposed a mentee by the
program team answers from the bell too. (``test_needs_you_journeys.py`` covers the home page's ordering and the
administrator's setup; this file follows a person the whole way from a blank profile.)
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from matching.services import matching_publish, matching_run
from meetings.models import AgendaItem, Meeting
from mentorship.accounts.models import Skill
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.models import Relationship
from tests.browser.pickers import pick

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"


class Journey:
    """One person's browser: goes home, checks each page with axe, clicks what the app puts first."""

    def __init__(self, page: Page, base: str, assert_accessible: Any) -> None:
        self.page = page
        self.base = base
        self.check = assert_accessible

    def home_prompt(self, expected: str) -> None:
        """From the home page, take its one primary action, which must be the one expected."""
        self.page.goto(f"{self.base}/")
        self.check(self.page)
        primary = self.page.locator("#next-step")
        expect(primary).to_have_text(expected)
        primary.click()
        self.page.wait_for_load_state()
        self.check(self.page)

    def bell_prompt(self, title: str, action: str) -> None:
        """From whatever page is open, open the bell and take the action of the row with that title."""
        expect(self.page.locator("#needs-you-count")).to_be_visible()
        self.page.locator("#notice-bell").click()
        expect(self.page.get_by_role("heading", name="Needs you")).to_be_visible()
        self.check(self.page)
        row = self.page.locator(".needs-you li", has_text=title)
        row.get_by_role("link", name=action).click()
        self.page.wait_for_load_state()
        self.check(self.page)

    def click(self, role: str, name: str) -> None:
        self.page.get_by_role(role, name=name).click()  # type: ignore[arg-type]
        self.page.wait_for_load_state()
        self.check(self.page)

    def pick(self, label: str, typed: str) -> None:
        pick(self.page, label, typed)


def browser_page(browser: Browser) -> Page:
    page = browser.new_context().new_page()
    page.emulate_media(reduced_motion="reduce")  # axe reads colours after transitions, not half-way through
    return page


def new_person(make_user: Any, email: str, name: str) -> Any:
    """An account whose profile is still empty, as right after signing up."""
    user = make_user(email=email, full_name=name)
    profile = user.profile
    profile.department = profile.job_title = ""
    profile.seniority = None
    profile.time_zone = "UTC"
    profile.languages = []
    profile.completed_at = None
    profile.save()
    return user


def mentor_in(program: Program, make_user: Any, email: str, name: str, skill: str) -> Any:
    mentor = make_user(email=email, full_name=name)
    mentor.profile.seniority = 6
    mentor.profile.save()
    enrollment = Enrollment.objects.create(program=program, user=mentor, role="mentor", status="approved", capacity=2)
    enrollment.offers.set([Skill.objects.get_or_create(key=skill.lower(), defaults={"name": skill})[0]])
    return mentor


def test_a_new_mentee_follows_the_prompts_from_a_blank_profile_to_a_prepared_first_meeting(
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    program_create(
        created_by=program_admin,
        name="Design Guild",
        status=Program.Status.OPEN,
        access=Program.Access.OPEN,
        matching_mode=Program.MatchingMode.MENTEE_CHOOSES,
    )
    program = Program.objects.get(name="Design Guild")
    raj = mentor_in(program, make_user, "raj.mentor@example.com", "Raj Mentor", "Public speaking")
    ana = new_person(make_user, "ana.newhire@example.com", "Ana Newhire")

    mentee = Journey(browser_page(browser), live_server.url, assert_accessible)
    login(mentee.page, ana.email)
    page = mentee.page

    # 1. The profile, with the searchable pickers.
    mentee.home_prompt("Fill in your profile")
    page.get_by_label("Job title").fill("Product Designer")
    page.get_by_label("Department or team").fill("Design")
    page.get_by_label("Seniority level").select_option(label="Junior")
    mentee.pick("Time zone", "lisbon")
    mentee.pick("Languages you work in", "portug")
    page.get_by_label("Areas you want to grow in").fill("Public speaking")
    mentee.click("button", "Save profile")
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    # 2. A program.
    mentee.home_prompt("Find a program")
    mentee.click("link", "Design Guild")
    mentee.click("link", "Apply as mentee")
    page.get_by_label("Skill development").check()
    mentee.click("button", "Send application")
    expect(page.get_by_text("You are in!")).to_be_visible()

    # 3. A mentor, from the recommendations.
    mentee.home_prompt("See recommendations")
    mentee.click("button", "Ask Raj Mentor")
    expect(page.get_by_text("Request sent.")).to_be_visible()

    # The mentor answers from the bell, wherever they are.
    mentor = Journey(browser_page(browser), live_server.url, assert_accessible)
    login(mentor.page, raj.email)
    mentor.bell_prompt("Ana Newhire asked you to be their mentor", "Answer")
    expect(mentor.page.locator("article:target")).to_contain_text("Ana Newhire · Design Guild")
    mentor.click("button", "Accept Ana Newhire")
    expect(mentor.page.get_by_text("You accepted.")).to_be_visible()

    # 4. Goals, then the agreement, which both accept.
    mentee.home_prompt("Add your goals")
    page.locator("#id_title").fill("Present my work at the design review")
    page.get_by_label("Category*").select_option("skills")
    mentee.click("button", "Save goal")
    expect(page.get_by_role("heading", name="Present my work at the design review")).to_be_visible()

    mentee.home_prompt("Draft the agreement")
    page.get_by_label("The mentee's role and responsibilities").fill("Bring a draft to each meeting.")
    page.get_by_label("The mentor's role and responsibilities").fill("Give honest feedback.")
    page.get_by_label("What we want to achieve").fill("A calm first presentation.")
    mentee.click("button", "Save the agreement")

    mentee.home_prompt("Read and accept")
    mentee.click("button", "I accept this agreement")
    expect(page.get_by_text("Waiting for Raj Mentor to accept the agreement")).to_be_visible()

    mentor.page.goto(f"{live_server.url}/")
    mentor.bell_prompt("Accept the agreement with Ana Newhire", "Read and accept")
    mentor.click("button", "I accept this agreement")
    expect(mentor.page.get_by_text("You accepted the agreement.")).to_be_visible()

    # 5. The first meeting, tomorrow, and a topic for it.
    mentee.home_prompt("Schedule your first meeting")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("How often").select_option("once")
    page.get_by_label("First meeting on").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("15:00")
    page.get_by_label("Where").select_option("zoom")
    page.get_by_label("Link or place").fill(ZOOM)
    mentee.click("button", "Schedule")
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()

    mentee.home_prompt("Add a topic")
    page.get_by_label("Topic").fill("How to open a design review")
    mentee.click("button", "Add topic")
    expect(page.locator("#agenda li.list-group-item")).to_contain_text(["How to open a design review"])

    # Nothing more is asked of either of them.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Nothing waits for you right now.")).to_be_visible()
    expect(page.get_by_role("heading", name="First steps")).to_have_count(0)
    assert_accessible(page)

    ana.profile.refresh_from_db()
    assert (ana.profile.time_zone, ana.profile.languages) == ("Europe/Lisbon", ["pt"])
    relationship = Relationship.objects.get(mentee=ana, mentor=raj)
    assert relationship.status == Relationship.Status.ACTIVE
    assert relationship.agreements.get().accepted_by_both
    meeting = Meeting.objects.get(relationship=relationship)
    assert meeting.zone == "Europe/Lisbon"  # the schedule form starts from the mentee's own zone
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_a_mentor_answers_the_program_teams_proposal_from_the_bell(
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    program = program_create(
        created_by=program_admin,
        name="Platform Mentoring",
        status=Program.Status.RUNNING,
        matching_mode=Program.MatchingMode.ENGINE_PROPOSES,
    )
    meg = mentor_in(program, make_user, "meg.mentor@example.com", "Meg Mentor", "System design")
    tom = make_user(email="tom.mentee@example.com", full_name="Tom Mentee")
    Enrollment.objects.create(program=program, user=tom, role="mentee", status="approved")
    matching_run(program=program, actor=program_admin)
    assert matching_publish(program=program, actor=program_admin) == 1

    mentor = Journey(browser_page(browser), live_server.url, assert_accessible)
    login(mentor.page, meg.email)
    expect(mentor.page.locator("#needs-you-count")).to_have_text("1 waiting for you")
    mentor.bell_prompt("Would you mentor Tom Mentee?", "Answer")
    expect(mentor.page.locator("article:target")).to_contain_text("Tom Mentee · Platform Mentoring")
    mentor.click("button", "Accept Tom Mentee")
    expect(mentor.page.get_by_text("You accepted.")).to_be_visible()
    expect(mentor.page.locator("#needs-you-count")).to_have_count(0)
    assert Relationship.objects.filter(mentee=tom, mentor=meg, program=program).exists()
