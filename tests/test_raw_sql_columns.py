"""Statements that insert rows by hand name every column of their table or leave it NULL on purpose.

A column added to one of these models later must be added to the statement too (or to its NULL list):
otherwise it would silently be stored as NULL instead of its default.
"""

from __future__ import annotations

import pytest
from django.db import models

from meetings import services as meeting_services
from meetings.models import Meeting
from mentorship.notifications import reminders as notification_reminders
from mentorship.notifications.models import Notice, OutboundEmail


def _columns(model: type[models.Model]) -> set[str]:
    return {field.column for field in model._meta.concrete_fields if not field.primary_key}


@pytest.mark.parametrize(
    ("model", "written", "left_null"),
    [
        (Notice, notification_reminders.NOTICE_COLUMNS, notification_reminders.NOTICE_LEFT_NULL),
        (OutboundEmail, notification_reminders.EMAIL_COLUMNS, notification_reminders.EMAIL_LEFT_NULL),
        (Meeting, meeting_services.OCCURRENCE_COLUMNS, meeting_services.OCCURRENCE_LEFT_NULL),
    ],
    ids=["notice", "outbound-email", "meeting-occurrence"],
)
def test_hand_written_inserts_account_for_every_column(
    model: type[models.Model], written: tuple[str, ...], left_null: tuple[str, ...]
) -> None:
    assert len(set(written)) == len(written), "a column is written twice"
    assert not set(written) & set(left_null)
    assert set(written) | set(left_null) == _columns(model)
    nullable = {field.column for field in model._meta.concrete_fields if field.null}
    assert set(left_null) <= nullable, "only nullable columns may be left out"
