"""A meeting held somewhere "Other": the Join button says plainly which site it leads to."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings import services
from meetings.tests.factories import pair, person, running_program

pytestmark = pytest.mark.browser
LINK = "https://webex.example.net/meet/nia"


def test_the_join_button_of_an_other_place_names_its_host(
    page: Page, live_server: Any, program_admin: Any, login: Any, assert_accessible: Any
) -> None:
    mentee = person("nia.other@example.com", "Nia Other", zone="UTC")
    mentor = person("raj.other@example.com", "Raj Other", zone="UTC")
    relationship = pair(running_program(program_admin, "Pilot"), mentee, mentor, created_by=program_admin)
    soon = (timezone.now() + datetime.timedelta(minutes=5)).replace(second=0, microsecond=0, tzinfo=None)
    meeting = services.meeting_create(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        start_local=soon,
        zone="UTC",
        duration_minutes=30,
        place=services.Place(title="Catch-up", provider="other", location=LINK),
    )

    login(page, mentee.email)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")

    join = page.get_by_role("link", name="Join")
    expect(join).to_have_attribute("href", LINK)
    expect(page.get_by_text("on webex.example.net")).to_be_visible()
    assert_accessible(page)
