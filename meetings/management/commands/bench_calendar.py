"""Benchmark: materialise a large calendar and render one busy person's feed.

Seeds a person with 50 relationships, each with five years of monthly meetings plus moved and cancelled
occurrences, and 20,000 other series. Occurrences are materialised the way the app extends its horizon: the
series are shared among --workers processes (as the periodic task hands chunks to the worker pool), each
committing batch by batch, so foreign-key checks and commits are part of the measurement. Everything is
seeded under @bench-calendar.example.com addresses and deleted at the end. The last line is one JSON object.
"""

from __future__ import annotations

import datetime
import gc
import json
import os
import statistics
import time
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.calendars import person_feed
from meetings.models import Meeting, MeetingSeries
from meetings.recurrence import Ending, Frequency, ScheduleChoice, build_rrule
from meetings.services import HORIZON, series_materialise_many, series_paged
from meetings.tasks import HORIZON_CHUNK
from mentorship.accounts.models import Profile, User
from mentorship.common.benchmarks import vacuum, worker_pool
from programs.models import Program
from relationships.models import Relationship

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata"]


DOMAIN = "@bench-calendar.example.com"
TOUCHED = (Meeting, MeetingSeries, Relationship, Program, Profile, User)
SLUG = "bench-calendar"


class Command(BaseCommand):
    help = "Measure occurrence materialisation and the personal calendar feed; prints one JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--relationships", type=int, default=50)
        parser.add_argument("--years", type=int, default=5)
        parser.add_argument("--other-series", type=int, default=20000)
        parser.add_argument("--feed-runs", type=int, default=15)
        parser.add_argument(
            "--workers", type=int, default=max(2, os.cpu_count() or 1), help="materialising processes, as in a pool"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self._clean_up()  # what an interrupted earlier run may have left
        vacuum(*TOUCHED)
        try:
            result = self._run(options)
        finally:
            self._clean_up()
        self.stdout.write(json.dumps(result))

    def _clean_up(self) -> None:
        relationships = Relationship.objects.filter(program__slug=SLUG)
        with transaction.atomic():
            # Plain SQL for the occurrences: the ORM would load every one of them to look for dependants, and
            # the benchmark creates none.
            with connection.cursor() as cursor:
                meeting, series = Meeting._meta.db_table, MeetingSeries._meta.db_table
                ids, params = relationships.values("pk").query.sql_with_params()
                cursor.execute(f"DELETE FROM {meeting} WHERE relationship_id IN ({ids})", params)  # noqa: S608  # nosec B608
                cursor.execute(f"DELETE FROM {series} WHERE relationship_id IN ({ids})", params)  # noqa: S608  # nosec B608
            relationships.delete()
            Program.objects.filter(slug=SLUG).delete()
            User.objects.filter(email__endswith=DOMAIN).delete()

    def _people(self, count: int, prefix: str) -> list[User]:
        password = make_password(None)
        users = User.objects.bulk_create(
            [User(email=f"{prefix}{i}{DOMAIN}", full_name=f"{prefix} {i}", password=password) for i in range(count)]
        )
        Profile.objects.bulk_create(
            [Profile(user=u, time_zone=ZONES[i % len(ZONES)], department=f"Team {i % 12}") for i, u in enumerate(users)]
        )
        return users

    def _series(
        self, relationships: list[Relationship], first: datetime.date, count: int | None
    ) -> list[MeetingSeries]:
        rows = []
        for i, relationship in enumerate(relationships):
            zone = ZONES[i % len(ZONES)]
            choice = ScheduleChoice(
                frequency=Frequency.MONTHLY_WEEKDAY,
                first_date=first + datetime.timedelta(days=i % 28),
                start_time=datetime.time(9 + i % 8, 30),
                zone=zone,
                duration_minutes=60,
                ending=Ending.AFTER_COUNT if count else Ending.NEVER,
                count=count,
            )
            rows.append(
                MeetingSeries(
                    relationship=relationship,
                    organiser_id=relationship.mentor_id,
                    title="Mentoring meeting",
                    zone=zone,
                    first_date=choice.first_date,
                    start_time=choice.start_time,
                    duration_minutes=60,
                    rrule=build_rrule(choice),
                    provider="teams",
                    location="https://teams.microsoft.com/l/meetup-join/bench",
                )
            )
        return MeetingSeries.objects.bulk_create(rows, batch_size=2000)

    def _seed(self, options: dict[str, Any]) -> tuple[User, list[MeetingSeries], list[MeetingSeries]]:
        today = timezone.localdate()
        admin = self._people(1, "bench-admin")[0]
        program = Program.objects.create(name="Benchmark", slug=SLUG, created_by=admin, status="running")
        person = self._people(1, "bench-person")[0]
        mentees = self._people(options["relationships"], "bench-mentee")
        mine = Relationship.objects.bulk_create(
            [
                Relationship(program=program, mentee=m, mentor=person, kind="mentoring", started_on=today)
                for m in mentees
            ]
        )
        others_count = options["other_series"]
        other_mentees = self._people(others_count, "bench-other-mentee")
        other_mentors = self._people(max(others_count // 5, 1), "bench-other-mentor")
        others = Relationship.objects.bulk_create(
            [
                Relationship(
                    program=program,
                    mentee=m,
                    mentor=other_mentors[i % len(other_mentors)],
                    kind="mentoring",
                    started_on=today,
                )
                for i, m in enumerate(other_mentees)
            ],
            batch_size=2000,
        )
        years = options["years"]
        # Five years of monthly meetings, half of them already behind.
        my_series = self._series(mine, today - datetime.timedelta(days=365 * years // 2), count=12 * years)
        other_series = self._series(others, today - datetime.timedelta(days=60), count=None)
        return person, my_series, other_series

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        with transaction.atomic():
            person, my_series, other_series = self._seed(options)
        if connection.vendor == "postgresql":
            # Freshly loaded tables have no statistics yet; production ones are analysed by autovacuum.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE meetings_meetingseries, relationships_relationship")

        # The person's series run to their end; the others as far ahead as the app keeps them. They go to the
        # workers in chunks of the size the periodic task hands out, each worker taking the next when it is free.
        now = timezone.now()
        workers = options["workers"]
        chunks = [
            ([series.pk for series in series_list[first : first + HORIZON_CHUNK]], until)
            for series_list, until in (
                (my_series, now + datetime.timedelta(days=366 * options["years"])),
                (other_series, now + HORIZON),
            )
            for first in range(0, len(series_list), HORIZON_CHUNK)
        ]
        series_count = len(my_series) + len(other_series)
        # A web process serving the feed does not hold twenty thousand series in memory; the garbage collector
        # would walk them during the feed renders measured below.
        del other_series
        gc.collect()
        with worker_pool(workers) as pool:
            started = time.perf_counter()
            materialised = sum(pool.imap_unordered(_materialise, chunks))
            seconds = time.perf_counter() - started

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE meetings_meeting")

        # Each of the person's series gets two moved and one cancelled occurrence.
        for series in my_series:
            occurrences = list(series.meetings.order_by("start")[:6])
            for moved in occurrences[1:3]:
                moved.start += datetime.timedelta(days=2)
                moved.end += datetime.timedelta(days=2)
                moved.is_override, moved.sequence = True, moved.sequence + 1
                moved.save(update_fields=["start", "end", "is_override", "sequence"])
            Meeting.objects.filter(pk=occurrences[4].pk).update(status="cancelled", is_override=True, sequence=1)

        timings, size, queries = [], 0, 0
        for _ in range(options["feed_runs"]):
            with CaptureQueriesContext(connection) as captured:
                begin = time.perf_counter()
                feed = person_feed(person)
                timings.append((time.perf_counter() - begin) * 1000)
            size, queries = len(feed), len(captured)
        return {
            "series": series_count,
            "occurrences_materialised": materialised,
            "seconds_materialise": round(seconds, 3),
            "occurrences_per_second": round(materialised / seconds) if seconds else None,
            "feed_ms_p50": round(statistics.median(timings), 1),
            # The first render builds every event; later ones reuse those of series that did not change.
            "feed_ms_first": round(timings[0], 1),
            "feed_bytes": size,
            "feed_queries": queries,
            "person_series": len(my_series),
            "workers": workers,
            "database": connection.vendor,
        }


def _materialise(chunk: tuple[list[int], datetime.datetime]) -> int:
    """One chunk, as the periodic task's worker runs it: batch by batch, each batch its own transaction."""
    ids, until = chunk
    try:
        return series_materialise_many(series_list=series_paged(MeetingSeries.objects.filter(pk__in=ids)), until=until)
    finally:
        connections.close_all()
