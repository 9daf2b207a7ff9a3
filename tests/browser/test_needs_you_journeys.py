"""Journeys that follow only the app's own prompts: from the home page, the primary action each time.

A new mentee reaches an accepted agreement and a first meeting with an agenda; a mentor answers a request from
the bell; HR sets a program up in steps. Every page on the way passes axe.
"""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meetings.models import AgendaItem, Meeting
from mentorship.accounts.models import Skill
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.models import Relationship
from tests.browser.pickers import pick

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"


def follow_the_prompt(page: Page, live_server: Any, assert_accessible: Any, expected: str) -> None:
    """Go home, check the page, and take its one primary action, which must be the one expected."""
    page.goto(f"{live_server.url}/")
    assert_accessible(page)
    primary = page.locator("#next-step")
    expect(primary).to_have_text(expected)
    primary.click()
    page.wait_for_load_state()


def guild(admin: Any, make_user: Any) -> tuple[Program, Any]:
    """A program open to anyone, where mentees choose their mentor; one mentor waits in it."""
    program = program_create(
        created_by=admin,
        name="Design Guild",
        status=Program.Status.OPEN,
        access=Program.Access.OPEN,
        matching_mode=Program.MatchingMode.MENTEE_CHOOSES,
    )
    raj = make_user(email="raj.mentor@example.com", full_name="Raj Mentor")
    raj.profile.seniority = 6
    raj.profile.save()
    enrollment = Enrollment.objects.create(program=program, user=raj, role="mentor", status="approved", capacity=2)
    enrollment.offers.set([Skill.objects.get_or_create(key="public speaking", defaults={"name": "Public speaking"})[0]])
    return program, raj


def test_a_new_mentee_follows_the_prompts_to_an_agreement_and_a_prepared_first_meeting(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    _program, raj = guild(program_admin, make_user)
    nia = make_user(email="nia.mentee@example.com", full_name="Nia Mentee")
    login(page, nia.email)

    # Join a program.
    follow_the_prompt(page, live_server, assert_accessible, "Find a program")
    assert_accessible(page)
    page.get_by_role("link", name="Design Guild").click()
    page.get_by_role("link", name="Apply as mentee").click()
    assert_accessible(page)
    page.get_by_label("Skill development").check()
    page.get_by_label("Areas you want to grow in").fill("Public speaking")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_text("You are in!")).to_be_visible()

    # Choose a mentor from the recommendations.
    follow_the_prompt(page, live_server, assert_accessible, "See recommendations")
    assert_accessible(page)
    page.get_by_role("button", name="Ask Raj Mentor").click()
    expect(page.get_by_text("Request sent.")).to_be_visible()

    # The mentor accepts (see the mentor's journey below for the bell itself).
    mentor = browser.new_context().new_page()
    login(mentor, raj.email)
    follow_the_prompt(mentor, live_server, assert_accessible, "Answer")
    mentor.get_by_role("button", name="Accept Nia Mentee").click()
    expect(mentor.get_by_text("You accepted.")).to_be_visible()

    # Goals, then the agreement.
    follow_the_prompt(page, live_server, assert_accessible, "Add your goals")
    assert_accessible(page)
    page.locator("#id_title").fill("Give a talk at the design review")
    page.get_by_label("Category*").select_option("skills")
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name="Give a talk at the design review")).to_be_visible()

    follow_the_prompt(page, live_server, assert_accessible, "Draft the agreement")
    assert_accessible(page)
    page.get_by_label("The mentee's role and responsibilities").fill("Bring a topic to each meeting.")
    page.get_by_label("The mentor's role and responsibilities").fill("Give honest feedback.")
    page.get_by_label("What we want to achieve").fill("A confident first talk.")
    page.get_by_role("button", name="Save the agreement").click()

    follow_the_prompt(page, live_server, assert_accessible, "Read and accept")
    page.get_by_role("button", name="I accept this agreement").click()
    expect(page.get_by_text("Waiting for Raj Mentor to accept the agreement")).to_be_visible()

    follow_the_prompt(mentor, live_server, assert_accessible, "Read and accept")
    assert_accessible(mentor)
    mentor.get_by_role("button", name="I accept this agreement").click()
    expect(mentor.get_by_text("You accepted the agreement.")).to_be_visible()

    # The first meeting, tomorrow, and its agenda.
    follow_the_prompt(page, live_server, assert_accessible, "Schedule your first meeting")
    assert_accessible(page)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    page.get_by_label("How often").select_option("once")
    page.get_by_label("First meeting on").fill(tomorrow.isoformat())
    page.get_by_label("Starts at").fill("10:00")
    pick(page, "Time zone", "berlin")  # the searchable picker, as people use it
    page.get_by_label("Where").select_option("zoom")
    page.get_by_label("Link or place").fill(ZOOM)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()

    follow_the_prompt(page, live_server, assert_accessible, "Add a topic")
    assert_accessible(page)
    page.get_by_label("Topic").fill("How to open a talk")
    page.get_by_role("button", name="Add topic").click()
    expect(page.locator("#agenda li.list-group-item")).to_contain_text(["How to open a talk"])

    # Nothing more is asked of her, and her first steps are done.
    page.goto(f"{live_server.url}/")
    expect(page.get_by_text("Nothing waits for you right now.")).to_be_visible()
    expect(page.get_by_role("heading", name="First steps")).to_have_count(0)
    assert_accessible(page)
    relationship = Relationship.objects.get(mentee=nia, mentor=raj)
    assert relationship.status == Relationship.Status.ACTIVE
    agreement = relationship.agreements.get()
    assert agreement.accepted_by_both
    meeting = Meeting.objects.get(relationship=relationship)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_a_mentor_answers_a_request_from_the_bell(
    page: Page,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    from matching.services import mentee_request

    program, raj = guild(program_admin, make_user)
    ana = make_user(email="ana.mentee@example.com", full_name="Ana Mentee")
    mentee = Enrollment.objects.create(program=program, user=ana, role="mentee", status="approved")
    mentee_request(program=program, mentee=mentee, mentor_id=program.enrollments.get(user=raj).pk)

    login(page, raj.email)
    expect(page.locator("#needs-you-count")).to_have_text("1 waiting for you")
    page.locator("#notice-bell").click()
    expect(page.get_by_role("heading", name="Needs you")).to_be_visible()
    expect(page.get_by_text("Ana Mentee asked you to be their mentor")).to_be_visible()
    expect(page.get_by_text("Would you mentor Ana Mentee?")).to_be_visible()  # the notice of the same event
    assert_accessible(page)
    page.get_by_role("link", name="Answer").click()
    expect(page.locator("article:target")).to_contain_text("Ana Mentee · Design Guild")
    assert_accessible(page)
    page.get_by_role("button", name="Accept Ana Mentee").click()
    expect(page.get_by_text("You accepted.")).to_be_visible()
    expect(page.locator("#needs-you-count")).to_have_count(0)
    assert Relationship.objects.filter(mentee=ana, mentor=raj).exists()


def test_hr_sets_a_sponsorship_program_up_in_steps(
    page: Page, live_server: Any, program_admin: Any, login: Any, assert_accessible: Any
) -> None:
    login(page, program_admin.email)
    follow_the_prompt(page, live_server, assert_accessible, "Create a program")
    assert_accessible(page)
    expect(page.get_by_role("heading", name="Step 1 of 5: Basics")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Hannah Resources")).to_be_checked()  # the creator runs it, ticked already
    page.get_by_label("Name").fill("Rising Leaders")
    page.get_by_label("Kind").select_option("sponsorship")
    page.get_by_label("Description").fill("Senior leaders sponsor the next generation.")
    page.get_by_label("Career advancement").check()
    page.get_by_role("button", name="Create the draft and continue").click()
    expect(page.get_by_text("Program created as a draft")).to_be_visible()

    expect(page.get_by_role("heading", name="Step 2 of 5: Enrollment and questions")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who may join").select_option("approval")
    page.get_by_label("Question*").fill("Which opportunity would you like to be put forward for?")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Step 3 of 5: Matching")).to_be_visible()
    assert_accessible(page)
    # Sponsor-only settings appear because this is a sponsorship program.
    page.get_by_label("Levels a sponsor must be above the sponsee").fill("3")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Step 4 of 5: Meeting cadence")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Default meeting cadence").select_option("biweekly")
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Step 5 of 5: Invite")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Open enrollment and invite people").click()
    expect(page.get_by_text("Enrollment is open.")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email addresses").fill("sia@example.com")
    page.get_by_label("Invite as").select_option("mentee")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("1 invitation to sign up was sent.")).to_be_visible()

    program = Program.objects.get(name="Rising Leaders")
    assert (program.kind, program.status, program.sponsor_min_level_gap, program.default_cadence) == (
        "sponsorship",
        "open",
        3,
        "biweekly",
    )
    assert list(program.administrators.all()) == [program_admin]
    assert program.questions.get().prompt == "Which opportunity would you like to be put forward for?"
    # Home now points at the next thing to do: matching, once people have applied.
    follow_the_prompt(page, live_server, assert_accessible, "Go to matching")
