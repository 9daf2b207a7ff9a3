"""Benchmark: the HR dashboard, the at-risk list and the relationships export of a large program.

Seeds one program with --relationships relationships (default 10,000), --meetings meetings (300,000) and
--action-items action items (50,000), with agreements, ratings, goals, proposals and reflections around them, and
a second program of --small-relationships (100) in the same proportions. Both are committed, so the pages are
measured as a web process sees them, and deleted at the end (and at the start, after an interrupted run). The
programs' health figures are refreshed first, as the periodic task does (timed as refresh_seconds); then each page
is rendered through the test client, as an administrator, --runs times. The last line is one JSON object.
"""

from __future__ import annotations

import datetime
import json
import statistics
import time
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from insights import selectors
from insights.models import HRAction, PairHealth, ProgramFigures
from insights.selectors import AtRiskFilters
from insights.services import program_refresh
from matching.models import MatchProposal
from meetings.models import ActionItem, Meeting, MeetingFeedback
from mentorship.accounts.models import Profile, User
from mentorship.accounts.roles import grant_program_admin
from mentorship.common.benchmarks import vacuum
from mentorship.notifications.models import Notice, OutboundEmail
from programs.models import Enrollment, Program
from relationships.models import Agreement, Goal, Reflection, Relationship

DOMAIN = "@bench-dashboard.example.com"
SLUG = "bench-dashboard"
SMALL_SLUG = "bench-dashboard-small"
BATCH = 5000
ZOOM = "https://acme.zoom.us/j/1234567890"
MENTEES_PER_MENTOR = 4
TOUCHED = (
    MeetingFeedback,
    Meeting,
    ActionItem,
    Agreement,
    Goal,
    Reflection,
    MatchProposal,
    HRAction,
    PairHealth,
    ProgramFigures,
    Relationship,
    Enrollment,
    Program,
    Profile,
    User,
)


def _batched(rows: Iterator[Any], size: int = BATCH) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Command(BaseCommand):
    help = "Measure the insights dashboard, at-risk list and CSV export on a large program; prints one JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--relationships", type=int, default=10000)
        parser.add_argument("--meetings", type=int, default=300000)
        parser.add_argument("--action-items", type=int, default=50000)
        parser.add_argument("--small-relationships", type=int, default=100)
        parser.add_argument("--runs", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        self._clean_up()  # what an interrupted earlier run may have left
        vacuum(*TOUCHED)
        try:
            result = self._run(options)
        finally:
            self._clean_up()
        self.stdout.write(json.dumps(result))

    # -- measuring ---------------------------------------------------------------------------------------------

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        n = options["relationships"]
        per_pair_meetings = max(options["meetings"] // max(n, 1), 1)
        per_pair_items = max(options["action_items"] // max(n, 1), 0)
        small = options["small_relationships"]
        admin = self._people(1, "bench-admin")[0]
        grant_program_admin(admin)
        seeded = self._seed(SLUG, admin, n, per_pair_meetings, per_pair_items)
        self._seed(SMALL_SLUG, admin, small, per_pair_meetings, per_pair_items)
        if connection.vendor == "postgresql":
            # Autovacuum would have analysed tables this size in production; the planner needs the statistics.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        # The periodic task keeps each program's figures fresh; its work is timed here, apart from the pages.
        started = time.perf_counter()
        for slug in (SLUG, SMALL_SLUG):
            program_refresh(program=Program.objects.get(slug=slug))
        refresh_seconds = time.perf_counter() - started
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {PairHealth._meta.db_table}, {ProgramFigures._meta.db_table}")
        client = Client()
        client.force_login(admin)
        try:
            runs = options["runs"]
            at_risk = reverse("insights:at_risk")
            dashboard_ms, dashboard_queries = self._measure(client, reverse("insights:dashboard", args=[SLUG]), runs)
            at_risk_ms, at_risk_queries = self._measure(client, f"{at_risk}?program={SLUG}", runs)
            _ms, dashboard_small = self._measure(client, reverse("insights:dashboard", args=[SMALL_SLUG]), 0)
            _ms, at_risk_small = self._measure(client, f"{at_risk}?program={SMALL_SLUG}", 0)
            started = time.perf_counter()
            response = client.post(reverse("insights:relationships_csv", args=[SLUG]))
            exported = b"".join(response.streaming_content)
            export_seconds = time.perf_counter() - started
            listed = selectors.at_risk(programs=Program.objects.filter(slug=SLUG), filters=AtRiskFilters()).count()
        finally:
            client.logout()
        return {
            "relationships": n,
            "meetings": seeded["meetings"],
            "action_items": seeded["action_items"],
            "dashboard_ms_p50": round(statistics.median(dashboard_ms), 1),
            "dashboard_ms_first": round(dashboard_ms[0], 1),
            "dashboard_queries": dashboard_queries,
            "dashboard_queries_small": dashboard_small,
            "at_risk_ms_p50": round(statistics.median(at_risk_ms), 1),
            "at_risk_queries": at_risk_queries,
            "at_risk_queries_small": at_risk_small,
            "at_risk_rows": listed,
            "export_seconds": round(export_seconds, 2),
            "export_rows": exported.count(b"\n") - 1,
            "export_bytes": len(exported),
            "refresh_seconds": round(refresh_seconds, 2),
            "small_relationships": options["small_relationships"],
            "runs": runs,
            "database": connection.vendor,
        }

    def _measure(self, client: Client, url: str, runs: int) -> tuple[list[float], int]:
        """Milliseconds of each run, then the queries of one more (counting them slows a run down)."""
        timings = []
        for _run in range(runs):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return timings, len(captured)

    # -- seeding -----------------------------------------------------------------------------------------------

    def _people(self, count: int, prefix: str) -> list[User]:
        password = make_password(None)
        users: list[User] = []
        for batch in _batched(
            User(email=f"{prefix}{i}{DOMAIN}", full_name=f"{prefix.title()} {i}", password=password)
            for i in range(count)
        ):
            users += User.objects.bulk_create(batch)
        for batch in _batched(Profile(user=user, department=f"Team {i % 12}") for i, user in enumerate(users)):
            Profile.objects.bulk_create(batch)
        return users

    @transaction.atomic
    def _seed(self, slug: str, admin: User, n: int, per_pair_meetings: int, per_pair_items: int) -> dict[str, int]:
        now = timezone.now()
        today = now.date()
        program = Program.objects.create(
            name=f"Benchmark {slug}", slug=slug, created_by=admin, status="running", default_mentor_capacity=5
        )
        program.administrators.add(admin)
        mentees = self._people(n, f"{slug}-mentee")
        mentors = self._people(max(n // MENTEES_PER_MENTOR, 1), f"{slug}-mentor")
        mentee_enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(program=program, user=user, role="mentee", status="approved", decided_at=now)
                for user in mentees
            ],
            batch_size=BATCH,
        )
        mentor_enrollments = Enrollment.objects.bulk_create(
            [Enrollment(program=program, user=user, role="mentor", status="approved") for user in mentors],
            batch_size=BATCH,
        )
        statuses = ["active"] * 17 + ["paused", "completed", "ended"]
        relationships = Relationship.objects.bulk_create(
            [
                Relationship(
                    program=program,
                    mentee=mentee,
                    mentor=mentors[i % len(mentors)],
                    kind="mentoring",
                    status=(status := statuses[i % len(statuses)]),
                    started_on=today - datetime.timedelta(days=90 + i % 700),
                    ended_on=today - datetime.timedelta(days=10) if status in ("completed", "ended") else None,
                )
                for i, mentee in enumerate(mentees)
            ],
            batch_size=BATCH,
        )
        MatchProposal.objects.bulk_create(
            [
                MatchProposal(
                    program=program,
                    mentee=mentee_enrollments[i],
                    mentor=mentor_enrollments[i % len(mentor_enrollments)],
                    origin="engine",
                    status="accepted",
                    respond_by=now - datetime.timedelta(days=100),
                    decided_at=now - datetime.timedelta(days=101, hours=i % 48),
                )
                for i in range(n)
            ],
            batch_size=BATCH,
        )
        accepted = now - datetime.timedelta(days=60)
        Agreement.objects.bulk_create(
            [
                Agreement(
                    relationship=relationship,
                    cadence="monthly",
                    mentee_responsibilities="-",
                    mentor_responsibilities="-",
                    desired_outcomes="-",
                    confidentiality="-",
                    mentee_accepted_at=accepted,
                    mentor_accepted_at=accepted if i % 20 else None,
                )
                for i, relationship in enumerate(relationships)
                if i % 25  # one in 25 has no agreement yet
            ],
            batch_size=BATCH,
        )
        Goal.objects.bulk_create(
            [
                Goal(
                    relationship=relationship,
                    title="-",
                    category=["skills", "career", "onboarding", "project", "culture"][i % 5],
                    status=["not_started", "in_progress", "achieved", "dropped"][i % 4],
                )
                for i, relationship in enumerate(relationships)
            ],
            batch_size=BATCH,
        )
        Reflection.objects.bulk_create(
            [
                Reflection(relationship=r, author_id=r.mentee_id, rating=1 + i % 5)
                for i, r in enumerate(relationships)
                if r.status in ("completed", "ended")
            ],
            batch_size=BATCH,
        )
        meetings = self._meetings(relationships, per_pair_meetings, now)
        items = self._action_items(relationships, per_pair_items, today)
        return {"meetings": meetings, "action_items": items}

    def _meetings(self, relationships: list[Relationship], per_pair: int, now: datetime.datetime) -> int:
        """Monthly meetings, most behind and a few ahead; one pair in eight stopped meeting four months ago."""
        ahead = 3

        def rows() -> Iterator[Meeting]:
            for i, relationship in enumerate(relationships):
                stalled = i % 8 == 0
                for k in range(per_pair):
                    offset = (per_pair - ahead - k) * 30 + i % 28  # days before now; negative is ahead
                    start = now - datetime.timedelta(days=offset, hours=i % 9)
                    past = offset > 0
                    if not past:
                        status = "scheduled" if relationship.is_open else "cancelled"
                    elif stalled and offset < 120:
                        status = "missed"
                    elif i % 13 == 0 and offset < 30:
                        status = "scheduled"  # nobody wrapped it up
                    else:
                        status = "held"
                    yield Meeting(
                        relationship=relationship,
                        start=start,
                        end=start + datetime.timedelta(hours=1),
                        zone="Europe/Berlin",
                        title="Mentoring meeting",
                        provider="zoom",
                        location=ZOOM,
                        status=status,
                        wrapped_up_at=start + datetime.timedelta(hours=2) if status in ("held", "missed") else None,
                    )

        count = 0
        for batch in _batched(rows()):
            created = Meeting.objects.bulk_create(batch)
            count += len(created)
            # One rating for every fourth meeting held.
            MeetingFeedback.objects.bulk_create(
                [
                    MeetingFeedback(meeting=m, author_id=m.relationship.mentee_id, rating=2 + m.pk % 4)
                    for m in created
                    if m.status == "held" and m.pk % 4 == 0
                ]
            )
        return count

    def _action_items(self, relationships: list[Relationship], per_pair: int, today: datetime.date) -> int:
        def rows() -> Iterator[ActionItem]:
            for i, relationship in enumerate(relationships):
                for k in range(per_pair):
                    overdue = k == 0 and i % 3 == 0
                    done = k >= 2
                    yield ActionItem(
                        relationship=relationship,
                        description="-",
                        owner_id=relationship.mentee_id,
                        due_on=today + datetime.timedelta(days=-5 if overdue else (-30 if done else 20)),
                        status="done" if done else "open",
                    )

        count = 0
        for batch in _batched(rows()):
            count += len(ActionItem.objects.bulk_create(batch))
        return count

    # -- cleaning up -------------------------------------------------------------------------------------------

    def _clean_up(self) -> None:
        """Delete everything seeded; the largest tables in plain SQL (the ORM would load every row first)."""
        relationships = Relationship.objects.filter(program__slug__in=[SLUG, SMALL_SLUG])
        with transaction.atomic():
            ids, params = relationships.values("pk").query.sql_with_params()
            quote = connection.ops.quote_name
            meeting = quote(Meeting._meta.db_table)
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {quote(MeetingFeedback._meta.db_table)} WHERE meeting_id IN "  # noqa: S608  # nosec B608
                    f"(SELECT id FROM {meeting} WHERE relationship_id IN ({ids}))",
                    params,
                )
                for model in (ActionItem, Meeting, Agreement, Goal, Reflection, HRAction, PairHealth):
                    table = quote(model._meta.db_table)
                    cursor.execute(f"DELETE FROM {table} WHERE relationship_id IN ({ids})", params)  # noqa: S608  # nosec B608
            MatchProposal.objects.filter(program__slug__in=[SLUG, SMALL_SLUG]).delete()
            relationships.delete()
            Enrollment.objects.filter(program__slug__in=[SLUG, SMALL_SLUG]).delete()
            ProgramFigures.objects.filter(program__slug__in=[SLUG, SMALL_SLUG]).delete()
            Program.objects.filter(slug__in=[SLUG, SMALL_SLUG]).delete()
            users = User.objects.filter(email__endswith=DOMAIN)
            Notice.objects.filter(user__in=users).delete()
            OutboundEmail.objects.filter(recipient__in=users).delete()
            users.delete()
