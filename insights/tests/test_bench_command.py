"""The dashboard benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from insights.models import PairHealth, ProgramFigures
from meetings.models import ActionItem, Meeting
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship


@pytest.mark.django_db(transaction=True)
def test_bench_dashboard_small_run() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark commits its data and measures PostgreSQL's plans; run it against PostgreSQL")
    out = io.StringIO()
    call_command(
        "bench_dashboard",
        relationships=40,
        meetings=400,
        action_items=80,
        small_relationships=8,
        runs=2,
        stdout=out,
    )
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert (result["relationships"], result["meetings"], result["action_items"]) == (40, 400, 80)
    assert result["dashboard_queries"] == result["dashboard_queries_small"]
    assert result["at_risk_queries"] == result["at_risk_queries_small"]
    assert result["export_rows"] == 40
    assert 0 < result["at_risk_rows"] <= 40
    for key in ("dashboard_ms_p50", "at_risk_ms_p50", "export_seconds", "refresh_seconds"):
        assert result[key] > 0
    for model in (Meeting, ActionItem, Relationship, Program, User, PairHealth, ProgramFigures):
        assert not model.objects.exists(), model
