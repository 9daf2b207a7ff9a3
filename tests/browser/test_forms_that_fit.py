"""Forms that fit people: searchable pickers for long lists, a copy button for the calendar link.

The pickers are driven as people drive them, with the keyboard: type a few letters, press Enter.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from meetings.models import CalendarFeed
from meetings.tests.factories import running_program
from programs.models import Enrollment
from relationships.models import Relationship
from tests.browser.pickers import pick

pytestmark = pytest.mark.browser


def watch_console(page: Page) -> list[str]:
    """Errors the page logs (a refused inline style or script under the CSP shows up here)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_time_zone_and_languages_are_picked_by_typing(
    page: Page, live_server: Any, member: Any, login: Any, assert_accessible: Any
) -> None:
    errors = watch_console(page)
    login(page, member.email)
    page.goto(f"{live_server.url}/profile/edit/")
    assert_accessible(page)

    zone = page.get_by_role("combobox", name="Time zone")
    zone.focus()
    expect(zone).to_have_attribute("aria-expanded", "true")  # the list is open: typing now filters it
    page.keyboard.type("new york")
    new_york = re.compile(r"^America/New York \(UTC-0[45]:00\)$")  # the offset of the day
    expect(page.get_by_role("listbox", name="Time zone").get_by_role("option")).to_have_text([new_york])
    page.keyboard.press("Enter")
    assert_accessible(page)

    languages = page.get_by_role("combobox", name="Languages you work in")
    languages.focus()
    expect(languages).to_have_attribute("aria-expanded", "true")
    for typed, language in (("span", "Spanish"), ("portu", "Portuguese")):
        page.keyboard.type(typed)
        expect(page.get_by_role("listbox", name="Languages").get_by_role("option")).to_have_text([language])
        page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert_accessible(page)

    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    member.profile.refresh_from_db()
    assert member.profile.time_zone == "America/New_York"
    assert set(member.profile.languages) >= {"es", "pt"}
    assert errors == []


def test_without_script_the_plain_selects_work(browser: Browser, live_server: Any, member: Any, login: Any) -> None:
    page = browser.new_context(java_script_enabled=False).new_page()
    login(page, member.email)
    page.goto(f"{live_server.url}/profile/edit/")
    select = page.get_by_label("Time zone")
    # Read from the HTML: with script off, Playwright cannot evaluate in the page.
    html = page.content()
    zone_list = html[html.index('name="time_zone"') : html.index("</select>", html.index('name="time_zone"'))]
    assert re.findall(r'<optgroup label="([^"]+)"', zone_list) == ["Common zones", "All zones"]
    values = re.findall(r'<option value="([^"]+)"', zone_list)
    assert values[:4] == ["UTC", "Europe/London", "Europe/Paris", "Europe/Berlin"]
    assert "America/Argentina/Buenos_Aires" in values
    legacy = {"Factory", "localtime", "posixrules", "US/Eastern", "Etc/GMT+5", "EST5EDT", "Asia/Calcutta"}
    assert not legacy & set(values)
    # (axe needs script in the page; the enhanced page is checked in the test above)

    select.select_option("Asia/Kolkata")
    page.get_by_label("Languages you work in").select_option(["de", "hi"])
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    member.profile.refresh_from_db()
    assert (member.profile.time_zone, sorted(member.profile.languages)) == ("Asia/Kolkata", ["de", "hi"])


def test_the_calendar_link_is_copied_with_one_click(
    page: Page, context: BrowserContext, live_server: Any, member: Any, login: Any, assert_accessible: Any
) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.emulate_media(reduced_motion="reduce")  # no colour transition half-way through when axe reads the button
    login(page, member.email)
    page.goto(f"{live_server.url}/meetings/calendar/")
    page.get_by_role("button", name="Create my calendar link").click()
    link = page.get_by_label("Your private calendar link")
    url = link.input_value()
    assert "/calendar/" in url and url.endswith(".ics")
    assert_accessible(page)

    page.get_by_role("button", name="Copy link").click()
    expect(page.get_by_role("status").filter(has_text="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert CalendarFeed.objects.filter(user=member).exists()
    assert_accessible(page)


def test_hr_pairs_two_people_found_by_typing_their_names(
    page: Page, live_server: Any, program_admin: Any, make_user: Any, login: Any, assert_accessible: Any
) -> None:
    program = running_program(program_admin, "Platform Mentoring")
    mentee = make_user(email="tom.mentee@example.com", full_name="Tom Mentee")
    mentor = make_user(email="meg.mentor@example.com", full_name="Meg Mentor")
    Enrollment.objects.create(program=program, user=mentee, role="mentee", status="approved")
    Enrollment.objects.create(program=program, user=mentor, role="mentor", status="approved", capacity=2)
    for n in range(12):
        other = make_user(email=f"someone{n}@example.com", full_name=f"Someone Else {n}")
        Enrollment.objects.create(program=program, user=other, role="mentee", status="approved")

    page.emulate_media(reduced_motion="reduce")
    login(page, program_admin.email)
    page.goto(f"{live_server.url}/programs/{program.slug}/manage/relationships/")
    assert_accessible(page)
    pick(page, "Mentee", "tom")
    pick(page, "Mentor or sponsor", "meg")
    assert_accessible(page)
    page.get_by_role("button", name="Pair them").press("Enter")  # the keyboard all the way
    expect(page.get_by_text("Paired:")).to_be_visible()
    assert Relationship.objects.filter(program=program, mentee=mentee, mentor=mentor).exists()
