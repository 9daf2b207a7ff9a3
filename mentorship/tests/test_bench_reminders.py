"""The reminder benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from mentorship.accounts.models import User
from mentorship.notifications.models import OutboundEmail
from programs.models import Program


@pytest.mark.django_db(transaction=True)
def test_bench_reminders_small_run() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the sending workers are separate processes; they cannot see an in-memory SQLite database")
    out = io.StringIO()
    call_command("bench_reminders", meetings=40, sample=24, workers=2, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["created_first_run"] == 40
    assert result["created_second_run"] == 0
    assert result["emails_sent"] == result["emails_received_by_sink"] == 24
    assert result["duplicates"] == 0
    assert result["workers"] == 2
    assert not OutboundEmail.objects.exists()
    assert not Program.objects.exists()
    assert not User.objects.exists()
