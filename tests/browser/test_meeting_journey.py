"""Schedule a monthly Teams meeting, prepare the agenda as both people, wrap up, follow the action items."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meetings.models import ActionItem, Meeting
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.services import relationship_create
from tests.browser.pickers import pick

pytestmark = pytest.mark.browser
TEAMS_LINK = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_abc123%40thread.v2/0"


def test_schedule_prepare_wrap_up_and_follow_through(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    mentee = make_user(email="nia.mentee@example.com", full_name="Nia Mentee")
    mentor = make_user(email="raj.mentor@example.com", full_name="Raj Mentor")
    program = program_create(created_by=program_admin, name="Pilot", status=Program.Status.RUNNING)
    Enrollment.objects.create(program=program, user=mentee, role="mentee", status="approved")
    Enrollment.objects.create(program=program, user=mentor, role="mentor", status="approved", capacity=1)
    relationship = relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=program_admin)
    first = timezone.localdate() - datetime.timedelta(days=3)

    login(page, mentee.email)
    page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    page.get_by_role("link", name="Schedule a meeting").click()
    assert_accessible(page)
    page.get_by_label("How often").select_option("monthly_weekday")
    page.get_by_label("First meeting on").fill(first.isoformat())
    page.get_by_label("Starts at").fill("09:30")
    pick(page, "Time zone", "berlin")  # the searchable picker, as people use it
    page.get_by_label("Where").select_option("teams")
    page.get_by_label("Link or place").fill("https://teams.evil.example.com/l/meetup-join/1")
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("teams.microsoft.com")).to_be_visible()  # the form says which domain it expects
    page.get_by_label("Link or place").fill(TEAMS_LINK)
    page.get_by_role("button", name="Schedule").click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()

    upcoming = Meeting.objects.filter(relationship=relationship, start__gt=timezone.now()).order_by("start").first()
    past = Meeting.objects.filter(relationship=relationship, start__lt=timezone.now()).get()

    # Both people prepare the next meeting.
    page.goto(f"{live_server.url}{upcoming.get_absolute_url()}")
    page.get_by_label("Topic").fill("Feedback on my design doc")
    page.get_by_role("button", name="Add topic").click()
    expect(page.locator("#agenda li.list-group-item")).to_contain_text(["Feedback on my design doc"])
    assert_accessible(page)

    mentor_page = browser.new_context().new_page()
    login(mentor_page, mentor.email)
    mentor_page.goto(f"{live_server.url}{upcoming.get_absolute_url()}")
    mentor_page.get_by_label("Topic").fill("Planning the promotion case")
    mentor_page.get_by_label("Needs more time (we discuss it first)").check()
    mentor_page.get_by_role("button", name="Add topic").click()
    topics = mentor_page.locator("#agenda li.list-group-item")
    expect(topics.first).to_contain_text("Planning the promotion case")  # extra time goes first
    expect(topics.nth(1)).to_contain_text("Feedback on my design doc")

    # The mentee wraps up the meeting that already happened.
    page.goto(f"{live_server.url}{past.get_absolute_url()}wrap-up/")
    page.get_by_label("We met").check()
    page.get_by_label("Shared notes").fill("Talked through the design doc structure.")
    page.get_by_label("My private notes").fill("I felt more confident than last time.")
    page.locator("#id_rating_1").check()  # the 4-star choice, second in the list
    rows = page.locator("#action-items [role=group]")
    for n, (description, owner, due) in enumerate(
        [
            ("Send the design doc draft", "Nia Mentee", first + datetime.timedelta(days=2)),
            ("Share two example promotion cases", "Raj Mentor", first + datetime.timedelta(days=20)),
        ]
    ):
        if n:
            page.get_by_role("button", name="Add an action item").click()  # the form comes back with one more row
        row = rows.nth(n)
        row.get_by_role("textbox", name="Action item").fill(description)
        row.get_by_label("Who").select_option(label=owner)
        row.get_by_label("Due on").fill(due.isoformat())
    expect(page.get_by_label("Shared notes")).to_have_value("Talked through the design doc structure.")
    page.get_by_role("button", name="Save the wrap-up").click()
    expect(page.get_by_text("Wrap-up saved.")).to_be_visible()
    assert_accessible(page)
    past.refresh_from_db()
    assert past.status == Meeting.Status.HELD
    assert ActionItem.objects.filter(relationship=relationship).count() == 2

    # Each person's open item is on their home page, the overdue one marked.
    page.get_by_role("link", name="Home").click()
    done_button = page.get_by_role("button", name=re.compile(r"Done\W+Send the design doc draft"))
    expect(done_button).to_be_visible()
    expect(page.get_by_text("overdue since")).to_be_visible()
    assert_accessible(page)
    done_button.click()
    expect(page.get_by_text("Done: nice work.")).to_be_visible()
    mentor_page.goto(f"{live_server.url}/")
    expect(
        mentor_page.get_by_role("button", name=re.compile(r"Done\W+Share two example promotion cases"))
    ).to_be_visible()

    # The calendar file downloads and describes the series in Berlin time.
    page.goto(f"{live_server.url}{upcoming.get_absolute_url()}")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add the series to my calendar").click()
    content = download_info.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in content
    assert "RRULE:FREQ=MONTHLY" in content
    assert "TZID=Europe/Berlin" in content
