"""The calendar benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from meetings.models import Meeting, MeetingSeries
from mentorship.accounts.models import User
from relationships.models import Relationship


@pytest.mark.django_db(transaction=True)
def test_bench_calendar_small_run() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the materialising workers are separate processes; they cannot see an in-memory SQLite database")
    out = io.StringIO()
    call_command("bench_calendar", relationships=3, years=1, other_series=20, feed_runs=2, workers=2, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["series"] == 23
    assert result["person_series"] == 3
    # Twelve monthly meetings for each of the person's series; about fourteen months ahead for the others.
    assert result["occurrences_materialised"] >= 3 * 12 + 20 * 13
    assert result["feed_queries"] == 3
    assert result["feed_bytes"] > 0
    assert result["workers"] == 2
    assert not Meeting.objects.exists()
    assert not MeetingSeries.objects.exists()
    assert not Relationship.objects.exists()
    assert not User.objects.exists()
