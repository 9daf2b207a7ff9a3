"""A newcomer signs up, confirms the address from the email, signs in and completes the profile."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from tests.browser.pickers import pick

pytestmark = pytest.mark.browser


def test_signup_confirm_login_and_complete_profile(
    page: Page, browser: Browser, live_server: Any, settings: Any, assert_accessible: Any
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    page.goto(f"{live_server.url}/accounts/signup/")
    assert_accessible(page)
    page.get_by_label("Email").fill("Robin.Newhire@example.com")
    page.get_by_label("Full name").fill("Robin Newhire")
    page.locator("#id_password1").fill("tangerine-sky-42")
    page.locator("#id_password2").fill("tangerine-sky-42")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin.newhire@example.com"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    path = "/accounts/" + link.split("/accounts/", 1)[1]

    # Confirm from a fresh browser, as if the link was opened from the mail client.
    other = browser.new_context()
    confirm = other.new_page()
    confirm.goto(f"{live_server.url}{path}")
    confirm.get_by_role("button", name="Confirm").click()
    other.close()

    page.goto(f"{live_server.url}/accounts/login/")
    assert_accessible(page)
    page.get_by_label("Email").fill("robin.newhire@example.com")
    page.get_by_label("Password").fill("tangerine-sky-42")
    page.get_by_role("button", name="Sign In").click()

    expect(page).to_have_url(re.compile(r"/profile/edit/\?welcome=1$"))
    expect(page.get_by_text("Welcome! Tell us a little about yourself")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Job title").fill("Data Engineer")
    page.get_by_label("Department or team").fill("Analytics")
    page.get_by_label("Seniority level").select_option(label="Junior")
    # The long lists are searchable: type until one choice is left, then Enter.
    pick(page, "Time zone", "new york")
    pick(page, "Languages you work in", "spanish")
    page.get_by_label("Skills you can offer").fill("SQL, dbt")
    page.get_by_label("Areas you want to grow in").fill("Public speaking")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Robin Newhire")).to_be_visible()
    expect(page.get_by_text("America/New_York")).to_be_visible()
    expect(page.get_by_text("Public speaking")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Robin")).to_be_visible()
    expect(page.get_by_text("Complete your profile")).to_have_count(0)
    assert_accessible(page)
