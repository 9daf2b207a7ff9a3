"""Each kind of reminder: the right people, at the right moment, in their zone, and nothing once it is done."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights.digests import admin_digests_due
from meetings import reminders as meeting_reminders
from meetings import services as meeting_services
from meetings import stalled
from meetings.models import ActionItem, Meeting
from meetings.tests.factories import schedule_once
from mentorship.accounts.models import User
from mentorship.notifications import outbox, preferences
from mentorship.notifications.models import Kind, Mode, Notice, OutboundEmail
from mentorship.notifications.tasks import flush_outbox, send_digests
from relationships import reminders as relationship_reminders
from relationships import services as relationship_services
from relationships.models import Agreement, Relationship

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


def emails_of(kind: str) -> list[OutboundEmail]:
    return list(OutboundEmail.objects.filter(kind=kind).order_by("key"))


def sent_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def meeting_at(relationship: Relationship, start_utc: datetime.datetime) -> Meeting:
    local = start_utc.astimezone(datetime.timezone(datetime.timedelta(hours=1))).replace(tzinfo=None)
    meeting = schedule_once(relationship, local, zone="Europe/Berlin")
    assert meeting.start == start_utc
    outbox.outbox_flush()  # the "meeting planned" email is not under test here
    mail.outbox.clear()
    return meeting


# -- meeting reminders ---------------------------------------------------------------------------------------


def test_meeting_reminders_a_day_and_an_hour_before_in_each_zone(clock: Any, relationship: Relationship) -> None:
    start = datetime.datetime(2027, 1, 6, 14, 0, tzinfo=UTC)
    meeting = meeting_at(relationship, start)
    meeting_services.agenda_add(
        meeting=meeting, side="mentee", actor=relationship.mentee, text="Career ladder", needs_extra_time=True
    )
    mail.outbox.clear()

    clock.move_to(start - datetime.timedelta(hours=25))
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    assert emails_of(Kind.MEETING_REMINDER) == []

    clock.move_to(start - datetime.timedelta(hours=24))
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 2
    flush_outbox()
    [to_mia] = sent_to("mia@example.com")
    [to_marco] = sent_to("marco@example.com")
    # Each in their own zone: 15:00 in Berlin, 09:00 in New York.
    assert "15:00" in to_mia.subject and "CET" in to_mia.subject
    assert "09:00" in to_marco.subject and "EST" in to_marco.subject
    assert "Career ladder" in to_mia.body
    assert "https://acme.zoom.us/j/1234567890" in to_mia.body
    assert to_mia.attachments[0][0] == "meeting.ics" and "BEGIN:VCALENDAR" in to_mia.attachments[0][1]
    assert to_mia.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/notifications/unsubscribe/" in to_mia.extra_headers["List-Unsubscribe"]

    # Scanning again, or a little later, adds nothing until the one-hour mark.
    clock.move_to(start - datetime.timedelta(hours=2))
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 0
    clock.move_to(start - datetime.timedelta(minutes=59))
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 2
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 0
    flush_outbox()
    assert len(sent_to("mia@example.com")) == 2
    assert Notice.objects.filter(user=relationship.mentee, kind=Kind.MEETING_REMINDER).count() == 2


def test_own_lead_times_and_short_notice_sends_only_the_nearest(clock: Any, relationship: Relationship) -> None:
    preferences.preferences_update(user=relationship.mentee, modes={}, lead_minutes=[10080, 120])
    start = datetime.datetime(2027, 1, 4, 9, 30, tzinfo=UTC)  # 90 minutes from now: both defaults passed
    meeting_at(relationship, start)
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    keys = [e.key for e in emails_of(Kind.MEETING_REMINDER)]
    assert len(keys) == 2
    assert any(k.endswith(f":{relationship.mentee_id}:120") for k in keys)  # Mia: her nearest, 2 hours
    assert any(k.endswith(f":{relationship.mentor_id}:1440") for k in keys)  # Marco: the default day, not the hour yet


def test_no_reminder_for_cancelled_or_moved_meeting(clock: Any, relationship: Relationship) -> None:
    start = datetime.datetime(2027, 1, 5, 7, 0, tzinfo=UTC)
    meeting = meeting_at(relationship, start)
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    assert len(emails_of(Kind.MEETING_REMINDER)) == 2
    # Cancelled after the scan, before the send: the rows are skipped, nothing leaves.
    meeting_services.meeting_cancel(meeting=meeting, side="mentee", actor=relationship.mentee)
    mail.outbox.clear()
    flush_outbox()
    assert sent_to("mia@example.com") == []
    assert {e.status for e in emails_of(Kind.MEETING_REMINDER)} == {OutboundEmail.Status.SKIPPED}
    assert meeting_reminders.meeting_reminders_due(now=timezone.now()).emails_created == 0


def test_switched_off_and_digest_preferences(clock: Any, relationship: Relationship) -> None:
    preferences.preference_set(user=relationship.mentee, kind=Kind.MEETING_REMINDER, mode=Mode.OFF)
    preferences.preference_set(user=relationship.mentor, kind=Kind.MEETING_REMINDER, mode=Mode.DIGEST)
    meeting_at(relationship, datetime.datetime(2027, 1, 4, 20, 0, tzinfo=UTC))
    mail.outbox.clear()
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    flush_outbox()
    assert emails_of(Kind.MEETING_REMINDER) == []
    assert mail.outbox == []
    # The bell still shows both; Marco's waits for his morning summary (08:00 New York = 13:00 UTC).
    assert Notice.objects.filter(kind=Kind.MEETING_REMINDER).count() == 2
    assert send_digests() == 0
    clock.move_to(datetime.datetime(2027, 1, 4, 13, 5, tzinfo=UTC))
    assert send_digests() == 1
    assert send_digests() == 0
    flush_outbox()
    [digest] = sent_to("marco@example.com")
    assert "Coming up" in digest.body


def test_unsubscribe_after_the_scan_still_stops_the_email(clock: Any, relationship: Relationship) -> None:
    meeting_at(relationship, datetime.datetime(2027, 1, 4, 20, 0, tzinfo=UTC))
    mail.outbox.clear()
    meeting_reminders.meeting_reminders_due(now=timezone.now())
    preferences.preference_set(user=relationship.mentee, kind=Kind.MEETING_REMINDER, mode=Mode.OFF)
    flush_outbox()
    assert sent_to("mia@example.com") == []
    assert len(sent_to("marco@example.com")) == 1


# -- prepare and follow-up -------------------------------------------------------------------------------------


def test_prepare_nudge_two_days_before_once(clock: Any, relationship: Relationship) -> None:
    start = datetime.datetime(2027, 1, 8, 10, 0, tzinfo=UTC)
    meeting_at(relationship, start)
    mail.outbox.clear()
    assert meeting_reminders.prepare_nudges_due(now=timezone.now()).emails_created == 0
    clock.move_to(start - datetime.timedelta(hours=47))
    assert meeting_reminders.prepare_nudges_due(now=timezone.now()).emails_created == 2
    clock.move_to(start - datetime.timedelta(hours=30))
    assert meeting_reminders.prepare_nudges_due(now=timezone.now()).emails_created == 0
    flush_outbox()
    assert "topics" in sent_to("mia@example.com")[0].subject


def test_follow_up_once_and_only_without_wrap_up(clock: Any, relationship: Relationship) -> None:
    first = meeting_at(relationship, datetime.datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
    second = meeting_at(relationship, datetime.datetime(2027, 1, 4, 12, 0, tzinfo=UTC))
    clock.move_to(datetime.datetime(2027, 1, 4, 14, 0, tzinfo=UTC))
    meeting_services.meeting_wrap_up(
        meeting=first,
        side="mentee",
        actor=relationship.mentee,
        data=meeting_services.WrapUp(
            status="held", shared_notes="Good talk", private_note="", rating=None, comment="", thank_you=""
        ),
    )
    mail.outbox.clear()
    assert meeting_reminders.followups_due(now=timezone.now()).emails_created == 2
    assert meeting_reminders.followups_due(now=timezone.now()).emails_created == 0
    assert {e.key.split(":")[1] for e in emails_of(Kind.MEETING_FOLLOWUP)} == {str(second.pk)}
    flush_outbox()
    assert "wrap-up" in sent_to("marco@example.com")[0].body


# -- action items --------------------------------------------------------------------------------------------


def test_action_item_nudges_before_after_weekly_then_stop(clock: Any, relationship: Relationship) -> None:
    item = ActionItem.objects.create(
        relationship=relationship,
        description="Draft the proposal",
        owner=relationship.mentee,
        due_on=datetime.date(2027, 1, 10),
    )
    days: dict[str, int] = {}
    for day in range(0, 40):
        clock.move_to(datetime.datetime(2027, 1, 4, 7, 0, tzinfo=UTC) + datetime.timedelta(days=day))
        for _ in range(2):  # a second scan on the same day never adds anything
            created = meeting_reminders.action_item_reminders_due(now=timezone.now()).emails_created
            if created:
                days[timezone.now().date().isoformat()] = created
    assert days == {"2027-01-07": 1, "2027-01-11": 1, "2027-01-18": 1, "2027-01-25": 1, "2027-02-01": 1}
    assert {e.to for e in emails_of(Kind.ACTION_ITEM)} == {"mia@example.com"}

    ActionItem.objects.filter(pk=item.pk).update(due_on=datetime.date(2027, 3, 1))
    meeting_services.action_item_set_status(item=ActionItem.objects.get(pk=item.pk), side="mentee", status="done")
    clock.move_to(datetime.datetime(2027, 2, 26, 9, 0, tzinfo=UTC))
    assert meeting_reminders.action_item_reminders_due(now=timezone.now()).emails_created == 0


def test_action_item_day_follows_the_owners_zone(clock: Any, relationship: Relationship) -> None:
    ActionItem.objects.create(
        relationship=relationship, description="Send notes", owner=relationship.mentor, due_on=datetime.date(2027, 1, 7)
    )
    # 02:00 UTC on the 8th is still the 7th in New York: not "missed" yet for Marco.
    clock.move_to(datetime.datetime(2027, 1, 8, 2, 0, tzinfo=UTC))
    meeting_reminders.action_item_reminders_due(now=timezone.now())
    assert [e.key.rsplit(":", 1)[1] for e in emails_of(Kind.ACTION_ITEM)] == ["soon"]
    clock.move_to(datetime.datetime(2027, 1, 8, 6, 0, tzinfo=UTC))
    meeting_reminders.action_item_reminders_due(now=timezone.now())
    assert sorted(e.key.rsplit(":", 1)[1] for e in emails_of(Kind.ACTION_ITEM)) == ["missed", "soon"]


def test_done_item_after_the_scan_is_not_sent(clock: Any, relationship: Relationship) -> None:
    item = ActionItem.objects.create(
        relationship=relationship, description="Read", owner=relationship.mentee, due_on=datetime.date(2027, 1, 5)
    )
    meeting_reminders.action_item_reminders_due(now=timezone.now())
    meeting_services.action_item_set_status(item=item, side="mentee", status="dropped")
    mail.outbox.clear()
    flush_outbox()
    assert mail.outbox == []


# -- relationships -------------------------------------------------------------------------------------------


def test_stalled_relationship_to_both_then_admins(clock: Any, relationship: Relationship, program_admin: User) -> None:
    Relationship.objects.filter(pk=relationship.pk).update(status="active")
    held = meeting_at(relationship, datetime.datetime(2027, 1, 5, 10, 0, tzinfo=UTC))
    Meeting.objects.filter(pk=held.pk).update(status="held")
    clock.move_to(datetime.datetime(2027, 2, 18, 9, 0, tzinfo=UTC))  # 44 days later: within 45 (monthly)
    assert stalled.stalled_reminders_due().emails_created == 0
    clock.move_to(datetime.datetime(2027, 2, 20, 9, 0, tzinfo=UTC))
    assert stalled.stalled_reminders_due().emails_created == 2
    assert stalled.stalled_reminders_due().emails_created == 0
    assert {e.to for e in emails_of(Kind.RELATIONSHIP_STALLED)} == {"mia@example.com", "marco@example.com"}
    clock.move_to(datetime.datetime(2027, 4, 7, 9, 0, tzinfo=UTC))  # a second period missed
    assert stalled.stalled_reminders_due().emails_created == 3
    assert program_admin.email in {e.to for e in emails_of(Kind.RELATIONSHIP_STALLED)}
    # A meeting resets the clock: nothing more.
    later = Meeting.objects.create(
        relationship=relationship,
        start=timezone.now() - datetime.timedelta(days=1),
        end=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=1),
        zone="UTC",
        title="Catch-up",
        provider="phone",
        location="+49 30 1234567",
        status="held",
    )
    assert later.pk
    assert stalled.stalled_reminders_due().emails_created == 0


def test_pending_agreement_to_the_side_that_has_not_accepted(clock: Any, relationship: Relationship) -> None:
    agreement = relationship_services.agreement_save(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        channels=[{"channel": "email", "purpose": "anything"}],
        mentee_responsibilities="Prepare",
        mentor_responsibilities="Listen",
        desired_outcomes="Grow",
        confidentiality="Between us",
    )
    relationship_services.agreement_accept(agreement=agreement, side="mentee", actor=relationship.mentee)
    clock.move_to(timezone.now() + datetime.timedelta(days=2))
    assert relationship_reminders.pending_agreements_due().emails_created == 0
    clock.move_to(timezone.now() + datetime.timedelta(days=2))
    assert relationship_reminders.pending_agreements_due().emails_created == 1
    assert relationship_reminders.pending_agreements_due().emails_created == 0
    assert [e.to for e in emails_of(Kind.AGREEMENT_PENDING)] == ["marco@example.com"]
    relationship_services.agreement_accept(
        agreement=Agreement.objects.get(pk=agreement.pk), side="mentor", actor=relationship.mentor
    )
    mail.outbox.clear()
    flush_outbox()
    assert [e.status for e in emails_of(Kind.AGREEMENT_PENDING)] == ["skipped"]  # accepted before it left
    assert not any("waiting for you" in m.subject for m in mail.outbox)


def test_weekly_admin_digest(clock: Any, relationship: Relationship, program_admin: User) -> None:
    ActionItem.objects.create(
        relationship=relationship, description="Late", owner=relationship.mentee, due_on=datetime.date(2027, 1, 1)
    )
    assert admin_digests_due().emails_created == 1
    assert admin_digests_due().emails_created == 0
    mail.outbox.clear()
    flush_outbox()
    [digest] = sent_to(program_admin.email)
    assert "Overdue action items: 1" in digest.body
    assert "Engineering Mentoring" in digest.body


# -- scale ---------------------------------------------------------------------------------------------------


def test_scan_queries_do_not_grow_with_rows(clock: Any, relationship: Relationship) -> None:
    def scan_queries(count: int) -> int:
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    relationship=relationship,
                    description=f"Item {n}",
                    owner=relationship.mentee,
                    due_on=datetime.date(2027, 1, 6),
                )
                for n in range(count)
            ]
        )
        with CaptureQueriesContext(connection) as queries:
            meeting_reminders.action_item_reminders_due(now=timezone.now())
        return len(queries)

    small, large = scan_queries(5), scan_queries(500)
    # Constant per chunk. SQLite alone splits a bulk insert by its 999-parameter limit, a few statements more.
    assert large == small if connection.vendor == "postgresql" else large <= small + 14
