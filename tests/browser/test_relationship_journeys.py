"""Relationship journeys: goals and agreement to active, sponsor advocacy, ending with thanks."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from mentorship.accounts.models import Seniority
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.models import Relationship
from relationships.services import relationship_create

pytestmark = pytest.mark.browser


def make_pair(admin: Any, mentee: Any, mentor: Any, kind: str = Program.Kind.MENTORING) -> Relationship:
    program = program_create(created_by=admin, name=f"{kind.title()} pilot", kind=kind, status=Program.Status.RUNNING)
    helper_role = Enrollment.Role.SPONSOR if kind == Program.Kind.SPONSORSHIP else Enrollment.Role.MENTOR
    Enrollment.objects.create(program=program, user=mentee, role=Enrollment.Role.MENTEE, status="approved")
    Enrollment.objects.create(program=program, user=mentor, role=helper_role, status="approved", capacity=2)
    return relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=admin)


def other_browser(browser: Browser, login: Any, email: str) -> Page:
    page = browser.new_context().new_page()
    login(page, email)
    return page


def test_goal_and_agreement_make_the_relationship_active(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    mentee = make_user(email="mia.mentee@example.com", full_name="Mia Mentee")
    mentor = make_user(email="mo.mentor@example.com", full_name="Mo Mentor")
    relationship = make_pair(program_admin, mentee, mentor)

    login(page, mentee.email)
    page.get_by_role("link", name="Mo Mentor").click()
    expect(page.get_by_text("Agree on your goals: add your first goal")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Add a goal").click()
    page.locator("#id_title").fill("Speak at an internal tech talk")
    page.get_by_label("Category*").select_option("skills")
    page.get_by_label("Why it matters to you").fill("I freeze when presenting.")
    page.get_by_label("How you will know you got there").fill("I give a 20-minute talk by spring.")
    assert_accessible(page)
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name="Speak at an internal tech talk")).to_be_visible()

    page.get_by_role("link", name="Draft the agreement").click()
    expect(page.get_by_label("How often we meet")).to_have_value("monthly")
    page.get_by_label("The mentee's role and responsibilities").fill("Bring a topic to each meeting.")
    page.get_by_label("The mentor's role and responsibilities").fill("Give honest feedback on talks.")
    page.get_by_label("What we want to achieve").fill("A confident first talk.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the agreement").click()
    page.get_by_role("button", name="I accept this agreement").click()
    expect(page.get_by_text("Waiting for Mo Mentor to accept the agreement")).to_be_visible()

    mentor_page = other_browser(browser, login, mentor.email)
    mentor_page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    expect(mentor_page.get_by_text("Bring a topic to each meeting.")).to_be_visible()
    mentor_page.get_by_role("button", name="I accept this agreement").click()
    expect(mentor_page.get_by_text("You accepted the agreement.")).to_be_visible()
    expect(mentor_page.locator(".badge", has_text="Active")).to_be_visible()
    expect(mentor_page.get_by_text("Schedule your first meeting")).to_be_visible()
    assert_accessible(mentor_page)

    page.reload()
    expect(page.locator(".badge", has_text="Active")).to_be_visible()
    relationship.refresh_from_db()
    assert relationship.status == Relationship.Status.ACTIVE


def test_sponsor_logs_advocacy_and_the_sponsee_sees_it(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    sponsee = make_user(email="sia.sponsee@example.com", full_name="Sia Sponsee")
    sponsor = make_user(email="sol.sponsor@example.com", full_name="Sol Sponsor")
    sponsor.profile.seniority = Seniority.DIRECTOR
    sponsor.profile.save()
    relationship = make_pair(program_admin, sponsee, sponsor, kind=Program.Kind.SPONSORSHIP)

    login(page, sponsor.email)
    page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    page.get_by_role("link", name="Record advocacy").click()
    page.get_by_label("What").select_option("project")
    page.get_by_label("Date").fill("2026-11-20")
    page.get_by_label("Details").fill("Put Sia forward to lead the checkout redesign.")
    page.get_by_label("Status").select_option("done")
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Put Sia forward to lead the checkout redesign.")).to_be_visible()

    sponsee_page = other_browser(browser, login, sponsee.email)
    sponsee_page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    expect(sponsee_page.get_by_text("Put Sia forward to lead the checkout redesign.")).to_be_visible()
    sponsee_page.get_by_label("What followed").fill("I start on the redesign in January.")
    sponsee_page.get_by_role("button", name="Save what followed").click()
    expect(
        sponsee_page.get_by_text("What followed, from Sia Sponsee: I start on the redesign in January.")
    ).to_be_visible()
    assert_accessible(sponsee_page)

    # HR sees that advocacy happened, not what was written.
    admin_page = other_browser(browser, login, program_admin.email)
    admin_page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    expect(admin_page.get_by_text("1 action recorded.")).to_be_visible()
    expect(admin_page.get_by_text("checkout redesign")).to_have_count(0)


def test_ending_sends_the_thank_you(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    mentee = make_user(email="eli.mentee@example.com", full_name="Eli Mentee")
    mentor = make_user(email="ada.mentor@example.com", full_name="Ada Mentor")
    relationship = make_pair(program_admin, mentee, mentor)

    login(page, mentee.email)
    page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    page.get_by_role("link", name="End the relationship").click()
    page.get_by_label("We completed what we set out to do").check()
    assert_accessible(page)
    page.get_by_role("button", name="End the relationship").click()

    expect(page.get_by_role("heading", name="Looking back")).to_be_visible()
    page.get_by_label("Which goals did you reach?").fill("I gave my first talk.")
    page.get_by_label("5 (excellent)").check()
    page.get_by_label("A thank-you message").fill("Thank you, Ada, for every single rehearsal.")
    assert_accessible(page)
    page.get_by_role("button", name="Share my reflection").click()
    expect(page.get_by_text("Thank you for your reflection.")).to_be_visible()
    expect(page.get_by_text("You rated this relationship 5 out of 5.")).to_be_visible()

    thanks = [m for m in mail.outbox if m.to == [mentor.email] and "thank-you" in m.subject.lower()]
    assert len(thanks) == 1
    assert "every single rehearsal" in thanks[0].body

    # The mentor can still read the relationship and is invited to reflect too.
    mentor_page = other_browser(browser, login, mentor.email)
    mentor_page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    expect(mentor_page.locator(".badge", has_text="Completed")).to_be_visible()
    expect(mentor_page.get_by_role("link", name="Reflect and say thank you")).to_be_visible()
