"""Mail queued before providers had keys still goes out: the migration rewrites the waiting rows' dotted paths."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mentorship.notifications.models import OutboundEmail

BEFORE = [("notifications", "0003_outbox_fewer_indexes")]


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_waiting_rows_get_keys_and_finished_rows_keep_what_they_had() -> None:
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        executor.loader.build_graph()
        Old = executor.loader.project_state(BEFORE).apps.get_model("notifications", "OutboundEmail")
        ics = {"filename": "meeting.ics", "mimetype": "text/calendar", "args": [7]}
        Old.objects.create(
            key="pending",
            kind="meeting_reminder",
            to="a@example.com",
            template="meeting-reminder",
            context_provider="meetings.reminders.meeting_reminder_context",
            attachments=[{**ics, "provider": "meetings.reminders.meeting_ics_for"}],
        )
        Old.objects.create(
            key="sending",
            kind="match_proposal",
            to="b@example.com",
            status="sending",
            context_provider="programs.tasks.proposal_reminder_context",
        )
        Old.objects.create(
            key="sent",
            kind="action_item",
            to="c@example.com",
            status="sent",
            context_provider="meetings.reminders.action_item_context",
        )

        _latest()

        rows = {row.key: row for row in OutboundEmail.objects.all()}
        assert rows["pending"].context_provider == "meeting_reminder"
        assert rows["pending"].attachments == [{**ics, "provider": "meeting_ics"}]
        assert rows["sending"].context_provider == "proposal_reminder"
        assert rows["sent"].context_provider == "meetings.reminders.action_item_context"
    finally:
        _latest()
