"""Reminders as a person meets them: choose what reaches you, unsubscribe from an email, read the notices."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from meetings import reminders as meeting_reminders
from meetings.services import Place, meeting_create
from mentorship.notifications import outbox
from mentorship.notifications.models import Kind, Mode, Notice, NotificationSettings
from programs.models import Enrollment, Program
from programs.services import program_create
from relationships.services import relationship_create

pytestmark = pytest.mark.browser
ZOOM = "https://acme.zoom.us/j/1234567890"


def mode_of(user: Any, kind: str) -> str:
    found = NotificationSettings.objects.filter(user=user).first()
    return found.mode_for(kind) if found else Mode.ON


def test_preferences_unsubscribe_from_an_email_and_the_notice_bell(
    page: Page,
    browser: Browser,
    live_server: Any,
    program_admin: Any,
    make_user: Any,
    login: Any,
    assert_accessible: Any,
) -> None:
    mentee = make_user(email="ines.mentee@example.com", full_name="Ines Mentee")
    mentor = make_user(email="omar.mentor@example.com", full_name="Omar Mentor")
    program = program_create(created_by=program_admin, name="Pilot", status=Program.Status.RUNNING)
    Enrollment.objects.create(program=program, user=mentee, role="mentee", status="approved")
    Enrollment.objects.create(program=program, user=mentor, role="mentor", status="approved", capacity=1)
    relationship = relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=program_admin)
    start = (timezone.now() + datetime.timedelta(minutes=45)).replace(second=0, microsecond=0)
    meeting = meeting_create(
        relationship=relationship,
        side="mentor",
        actor=mentor,
        start_local=start.astimezone(datetime.UTC).replace(tzinfo=None),
        zone="UTC",
        duration_minutes=45,
        place=Place(title="Monthly check-in", provider="zoom", location=ZOOM),
    )
    # The scan finds the meeting within the hour: a notice under the bell and an email, as a worker would send.
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    outbox.outbox_flush()  # already sent after commit (tasks run in process here); this is a no-op then
    [reminder] = [m for m in mail.outbox if m.to == [mentee.email] and "Monthly check-in" in m.subject]
    unsubscribe = re.search(r"<([^>]+)>", reminder.extra_headers["List-Unsubscribe"])
    assert unsubscribe is not None
    unsubscribe_path = urlsplit(unsubscribe.group(1)).path
    assert unsubscribe_path in reminder.body  # the link in the email is the one the header offers

    # From the profile to the preferences: the follow-up nudge goes into the daily summary.
    login(page, mentee.email)
    page.get_by_role("button", name="Ines Mentee").click()
    page.get_by_role("link", name="My profile").click()
    page.get_by_role("link", name="Notification preferences").click()
    expect(page.get_by_role("heading", name="Notification preferences")).to_be_visible()
    assert_accessible(page)
    followup = page.get_by_label("A follow-up after a meeting to record notes and next steps")
    followup.select_option(Mode.DIGEST)
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_text("Your notification choices are saved.")).to_be_visible()
    expect(followup).to_have_value(Mode.DIGEST)
    assert mode_of(mentee, Kind.MEETING_FOLLOWUP) == Mode.DIGEST
    expect(page.get_by_label("Reminders before my meetings")).to_have_value(Mode.ON)

    # The unsubscribe link from the email, opened where nobody is signed in: a GET only asks.
    stranger = browser.new_context()
    try:
        outside = stranger.new_page()
        outside.goto(f"{live_server.url}{unsubscribe_path}")
        expect(outside.get_by_role("heading", name="Stop these emails?")).to_be_visible()
        assert mode_of(mentee, Kind.MEETING_REMINDER) == Mode.ON
        outside.get_by_role("button", name="Yes, stop these emails").click()
        expect(outside.get_by_role("heading", name="Done: these emails are off")).to_be_visible()
        expect(outside.get_by_role("link", name="Notices")).to_have_count(0)  # still nobody signed in there
    finally:
        stranger.close()
    assert mode_of(mentee, Kind.MEETING_REMINDER) == Mode.OFF

    # Back in the signed-in window the preference shows as off, and the earlier choice is kept.
    page.reload()
    expect(page.get_by_label("Reminders before my meetings")).to_have_value(Mode.OFF)
    expect(page.get_by_label("A follow-up after a meeting to record notes and next steps")).to_have_value(Mode.DIGEST)

    # The bell counts what is new; opening a notice marks it read and leads to the meeting.
    unread = Notice.objects.filter(user=mentee, read_at__isnull=True).count()
    assert unread >= 1
    expect(page.locator("#notice-count")).to_have_text(re.compile(rf"^{unread}\b"))
    page.locator("#notice-bell").click()
    expect(page.get_by_role("heading", name="Notices")).to_be_visible()
    assert_accessible(page)
    notice = Notice.objects.get(user=mentee, kind=Kind.MEETING_REMINDER)
    page.get_by_role("button", name=f"Open: {notice.title}").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    notice.refresh_from_db()
    assert notice.read_at is not None
    if unread == 1:
        expect(page.locator("#notice-count")).to_have_count(0)
    else:
        expect(page.locator("#notice-count")).to_have_text(re.compile(rf"^{unread - 1}\b"))
