"""HR creates a program and invites two people; a newcomer signs up from the invitation, applies, is approved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser


def invitation_link(address: str) -> str:
    message = next(m for m in mail.outbox if m.to == [address] and "invited" in m.subject)
    return re.search(r"https?://\S+/programs/invitations/\S+/", message.body).group(0)


def test_admin_invites_newcomer_who_applies_and_is_approved(
    page: Page, browser: Browser, live_server: Any, program_admin: Any, member: Any, login: Any, assert_accessible: Any
) -> None:
    login(page, program_admin.email)
    page.get_by_role("link", name="Manage programs").click()
    page.get_by_role("link", name="New program").click()
    assert_accessible(page)
    # New programs are set up in steps; this journey takes the one-page form the first step offers.
    page.get_by_role("link", name="Fill in every setting on one page").click()
    page.get_by_label("Name").fill("Women in Tech Mentoring")
    page.get_by_label("Description").fill("Mentoring for women engineers, by senior engineers.")
    page.get_by_label("Who may join").select_option("approval")
    page.get_by_label("Skill development").check()
    page.get_by_role("button", name="Save program").click()
    expect(page.get_by_text("Program created as a draft")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Open enrollment").click()
    expect(page.get_by_text("The program is now enrollment open.")).to_be_visible()

    page.get_by_role("link", name="Invite", exact=True).click()
    page.get_by_label("Email addresses").fill(f"Pat Newcomer <pat.newcomer@example.com>\n{member.email.upper()}")
    page.get_by_label("Invite as").select_option("mentee")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_text("1 person with an account was invited.")).to_be_visible()
    expect(page.get_by_text("1 invitation to sign up was sent.")).to_be_visible()
    assert_accessible(page)

    # The newcomer opens the link from the email in their own browser.
    newcomer_context = browser.new_context()
    newcomer = newcomer_context.new_page()
    link = invitation_link("pat.newcomer@example.com")
    newcomer.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(newcomer.get_by_role("heading", name="You're invited to Women in Tech Mentoring")).to_be_visible()
    newcomer.get_by_role("link", name="Create my account").click()
    expect(newcomer.get_by_label("Email")).to_have_value("pat.newcomer@example.com")
    newcomer.get_by_label("Full name").fill("Pat Newcomer")
    newcomer.locator("#id_password1").fill("lilac-harbour-77")
    newcomer.locator("#id_password2").fill("lilac-harbour-77")
    newcomer.get_by_role("button", name="Sign Up").click()
    # Back on the invitation, signed in with the invited address: accepting is the newcomer's own step.
    expect(newcomer.get_by_role("heading", name="You're invited to Women in Tech Mentoring")).to_be_visible()
    assert_accessible(newcomer)
    newcomer.get_by_role("button", name="Accept the invitation").click()

    expect(newcomer.get_by_role("heading", name="Join as mentee")).to_be_visible()
    assert_accessible(newcomer)
    newcomer.get_by_label("Skill development").check()
    newcomer.get_by_label("Areas you want to grow in").fill("System design, Public speaking")
    newcomer.get_by_role("button", name="Send application").click()
    expect(newcomer.get_by_text("You are in!")).to_be_visible()
    expect(newcomer.locator(".badge", has_text="Approved")).to_be_visible()

    # The member, who had an account already, applies through the program page instead.
    member_context = browser.new_context()
    member_page = member_context.new_page()
    login(member_page, member.email)
    member_page.goto(f"{live_server.url}/programs/")
    member_page.get_by_role("link", name="Women in Tech Mentoring").click()
    expect(member_page.locator(".badge", has_text="Invited")).to_be_visible()
    member_page.get_by_role("button", name="Decline").click()
    expect(member_page.locator(".badge", has_text="Withdrawn")).to_be_visible()
    member_page.get_by_role("link", name="Apply as mentee").click()
    member_page.get_by_label("Skill development").check()
    member_page.get_by_label("Areas you want to grow in").fill("Negotiation")
    member_page.get_by_role("button", name="Send application").click()
    expect(member_page.get_by_text("Application sent.")).to_be_visible()
    expect(member_page.locator(".badge", has_text="Applied")).to_be_visible()

    # HR reviews and approves the waiting application.
    page.goto(f"{live_server.url}/programs/manage/")
    page.get_by_role("link", name="1", exact=True).click()
    assert_accessible(page)
    page.get_by_label(f"Select {member.full_name}").check()
    page.get_by_label("Decision").select_option("approved")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.get_by_text("1 marked approved.")).to_be_visible()

    member_page.reload()
    expect(member_page.locator(".badge", has_text="Approved")).to_be_visible()
    member_page.get_by_role("link", name="Home").click()
    expect(member_page.get_by_role("link", name="Women in Tech Mentoring")).to_be_visible()
    assert_accessible(member_page)
    assert any(m.to == [member.email] and "You're in" in m.subject for m in mail.outbox)
    newcomer_context.close()
    member_context.close()
