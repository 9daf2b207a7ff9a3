"""Sign load-test people in ahead of a run and write what each may do to a JSON file for locust.

The load test measures pages and writes, not the sign-in form (which is rate limited per address by design and
asks administrators for a second factor); so sessions are created here, as a sign-in would create them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Min, Q
from django.utils import timezone

from meetings.models import Meeting
from mentorship.accounts.models import User
from mentorship.scaled_demo import LOAD_DOMAIN, LOAD_SLUG
from programs.models import Program
from relationships.models import Relationship


def _session_for(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


class Command(BaseCommand):
    help = "Create sessions for load-test people and write their ids and session keys to --out."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True)
        parser.add_argument("--per-kind", type=int, default=100)

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        program = Program.objects.get(slug=LOAD_SLUG)
        count = options["per_kind"]
        pairs = list(Relationship.objects.filter(program=program).select_related("mentee", "mentor")[:count])
        ids = [pair.pk for pair in pairs]
        upcoming = dict(
            Meeting.objects.filter(relationship_id__in=ids, start__gt=now, status=Meeting.Status.SCHEDULED)
            .values_list("relationship_id")
            .annotate(first=Min("pk"))
        )
        past = dict(
            Meeting.objects.filter(relationship_id__in=ids, end__lt=now, status=Meeting.Status.SCHEDULED)
            .values_list("relationship_id")
            .annotate(first=Min("pk"))
        )
        people: dict[str, list[dict[str, Any]]] = {"mentee": [], "mentor": [], "hr": []}
        for pair in pairs:
            where = {"relationship": pair.pk, "upcoming": upcoming.get(pair.pk), "past": past.get(pair.pk)}
            people["mentee"].append({"session": _session_for(pair.mentee), **where})
            people["mentor"].append({"session": _session_for(pair.mentor), **where})
        admins = User.objects.filter(Q(administered_programs=program), email__endswith=LOAD_DOMAIN)
        people["hr"] = [{"session": _session_for(admin), "program": program.slug} for admin in admins]
        Path(options["out"]).write_text(json.dumps(people))
        self.stdout.write(json.dumps({kind: len(rows) for kind, rows in people.items()}))
