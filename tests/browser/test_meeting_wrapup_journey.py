"""Five minutes before a video meeting the Join button stands out; once it has started, the wrap-up is one form
where adding an action item keeps the notes and the rating already typed."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meetings.models import ActionItem, Meeting, MeetingFeedback
from meetings.services import Place, meeting_create
from meetings.tests import factories

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"


def test_join_then_wrap_up_without_losing_what_was_typed(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    mentee = make_user(email="ama.mentee@example.com", full_name="Ama Mentee")
    mentor = make_user(email="li.mentor@example.com", full_name="Li Mentor")
    relationship = factories.pair(
        factories.running_program(program_admin, "Pilot"), mentee, mentor, created_by=program_admin
    )
    in_five = (timezone.now() + datetime.timedelta(minutes=5)).replace(second=0, microsecond=0)
    meeting = meeting_create(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        start_local=in_five.astimezone(datetime.UTC).replace(tzinfo=None),
        zone="UTC",
        duration_minutes=45,
        place=Place(title="Monthly catch-up", provider="zoom", location=ZOOM),
    )

    # Five minutes before: the link and a prominent Join button; no wrap-up yet.
    login(page, mentee.email)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    join = page.get_by_role("link", name="Join")
    expect(join).to_be_visible()
    expect(join).to_have_attribute("href", ZOOM)
    expect(join).to_have_class("btn btn-primary btn-lg")
    expect(join).to_have_attribute("rel", "noopener noreferrer")
    expect(page.get_by_role("link", name=ZOOM)).to_be_visible()
    expect(page.get_by_role("link", name="Wrap up")).to_have_count(0)
    assert_accessible(page)

    # Once the meeting has started, the wrap-up opens.
    with time_machine.travel(meeting.start + datetime.timedelta(minutes=40), tick=True):
        page.reload()
        page.get_by_role("link", name="Wrap up").click()
        page.get_by_label("Shared notes").fill("We went through the launch plan.")
        page.locator("#id_rating_1").check()  # 4, the second choice
        rows = page.locator("#action-items [role=group]")
        rows.nth(0).get_by_role("textbox", name="Action item").fill("Draft the launch checklist")
        rows.nth(0).get_by_label("Due on").fill((timezone.localdate() + datetime.timedelta(days=7)).isoformat())

        page.get_by_role("button", name="Add an action item").click()  # with JS the row is added in the page
        expect(rows).to_have_count(2)
        expect(page.get_by_label("Shared notes")).to_have_value("We went through the launch plan.")
        expect(page.locator("#id_rating_1")).to_be_checked()
        expect(rows.nth(0).get_by_role("textbox", name="Action item")).to_have_value("Draft the launch checklist")
        assert_accessible(page)

        rows.nth(1).get_by_role("textbox", name="Action item").fill("Book the rehearsal room")
        rows.nth(1).get_by_label("Who").select_option(label="Li Mentor")
        rows.nth(1).get_by_label("Due on").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
        page.get_by_role("button", name="Save the wrap-up").click()
        expect(page.get_by_text("Wrap-up saved.")).to_be_visible()
        assert_accessible(page)

        # Without JavaScript the button sends the form and it comes back with one more row, nothing lost.
        plain = browser.new_context(java_script_enabled=False).new_page()
        login(plain, mentor.email)
        plain.goto(f"{live_server.url}{meeting.get_absolute_url()}wrap-up/")
        plain.get_by_label("Shared notes").fill("Mentor's view of the plan.")
        plain.locator("#id_rating_0").check()
        plain.get_by_role("button", name="Add an action item").click()
        expect(plain.locator("#action-items [role=group]")).to_have_count(2)
        expect(plain.get_by_label("Shared notes")).to_have_value("Mentor's view of the plan.")
        expect(plain.locator("#id_rating_0")).to_be_checked()

    meeting.refresh_from_db()
    assert (meeting.status, meeting.shared_notes) == (Meeting.Status.HELD, "We went through the launch plan.")
    assert MeetingFeedback.objects.get(meeting=meeting, author=mentee).rating == 4
    owners = dict(ActionItem.objects.filter(meeting=meeting).values_list("description", "owner__full_name"))
    assert owners == {"Draft the launch checklist": "Ama Mentee", "Book the rehearsal room": "Li Mentor"}
