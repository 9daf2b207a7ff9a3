"""A chaos run of reminder delivery on the real stack: PostgreSQL, Redis, two beats, two workers, an SMTP sink.

Meetings start in half an hour, so everyone's one-hour reminder is due; the beats' scans queue them and the
workers send them. Once a third has arrived, the sink holds every sender in the middle of a send; one worker
is then killed with SIGKILL (its main process and its pool, as when a machine or container dies) and the sink
stops for an outage. The other worker must carry on, and the dead worker's rows must come back when their
lease runs out. The run measures every expected email by Message-ID at the sink and by outbox key, and how
long after the kill the outbox was empty.

Holding the senders first places the kill while the mail server has not answered yet. A kill between the
server's "250 OK" and marking the row sent would send that one message twice (the at-least-once trade-off the
outbox documents, with the same Message-ID on both copies): that window is the outbox's by design, while what
this run checks is that nothing else duplicates or loses an email.

The workers scan and flush the whole database, so the run needs one that holds nothing else: the benchmark
command makes a scratch database for it, the test uses the test database.
"""

from __future__ import annotations

import datetime
import signal
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from meetings.models import Meeting
from mentorship.accounts.models import Profile, User
from mentorship.celery import app
from mentorship.management.stack import Sink, Stack, wait_for
from mentorship.notifications.messages import message_id_for
from mentorship.notifications.models import Kind, OutboundEmail
from mentorship.notifications.outbox import LEASE
from programs.models import Program
from relationships.models import Relationship

DOMAIN = "@chaos.example.com"
Status = OutboundEmail.Status
OPEN = (Status.PENDING, Status.SENDING)


@dataclass(frozen=True)
class ChaosPlan:
    emails: int = 300
    workers: int = 2
    beats: int = 2
    # Pool processes per worker (prefork): the senders the sink must see held before the kill.
    concurrency: int = 1
    outage_seconds: float = 20.0
    # The production schedule flushes every 30 seconds; a test may go faster to stay short.
    flush_seconds: float = 30.0
    scan_seconds: float = 1.0
    smtp_down_retry_seconds: int = 60
    # How long to wait for the drain before giving up (the target is 150 seconds).
    drain_limit_seconds: float = 300.0


def chaos_run(plan: ChaosPlan, *, say: Callable[[str], None] = lambda _text: None) -> dict[str, Any]:
    if connection.vendor != "postgresql":
        raise RuntimeError("the chaos run needs PostgreSQL: the workers are other processes")
    if not str(app.conf.broker_url).startswith("redis"):
        raise RuntimeError("the chaos run needs Redis as the broker: set REDIS_URL")
    if OutboundEmail.objects.exists() or Meeting.objects.exists():
        raise RuntimeError("the chaos run needs a database without emails or meetings: its workers send them all")
    sink = Sink()
    sink.start()
    stack = Stack(
        prefix="chaos",
        env={
            "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
            # Longer than any hold below, so that a held sender waits instead of timing out.
            "EMAIL_TIMEOUT": "30",
            "NOTIFICATIONS_SCAN_SECONDS": str(plan.scan_seconds),
            "NOTIFICATIONS_FLUSH_SECONDS": str(plan.flush_seconds),
            "NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS": str(plan.smtp_down_retry_seconds),
        },
    )
    try:
        workers = [f"worker{n}" for n in range(1, plan.workers + 1)]
        for name in workers:
            stack.worker(name, pool="prefork", concurrency=plan.concurrency)
        for n in range(1, plan.beats + 1):
            stack.beat(f"beat{n}")
        stack.wait_ready()
        say(f"{plan.workers} workers and {plan.beats} beats ready on queue {stack.queue}")

        sink.hold_after(plan.emails // 3)
        _seed(plan.emails // 2)
        wait_for(
            lambda: OutboundEmail.objects.filter(kind=Kind.MEETING_REMINDER).count() >= plan.emails,
            seconds=60,
            what="the beats' scans to queue every reminder",
            logs=stack.output,
        )

        handed_out = [0.0]

        def all_senders_held() -> bool:
            # Hand out a flush a second, as beat and the scans do, until every worker is in the middle of a send.
            if time.monotonic() - handed_out[0] >= 1:
                app.send_task("notifications.flush_outbox", queue=stack.queue)
                handed_out[0] = time.monotonic()
            return sink.held >= plan.workers * plan.concurrency

        wait_for(all_senders_held, seconds=90, what="every sender to be held mid-send", logs=stack.output)
        killed_at = timezone.now()
        started = time.monotonic()
        stack.signal(workers[0], signal.SIGKILL, group=True)
        stack.wait_exit(workers[0], seconds=10)
        sink.stop()
        say(f"{workers[0]} killed with {len(sink.messages)} of {plan.emails} delivered; mail server away")
        time.sleep(plan.outage_seconds)
        stranded = list(
            OutboundEmail.objects.filter(status=Status.SENDING, claimed_at__lte=killed_at).values_list("pk", flat=True)
        )
        sink.release()
        sink.start()
        say(f"mail server back; {len(stranded)} emails still held by the dead worker")
        wait_for(
            lambda: not OutboundEmail.objects.filter(status__in=OPEN).exists(),
            seconds=plan.drain_limit_seconds,
            what="the outbox to drain",
            logs=stack.output,
        )
        drained = time.monotonic() - started
        time.sleep(1)  # a last message in flight to the sink
        return _measure(plan, sink, stranded=stranded, killed_at=killed_at, drained=drained)
    finally:
        stack.stop()
        sink.stop()


@contextmanager
def scratch_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database for the run, dropped afterwards: the workers touch nothing else."""
    original = connection.settings_dict["NAME"]
    name = f"{original}_chaos_{uuid.uuid4().hex[:6]}"
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(name)}")
    connections.close_all()
    connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False)
        yield name
    finally:
        connections.close_all()
        connection.settings_dict["NAME"] = original
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)} WITH (FORCE)")


def _seed(pairs: int) -> None:
    """Pairs with one meeting each, half an hour ahead: both people's one-hour reminder is due at once."""
    now = timezone.now()
    password = make_password(None)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(email=f"chaos{n}{DOMAIN}", full_name=f"Chaos {n}", password=password) for n in range(2 * pairs + 1)]
        )
        Profile.objects.bulk_create([Profile(user=user, time_zone="Europe/Berlin") for user in users])
        admin, mentees, mentors = users[0], users[1 : pairs + 1], users[pairs + 1 :]
        program = Program.objects.create(name="Chaos", slug="chaos", created_by=admin, status="running")
        relationships = Relationship.objects.bulk_create(
            [
                Relationship(
                    program=program, mentee=m, mentor=o, kind="mentoring", started_on=now.date(), status="active"
                )
                for m, o in zip(mentees, mentors, strict=True)
            ]
        )
        Meeting.objects.bulk_create(
            [
                Meeting(
                    relationship=relationship,
                    start=now + datetime.timedelta(minutes=30, seconds=n),
                    end=now + datetime.timedelta(minutes=75, seconds=n),
                    zone="Europe/Berlin",
                    title=f"Chaos meeting {n}",
                    provider="zoom",
                    location="https://acme.zoom.us/j/1234567890",
                )
                for n, relationship in enumerate(relationships)
            ]
        )


def _measure(
    plan: ChaosPlan, sink: Sink, *, stranded: list[int], killed_at: datetime.datetime, drained: float
) -> dict[str, Any]:
    rows = list(OutboundEmail.objects.filter(kind=Kind.MEETING_REMINDER).values("pk", "key", "status", "sent_at"))
    arrived = sink.ids()
    expected = {message_id_for(row["key"]): row for row in rows}
    keys = Counter(row["key"] for row in rows)
    statuses = Counter(row["status"] for row in rows)
    stranded_sent = [row["sent_at"] for row in rows if row["pk"] in set(stranded) and row["sent_at"]]
    return {
        "expected": plan.emails,
        "received": sum(1 for message_id in expected if arrived[message_id]),
        # A second copy of an email at the sink, a second row for one key, or a message nobody queued.
        "duplicates": sum(max(0, arrived[message_id] - 1) for message_id in expected)
        + sum(count - 1 for count in keys.values())
        + sum(count for message_id, count in arrived.items() if message_id not in expected),
        "lost": plan.emails - sum(1 for message_id in expected if arrived[message_id]),
        "seconds_to_drain_after_kill": round(drained, 1),
        "failed": statuses[Status.FAILED],
        "missed": statuses[Status.MISSED],
        "stranded_by_kill": len(stranded),
        "stranded_sent_within_seconds": round(max((t - killed_at).total_seconds() for t in stranded_sent), 1)
        if stranded_sent
        else None,
        "workers": plan.workers,
        "beats": plan.beats,
        "outage_seconds": plan.outage_seconds,
        "lease_seconds": LEASE.total_seconds(),
        "flush_seconds": plan.flush_seconds,
    }
