"""The health report an operator's monitor reads: the outbox's backlog, stuck claims, failures and beat's pulse."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from mentorship.notifications import health
from mentorship.notifications.models import Heartbeat, OutboundEmail
from mentorship.notifications.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db
Status = OutboundEmail.Status


def row(key: str, **fields: Any) -> OutboundEmail:
    created_at = fields.pop("created_at", None)
    email = OutboundEmail.objects.create(key=key, kind="test", to="a@example.com", subject="s", body_text="b", **fields)
    if created_at is not None:
        OutboundEmail.objects.filter(pk=email.pk).update(created_at=created_at)
    return email


def run_command(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("outbox_health", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, json.loads(out.getvalue().strip().splitlines()[-1])


def test_without_a_heartbeat_beat_is_reported_missing() -> None:
    code, report = run_command()
    assert code == 1
    assert report["healthy"] is False
    assert report["beat_last_seen"] is None
    assert any("beat has not been seen at all" in problem for problem in report["problems"])


def test_a_quiet_outbox_with_a_recent_heartbeat_is_healthy() -> None:
    beat_heartbeat()
    row("sent", status=Status.SENT)
    code, report = run_command()
    assert (code, report["healthy"], report["problems"]) == (0, True, [])
    assert report["beat_seconds_ago"] <= 1
    assert (report["pending"], report["sending"], report["failed_last_day"]) == (0, 0, 0)


def test_each_problem_is_named(django_assert_max_num_queries: Any) -> None:
    now = timezone.now()
    health.heartbeat_record(name=health.BEAT, now=now - datetime.timedelta(minutes=10))
    row("held", status=Status.SENDING, claimed_at=now - datetime.timedelta(minutes=5), attempts=1)
    row("waiting", created_at=now - datetime.timedelta(minutes=20))
    row("backing-off", next_attempt_at=now + datetime.timedelta(minutes=3), attempts=1)
    row("failed-today", status=Status.FAILED, claimed_at=now - datetime.timedelta(hours=3))
    row("failed-last-week", status=Status.FAILED, claimed_at=now - datetime.timedelta(days=6))
    row("missed-today", status=Status.MISSED, claimed_at=now - datetime.timedelta(hours=1))
    with django_assert_max_num_queries(4):
        report = health.health_report(now=now, max_failed=0)
    assert (report.pending, report.due, report.sending) == (2, 1, 1)
    assert report.oldest_due_seconds == 20 * 60
    assert report.oldest_claim_seconds == 5 * 60
    assert (report.failed_last_day, report.missed_last_day) == (1, 1)
    assert report.beat_seconds_ago == 10 * 60
    problems = "\n".join(report.problems)
    assert "beat has not been seen for 600 s" in problems
    assert "oldest claim 300 s ago" in problems and "no worker is flushing" in problems
    assert "1 emails are due, the oldest for 1200 s" in problems
    assert "1 emails failed in the last day" in problems
    assert len(report.problems) == 4


def test_a_claim_within_its_lease_and_an_email_just_queued_are_fine() -> None:
    now = timezone.now()
    Heartbeat.objects.create(name=health.BEAT, at=now)
    row("in-flight", status=Status.SENDING, claimed_at=now - datetime.timedelta(seconds=30), attempts=1)
    row("new")
    report = health.health_report(now=now)
    assert report.healthy, report.problems
    assert report.oldest_claim_seconds == 30


def test_thresholds_come_from_the_command_line() -> None:
    now = timezone.now()
    health.heartbeat_record(name=health.BEAT, now=now - datetime.timedelta(seconds=100))
    assert run_command()[0] == 0
    code, report = run_command("--max-beat-age", "50")
    assert code == 1 and "beat has not been seen" in report["problems"][0]


def test_liveness_stays_as_it_was() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
