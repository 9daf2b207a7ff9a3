"""The matching benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from matching.models import MatchProposal
from mentorship.accounts.models import User
from programs.models import Program


@pytest.mark.django_db
def test_bench_matching_small_run() -> None:
    out = io.StringIO()
    call_command("bench_matching", mentees=60, mentors=15, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["mentees"], result["mentors"]) == (60, 15)
    assert result["constraint_violations"] == 0
    assert result["certified_optimal"] is True
    assert result["matched"] >= result["greedy_matched"]
    assert result["proposals_written"] == result["matched"]
    assert not MatchProposal.objects.exists()
    assert not Program.objects.exists()
    assert not User.objects.exists()
