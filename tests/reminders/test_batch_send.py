"""Sending a claimed batch: providers answer for the whole batch at once, and one bad row fails alone."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import reminders as meeting_reminders
from meetings.models import ActionItem
from meetings.tests.factories import schedule_once
from mentorship.notifications import outbox, providers
from mentorship.notifications.models import Kind, OutboundEmail
from relationships.models import Relationship

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
BROKEN = "broken-for-tests"


def broken_for_item(requests: list[providers.ProviderRequest]) -> list[dict | None]:
    """A provider that cannot answer about one particular item, as a bug or bad data would make it."""
    if any(request.context["item_id"] == broken_for_item.bad_id for request in requests):
        raise RuntimeError("no such thing")
    return [{"item": {"description": "fine"}, "stage": "missed", "overdue": True, "link": ""} for _ in requests]


broken_for_item.bad_id = 0  # type: ignore[attr-defined]


def due_meetings(relationship: Relationship, count: int) -> None:
    """`count` meetings tomorrow (their day-before reminders are due), each with an open item for the agenda."""
    for n in range(count):
        start = datetime.datetime(2027, 1, 5, 7, 0) + datetime.timedelta(minutes=10 * n)
        schedule_once(relationship, start, zone="Europe/Berlin")
        ActionItem.objects.create(
            relationship=relationship,
            description=f"Item {n}",
            owner=relationship.mentee,
            due_on=datetime.date(2027, 2, 1),
        )
    outbox.outbox_flush()  # the "meeting planned" emails are not what is measured
    mail.outbox.clear()
    meeting_reminders.meeting_reminders_due(now=timezone.now())


def send_all() -> tuple[int, int]:
    rows = outbox.outbox_claim(limit=500)
    with CaptureQueriesContext(connection) as queries:
        outcome = outbox.outbox_send(rows=rows)
    return outcome.sent, len(queries)


def test_a_batch_reads_its_context_in_queries_that_do_not_grow_with_its_size(
    clock: Any, relationship: Relationship
) -> None:
    due_meetings(relationship, 2)
    sent_small, queries_small = send_all()
    due_meetings(relationship, 8)
    sent_large, queries_large = send_all()
    assert (sent_small, sent_large) == (4, 16)
    # Beyond the fixed reads of a batch, each email costs only the UPDATE that marks it sent.
    assert queries_large - queries_small == sent_large - sent_small
    # Both people reminded of one meeting get its calendar file: built once per batch, it reaches both.
    files = [m.attachments[0][1] for m in mail.outbox]
    assert len(files) == 16
    assert len(set(files)) == 8


def test_each_email_keeps_its_own_context_within_a_batch(clock: Any, relationship: Relationship) -> None:
    due_meetings(relationship, 3)
    outbox.outbox_flush()
    to_mia = sorted((m for m in mail.outbox if "mia@example.com" in m.to), key=lambda m: m.subject)
    to_marco = [m for m in mail.outbox if "marco@example.com" in m.to]
    assert len(to_mia) == len(to_marco) == 3
    assert all("Marco Mentor" in m.body for m in to_mia)
    assert all("Mia Mentee" in m.body for m in to_marco)
    # Each relationship's open items, most pressing first, in every reminder of the batch.
    assert all(m.body.index("Item 0") < m.body.index("Item 2") for m in to_mia)


@pytest.fixture
def broken_provider() -> Iterator[None]:
    providers.context_providers.register(BROKEN, broken_for_item)
    yield
    providers.context_providers.unregister(BROKEN)


def test_a_provider_failing_on_one_row_fails_that_email_alone(
    clock: Any, relationship: Relationship, broken_provider: None
) -> None:
    items = [
        ActionItem.objects.create(
            relationship=relationship,
            description=f"Item {n}",
            owner=relationship.mentee,
            due_on=datetime.date(2027, 1, 1),
        )
        for n in range(3)
    ]
    broken_for_item.bad_id = items[1].pk  # type: ignore[attr-defined]
    meeting_reminders.action_item_reminders_due(now=timezone.now())
    OutboundEmail.objects.filter(kind=Kind.ACTION_ITEM).update(context_provider=BROKEN)
    outbox.outbox_flush()
    statuses = dict(OutboundEmail.objects.filter(kind=Kind.ACTION_ITEM).values_list("context__item_id", "status"))
    assert statuses == {
        items[0].pk: OutboundEmail.Status.SENT,
        items[1].pk: OutboundEmail.Status.FAILED,
        items[2].pk: OutboundEmail.Status.SENT,
    }
    failed = OutboundEmail.objects.get(status=OutboundEmail.Status.FAILED)
    assert "no such thing" in failed.last_error


def test_a_provider_nobody_registered_is_refused(clock: Any, relationship: Relationship) -> None:
    ActionItem.objects.create(
        relationship=relationship, description="Item", owner=relationship.mentee, due_on=datetime.date(2027, 1, 1)
    )
    meeting_reminders.action_item_reminders_due(now=timezone.now())
    OutboundEmail.objects.filter(kind=Kind.ACTION_ITEM).update(context_provider="os.system")
    outbox.outbox_flush()
    email = OutboundEmail.objects.get(kind=Kind.ACTION_ITEM)
    assert email.status == OutboundEmail.Status.FAILED
    assert "'os.system'" in email.last_error
    assert mail.outbox == []
