"""The invitation benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mentorship.accounts.models import User
from mentorship.notifications.models import OutboundEmail
from programs.models import Invitation, Job, Program


@pytest.mark.django_db(transaction=True)
def test_bench_invitations_small_run() -> None:
    out = io.StringIO()
    call_command("bench_invitations", rows=120, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["rows"], result["created"], result["emails_queued"]) == (120, 120, 120)
    assert result["job_status"] == "done"
    assert result["request_ms"] < 2000
    assert result["seconds"] > 0
    for model in (Program, Invitation, Job, OutboundEmail, User):
        assert not model.objects.exists(), model
