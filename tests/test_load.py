"""The short form of `make load`: production settings, gunicorn, PostgreSQL and Redis, a few users for seconds.

The full run (50 users for 60 s against 2,000 people and 1,000 relationships) is `make load`; this one proves the
harness and the scenario work end to end, and that nothing fails under concurrent use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.redis
def test_a_short_load_run_has_no_failures() -> None:
    run = subprocess.run(  # noqa: S603 - our own script with fixed arguments
        [
            sys.executable,
            str(ROOT / "scripts" / "load"),
            "--users",
            "8",
            "--seconds",
            "12",
            "--people",
            "120",
            "--relationships",
            "50",
            "--workers",
            "2",
            "--database",
            "mentorship_load_ci",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert set(result) >= {"users", "requests", "failures", "rps", "p50_ms", "p95_ms"}
    assert result["requests"] > 20
    assert result["failures"] == 0, run.stdout[-3000:]
