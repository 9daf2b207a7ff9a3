"""The page benchmark runs end to end at a small size and leaves nothing behind."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

from mentorship.accounts.models import User
from relationships.models import Relationship


@pytest.mark.django_db
def test_bench_pages_small_run() -> None:
    out = io.StringIO()
    call_command("bench_pages", seconds=0.2, warmup=1, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert {"bare_rps", "home_rps", "relationship_rps", "home_ratio", "relationship_ratio"} <= set(result)
    assert result["bare_rps"] > 0 and result["home_rps"] > 0 and result["relationship_rps"] > 0
    # Served from the cache, the pages cost what the layout costs, plus the key's one query at most.
    assert result["home_queries"] <= result["bare_queries"] + 1
    assert result["relationship_queries"] <= result["bare_queries"] + 1
    # After a change they are rendered afresh: the relationship page reads much more than the home page.
    assert result["bare_queries"] < result["home_changed_queries"] < result["relationship_changed_queries"]
    assert result["home_changed_rps"] > 0 and result["relationship_changed_rps"] > 0
    assert not Relationship.objects.exists()
    assert not User.objects.exists()
