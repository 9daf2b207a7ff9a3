"""A mentee in London says when they can meet, then schedules a series at a time the assistant proposes.

The mentor works in New York on the default hours; the proposals are labelled on both clocks, one is picked with
the keyboard, and the series saved starts exactly there.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from meetings.models import Meeting, MeetingSeries
from meetings.tests import factories
from mentorship.accounts.models import WorkingHours

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"


def test_set_availability_then_schedule_at_a_proposed_time(
    page: Page, live_server: Any, program_admin: Any, make_user: Any, login: Any, assert_accessible: Any
) -> None:
    mentee = make_user(email="lea.mentee@example.com", full_name="Lea Mentee")
    mentor = make_user(email="kenji.mentor@example.com", full_name="Kenji Mentor")
    for person, zone in ((mentee, "Europe/London"), (mentor, "America/New_York")):
        person.profile.time_zone = zone
        person.profile.save()
    relationship = factories.pair(
        factories.running_program(program_admin, "Pilot"), mentee, mentor, created_by=program_admin
    )

    login(page, mentee.email)
    page.goto(f"{live_server.url}/profile/")
    expect(page.get_by_text("we assume weekdays from 09:00 to 17:00")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Set my availability").click()
    assert_accessible(page)
    # Afternoons from Tuesday to Thursday only.
    for day in ("Monday", "Friday"):
        page.get_by_label(f"Available on {day}").uncheck()
    for day in ("Tuesday", "Wednesday", "Thursday"):
        page.get_by_label(f"{day} from").fill("13:00")
        page.get_by_label(f"{day} until").fill("18:00")
    # Wednesday is a split day: an evening hour as well.
    page.get_by_text("More hours on Wednesday").click()
    page.get_by_label("Wednesday, stretch 2, from").fill("19:00")
    page.get_by_label("Wednesday, stretch 2, until").fill("20:00")
    page.get_by_role("button", name="Save my availability").click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    expect(page.get_by_text("Tuesday: 13:00\u201318:00")).to_be_visible()
    assert WorkingHours.objects.filter(user=mentee).count() == 4

    page.goto(f"{live_server.url}{relationship.get_absolute_url()}")
    page.get_by_role("link", name="Schedule a meeting").click()
    proposals = page.locator("#proposals a")
    expect(proposals.first).to_contain_text("for you")
    expect(proposals.first).to_contain_text("for Kenji")
    assert_accessible(page)
    label = proposals.first.inner_text()
    # Picked with the keyboard alone: focus the link and press Enter.
    proposals.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#proposals a[aria-current='true']")).to_have_text(label)
    expect(page.get_by_label("Until")).to_have_value("on_date")
    page.get_by_label("Where").select_option("zoom")
    page.get_by_label("Link or place").fill(ZOOM)
    page.get_by_role("button", name="Schedule", exact=True).click()
    expect(page.get_by_text("Meeting scheduled.")).to_be_visible()

    series = MeetingSeries.objects.get(relationship=relationship)
    first = Meeting.objects.filter(series=series).order_by("start").first()
    london = first.start.astimezone(ZoneInfo("Europe/London"))
    new_york = first.start.astimezone(ZoneInfo("America/New_York"))
    assert label.endswith(f"{london:%H:%M} for you, {new_york:%H:%M} for Kenji")
    assert london.weekday() in (1, 2, 3)
    afternoon = datetime.time(13) <= london.time() < datetime.time(18)
    evening = london.weekday() == 2 and datetime.time(19) <= london.time() < datetime.time(20)
    assert afternoon or evening
    assert datetime.time(9) <= new_york.time() < datetime.time(17)
    assert "UNTIL=" in series.rrule  # the series ends with the relationship
