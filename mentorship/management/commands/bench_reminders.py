"""Benchmark: find ~N due reminders, find them again, and send a sample through real SMTP to a local sink.

Seeds one-off meetings starting in two to three hours, so the day-before reminder is due (two reminders
each, mentee and mentor), and overdue action items (one each) so that about --meetings notices fall due.
The scans run in a transaction that is rolled back at the end.

Sending is measured the way production sends: --workers processes (like a Celery worker's pool) claim
batches of the same rows concurrently and talk to the mail server over their own connections. Other processes
cannot see uncommitted rows, so the sample is seeded and scanned again in committed transactions, its outbox
rows alone are offered to the workers, and all of it is deleted afterwards. The SMTP sink is aiosmtpd in a
child process on 127.0.0.1 at a free port. The last line is one JSON object.

With --chaos it measures recovery instead (see mentorship/management/chaos.py): real beats and workers on Redis,
one worker killed with SIGKILL in the middle of sending and the mail server away for --outage seconds, in a
scratch database created and dropped for the run. It prints expected, received, duplicates, lost and
seconds_to_drain_after_kill.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from unittest import mock

from django.contrib.auth.hashers import make_password
from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import reminders as meeting_reminders
from meetings import stalled
from meetings.models import ActionItem, Meeting
from mentorship.accounts.models import Profile, User
from mentorship.common.benchmarks import vacuum, worker_pool
from mentorship.management import chaos
from mentorship.notifications import outbox
from mentorship.notifications import reminders as outbox_reminders
from mentorship.notifications.models import Notice, OutboundEmail
from programs.models import Program
from relationships import reminders as relationship_reminders
from relationships.models import Relationship

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
PAIRS = 500
BENCH_DOMAIN = "@bench.example.com"
BENCH_SLUG = "bench-reminders"
TOUCHED = (OutboundEmail, Notice, Meeting, ActionItem, Relationship, Program, Profile, User)
# Small batches keep the workers' shares even near the end of the sample.
COURIER_BATCH = 50


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


# The sink runs in its own process: in a thread it would share the interpreter lock with the sender and the
# benchmark would measure the two of them taking turns. It appends each Message-ID to a file.
SINK_SCRIPT = """
import re, sys, time
from aiosmtpd.controller import Controller

out = open(sys.argv[2], "a", buffering=1)
pattern = re.compile(rb"^Message-ID:\\s*(\\S+)", re.IGNORECASE | re.MULTILINE)


class Handler:
    async def handle_DATA(self, server, session, envelope):
        head = envelope.content.split(b"\\r\\n\\r\\n", 1)[0]
        found = pattern.search(head)
        out.write((found.group(1).decode() if found else "-") + "\\n")
        return "250 OK"


controller = Controller(Handler(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
sys.stdin.read()  # until the benchmark closes our stdin
controller.stop()
out.close()
"""


class Sink:
    """An aiosmtpd server in a child process; counts what it received by Message-ID."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.path = Path(tempfile.mkstemp(prefix="bench-sink-", suffix=".txt")[1])
        self.process = subprocess.Popen(  # noqa: S603 - fixed interpreter and script
            [sys.executable, "-c", SINK_SCRIPT, str(port), str(self.path)], stdin=subprocess.PIPE
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("the SMTP sink did not start")

    def ids(self) -> Counter[str]:
        return Counter(line for line in self.path.read_text().splitlines() if line)

    def stop(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.path.unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Command(BaseCommand):
    help = "Measure reminder scans and SMTP delivery; prints one JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--meetings", type=int, default=100000, help="about this many notices fall due")
        parser.add_argument("--sample", type=int, default=2000, help="emails sent through SMTP")
        parser.add_argument(
            "--workers", type=int, default=max(2, os.cpu_count() or 1), help="sending processes, as in a worker pool"
        )
        chaotic = parser.add_argument_group("recovery (--chaos)")
        chaotic.add_argument("--chaos", action="store_true", help="kill a worker and stop the mail server instead")
        chaotic.add_argument("--emails", type=int, default=2000, help="reminder emails due at once")
        chaotic.add_argument("--outage", type=float, default=20.0, help="seconds the mail server is away")
        chaotic.add_argument(
            "--flush-seconds", type=float, default=30.0, help="beat's outbox flush interval (production: 30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["chaos"]:
            self._chaos(options)
            return
        port = free_port()
        sink = Sink(port)
        result: dict[str, Any] = {"vendor": connection.vendor}
        self._clean_up()  # what an interrupted earlier run may have left
        vacuum(*TOUCHED)
        try:
            # Sending first: after the large rolled-back scan, the tables' dead rows and the autovacuum they
            # set off would be measured along with the workers.
            sending = self._send(options["sample"], options["workers"], sink, port)
            vacuum(*TOUCHED)
            try:
                with transaction.atomic():
                    result.update(self._scans(options["meetings"]))
                    raise Rollback
            except Rollback:
                pass
            result.update(sending)
        finally:
            sink.stop()
        self.stdout.write(json.dumps(result))

    def _chaos(self, options: dict[str, Any]) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("--chaos needs PostgreSQL (DATABASE_URL): the workers are other processes")
        plan = chaos.ChaosPlan(
            emails=options["emails"], outage_seconds=options["outage"], flush_seconds=options["flush_seconds"]
        )
        try:
            with chaos.scratch_database():
                result = chaos.chaos_run(plan, say=lambda text: self.stderr.write(text))
        except (RuntimeError, TimeoutError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps({"vendor": connection.vendor, **result}))

    def _seed(self, due: int, now: datetime.datetime) -> None:
        password = make_password(None)
        users = User.objects.bulk_create(
            [
                User(email=f"bench{i}{BENCH_DOMAIN}", full_name=f"Bench {i}", password=password)
                for i in range(2 * PAIRS + 1)
            ]
        )
        Profile.objects.bulk_create([Profile(user=u, time_zone=ZONES[i % len(ZONES)]) for i, u in enumerate(users)])
        admin, mentees, mentors = users[0], users[1 : PAIRS + 1], users[PAIRS + 1 :]
        program = Program.objects.create(name="Reminder bench", slug=BENCH_SLUG, created_by=admin, status="running")
        program.administrators.add(admin)
        today = now.date()
        relationships = Relationship.objects.bulk_create(
            [
                Relationship(program=program, mentee=m, mentor=o, kind="mentoring", started_on=today, status="active")
                for m, o in zip(mentees, mentors, strict=True)
            ]
        )
        meetings = due // 4  # two notices each
        items = due - 2 * meetings  # one notice each
        Meeting.objects.bulk_create(
            (
                Meeting(
                    relationship=relationships[i % PAIRS],
                    start=now + datetime.timedelta(hours=2, seconds=i % 3000),
                    end=now + datetime.timedelta(hours=3, seconds=i % 3000),
                    zone="Europe/Berlin",
                    title=f"Bench meeting {i}",
                    provider="zoom",
                    location="https://acme.zoom.us/j/1234567890",
                )
                for i in range(meetings)
            ),
            batch_size=5000,
        )
        ActionItem.objects.bulk_create(
            (
                ActionItem(
                    relationship=relationships[i % PAIRS],
                    description=f"Bench item {i}",
                    owner_id=relationships[i % PAIRS].mentee_id,
                    due_on=today - datetime.timedelta(days=3),
                )
                for i in range(items)
            ),
            batch_size=5000,
        )

    def _scan(self, now: datetime.datetime) -> tuple[int, int, float]:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = meeting_reminders.scan(now=now)
            result.add(stalled.stalled_reminders_due(now=now))
            result.add(relationship_reminders.scan(now=now))
            seconds = time.perf_counter() - started
        return result.notices_created, len(queries), seconds

    def _scans(self, due: int) -> dict[str, Any]:
        now = timezone.now()
        self._seed(due, now)
        self._analyze()
        created_first, queries_first, seconds_first = self._scan(now)
        created_second, queries_second, seconds_second = self._scan(now)
        return {
            "due": due,
            "created_first_run": created_first,
            "created_second_run": created_second,
            "seconds_scan": round(seconds_first, 2),
            "seconds_scan_second_run": round(seconds_second, 2),
            "scan_queries": queries_first,
            "scan_queries_second_run": queries_second,
            "queries_per_1000_due": round(1000 * queries_first / max(due, 1), 2),
        }

    def _analyze(self) -> None:
        if connection.vendor == "postgresql":
            # Autovacuum would have analysed tables this size in production; without statistics the planner
            # guesses for freshly inserted rows and the measurement says more about the guess than the code.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _send(self, sample: int, workers: int, sink: Sink, port: int) -> dict[str, Any]:
        now = timezone.now()
        try:
            with transaction.atomic():
                self._seed(sample, now)
            # The scan would ask the worker pool to flush; a worker of a running app must not take these rows.
            with mock.patch.object(outbox_reminders, "outbox_flush_soon"):
                self._scan(now)
            ids = list(
                OutboundEmail.objects.filter(recipient__email__endswith=BENCH_DOMAIN)
                .order_by("pk")
                .values_list("pk", flat=True)[:sample]
            )
            with worker_pool(workers) as pool:
                started = time.perf_counter()
                sent = sum(pool.starmap(_courier, [(ids, port)] * workers))
                seconds = time.perf_counter() - started
            # Offering the same rows again must send nothing more.
            again = outbox.outbox_send(rows=outbox.outbox_claim(limit=len(ids) or 1, ids=ids)).sent
            time.sleep(0.5)  # let the sink finish the last message
            received = sink.ids()
            rows_per_key = (
                OutboundEmail.objects.values("key").count() - OutboundEmail.objects.values("key").distinct().count()
            )
            return {
                "workers": workers,
                "emails_sent": sent,
                "emails_received_by_sink": sum(received.values()),
                "emails_per_second": round(sent / seconds, 1) if seconds else None,
                "duplicates": sum(received.values()) - len(received) + again + rows_per_key,
            }
        finally:
            self._clean_up()

    def _clean_up(self) -> None:
        """Delete everything the committed sample created; people cascade to their notices and settings."""
        with transaction.atomic():
            OutboundEmail.objects.filter(to__endswith=BENCH_DOMAIN).delete()
            Relationship.objects.filter(program__slug=BENCH_SLUG).delete()
            Program.objects.filter(slug=BENCH_SLUG).delete()
            User.objects.filter(email__endswith=BENCH_DOMAIN).delete()


def _courier(ids: list[int], port: int) -> int:
    """One sending process: claim batches of the benchmark's rows until none is left, as a worker's flush does."""
    smtp = get_connection(
        "django.core.mail.backends.smtp.EmailBackend", host="127.0.0.1", port=port, use_tls=False, use_ssl=False
    )
    sent = 0
    try:
        while rows := outbox.outbox_claim(limit=COURIER_BATCH, ids=ids):
            outcome = outbox.outbox_send(rows=rows, connection=smtp)
            sent += outcome.sent
            if outcome.retry == len(rows):
                break  # the sink is unreachable
    finally:
        connections.close_all()
    return sent
