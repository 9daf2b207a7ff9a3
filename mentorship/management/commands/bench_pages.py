"""Benchmark: requests per second of the home and relationship pages against a bare page, in one run.

The bare page goes through the same middleware (sessions, authentication, CSP, the audit and time-zone layers)
and renders a one-line template from one query: what Django itself costs. The home and relationship pages are
served for a person with a realistic relationship (goals, an accepted agreement, a monthly series with past and
coming meetings, agenda topics, action items, notes). Each page runs for --seconds after a warm-up, in this one
process, through Django's test client. Everything is seeded in a transaction that is rolled back at the end.
The last line is one JSON object; the target is each page at least a third of the bare page's rate, as people
meet them (their bodies cached until something on them changes). The ``*_changed_*`` figures are the same pages
with a change before every request, so each body is rendered afresh: reported, not held to the target.
"""

from __future__ import annotations

import datetime
import json
import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import include, path
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import ActionItem, Meeting
from meetings.recurrence import Ending, Frequency, ScheduleChoice
from mentorship.accounts.models import Profile, User
from mentorship.notifications.plugins import bell_changed
from programs import services as program_services
from programs.models import Enrollment
from relationships import services as relationship_services
from relationships.models import Side
from relationships.services import relationships_touch

TARGET_RATIO = 1 / 3


@login_required
def bare_page(request: HttpRequest) -> HttpResponse:
    """A page of the site with nothing on it: the layout, the navigation and one query of its own."""
    return render(request, "bench/bare.html", {"person": User.objects.only("full_name").get(pk=request.user.pk)})


urlpatterns = [path("bench/bare/", bare_page), path("", include("mentorship.urls"))]


class Rollback(Exception):
    """Raised to roll the seeded data back."""


def _person(email: str, name: str) -> User:
    user = User.objects.create_user(email=email, full_name=name)
    Profile.objects.create(user=user, time_zone="Europe/Berlin", completed_at=timezone.now(), languages=["en"])
    return user


class Command(BaseCommand):
    help = "Requests per second of the home and relationship pages against a bare page (last line: JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seconds", type=float, default=5.0, help="measuring time per page")
        parser.add_argument("--warmup", type=int, default=20, help="requests before measuring each page")

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {}
        try:
            with transaction.atomic(), override_settings(ROOT_URLCONF=__name__, ALLOWED_HOSTS=["testserver"]):
                result = self._run(options)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps(result))

    def _seed(self) -> tuple[User, int]:
        admin = _person("bench-pages-admin@bench.example.com", "Bench Admin")
        mentee = _person("bench-pages-mentee@bench.example.com", "Bench Mentee")
        mentor = _person("bench-pages-mentor@bench.example.com", "Bench Mentor")
        program = program_services.program_create(created_by=admin, name="Bench pages", status="running")
        for user, role in ((mentee, "mentee"), (mentor, "mentor")):
            Enrollment.objects.create(program=program, user=user, role=role, status="approved")
        relationship = relationship_services.relationship_create(
            program=program, mentee=mentee, mentor=mentor, created_by=admin
        )
        for n in range(3):
            relationship_services.goal_save(
                relationship=relationship,
                side=Side.MENTEE,
                actor=mentee,
                goal=None,
                title=f"Goal {n}",
                category="skills",
            )
        agreement = relationship_services.agreement_save(
            relationship=relationship,
            side=Side.MENTEE,
            actor=mentee,
            channels=[{"channel": "Video call", "purpose": "meetings"}],
            cadence="monthly",
            meeting_minutes=60,
            mentee_responsibilities="Come prepared.",
            mentor_responsibilities="Listen and share.",
            desired_outcomes="Grow.",
            confidentiality="Between us.",
        )
        relationship_services.agreement_accept(agreement=agreement, side=Side.MENTOR, actor=mentor)
        relationship_services.agreement_accept(agreement=agreement, side=Side.MENTEE, actor=mentee)
        first = timezone.localdate() - datetime.timedelta(days=80)
        meeting_services.series_create(
            relationship=relationship,
            side=Side.MENTOR,
            actor=mentor,
            choice=ScheduleChoice(
                frequency=Frequency.MONTHLY_WEEKDAY,
                first_date=first,
                start_time=datetime.time(10, 0),
                zone="Europe/Berlin",
                ending=Ending.NEVER,
            ),
            place=meeting_services.Place(title="Mentoring", provider="zoom", location="https://acme.zoom.us/j/1"),
        )
        upcoming = Meeting.objects.filter(relationship=relationship, start__gt=timezone.now()).first()
        for n in range(4):
            meeting_services.agenda_add(
                meeting=upcoming, side=Side.MENTEE, actor=mentee, text=f"Topic {n}", needs_extra_time=n == 0
            )
        ActionItem.objects.bulk_create(
            [
                ActionItem(
                    relationship=relationship,
                    description=f"Item {n}",
                    owner=mentee,
                    due_on=timezone.localdate() + datetime.timedelta(days=n - 3),
                    created_by=mentor,
                )
                for n in range(8)
            ]
        )
        relationship_services.private_note_add(relationship=relationship, side=Side.MENTEE, actor=mentee, body="Mine")
        return mentee, relationship.pk

    def _rate(
        self, client: Client, url: str, seconds: float, warmup: int, change: Callable[[], None] | None = None
    ) -> tuple[float, int]:
        """Requests per second and queries per request; with ``change``, each request follows a change to the page."""
        for _ in range(warmup):
            assert client.get(url).status_code == 200, url
        if change:
            change()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Counted now: every request that starts clears the connection's query log.
        query_count = len(queries)
        done, spent = 0, 0.0
        while spent < seconds:
            if change:
                change()
            started = time.perf_counter()
            client.get(url)
            spent += time.perf_counter() - started
            done += 1
        return done / spent, query_count

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        mentee, relationship_id = self._seed()
        # Over HTTPS behind a proxy, as production serves it (its settings redirect plain HTTP).
        client = Client(secure=True, headers={"x-forwarded-proto": "https"})
        client.force_login(mentee)
        seconds, warmup = options["seconds"], options["warmup"]
        home_url, page_url = "/", f"/relationships/{relationship_id}/"
        bare, bare_queries = self._rate(client, "/bench/bare/", seconds, warmup)
        home, home_queries = self._rate(client, home_url, seconds, warmup)
        page, page_queries = self._rate(client, page_url, seconds, warmup)
        # The same pages right after something on them changed, so their cached bodies are rendered afresh (the
        # change itself is not timed): what a person sees after their own edit, or the first visit of the day.
        home_changed, home_changed_queries = self._rate(
            client, home_url, seconds, warmup, change=lambda: bell_changed(mentee.pk)
        )
        page_changed, page_changed_queries = self._rate(
            client, page_url, seconds, warmup, change=lambda: relationships_touch(relationship_id)
        )
        return {
            "vendor": connection.vendor,
            "seconds_per_page": seconds,
            "bare_rps": round(bare, 1),
            "home_rps": round(home, 1),
            "relationship_rps": round(page, 1),
            "home_ratio": round(home / bare, 3),
            "relationship_ratio": round(page / bare, 3),
            "bare_queries": bare_queries,
            "home_queries": home_queries,
            "relationship_queries": page_queries,
            "home_changed_rps": round(home_changed, 1),
            "relationship_changed_rps": round(page_changed, 1),
            "home_changed_ratio": round(home_changed / bare, 3),
            "relationship_changed_ratio": round(page_changed / bare, 3),
            "home_changed_queries": home_changed_queries,
            "relationship_changed_queries": page_changed_queries,
            "target_ratio": round(TARGET_RATIO, 3),
            "targets_met": home / bare >= TARGET_RATIO and page / bare >= TARGET_RATIO,
        }
