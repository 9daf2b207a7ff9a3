"""Benchmark: an administrator uploads a CSV of --rows invitations (5,000, the documented maximum) and a worker
imports it as a job.

The upload goes through the whole stack (middleware, the invite page, CSV parsing, the job's creation) with
Django's test client; ``request_ms`` is how long that request took. The job then runs in this process as a
Celery worker would run it: step by step, each step committed with its invitations, their emails in the outbox
and the job's progress; ``seconds`` is how long it took. Handing the job and the emails to the broker is
replaced by a no-op, so nothing is left in a queue. Everything is committed (as in production) under the
``@bench-invitations.example.com`` domain and deleted at the end. The last line is one JSON object.
"""

from __future__ import annotations

import json
import time
from typing import Any
from unittest import mock

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.accounts.roles import grant_program_admin
from mentorship.common.benchmarks import vacuum
from mentorship.notifications import tasks as notification_tasks
from mentorship.notifications.models import OutboundEmail
from programs import jobs, tasks
from programs.invitations_csv import MAX_ROWS
from programs.models import Invitation, Job, Program

DOMAIN = "@bench-invitations.example.com"
SLUG = "bench-invitations"


class Command(BaseCommand):
    help = "Upload a CSV of invitations and import it through the background job; prints one JSON line."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--rows", type=int, default=MAX_ROWS, help=f"rows in the CSV (at most {MAX_ROWS})")

    def handle(self, *args: Any, **options: Any) -> None:
        rows = options["rows"]
        if not 1 <= rows <= MAX_ROWS:
            raise CommandError(f"--rows must be between 1 and {MAX_ROWS}")
        self._clean_up()  # what an interrupted earlier run may have left
        vacuum(Invitation, OutboundEmail, Job, Program, User)
        try:
            result = self._run(rows)
        finally:
            self._clean_up()
        self.stdout.write(json.dumps(result))

    def _run(self, rows: int) -> dict[str, Any]:
        admin = User.objects.create(email=f"admin{DOMAIN}", full_name="Bench Admin", password=make_password(None))
        grant_program_admin(admin)
        program = Program.objects.create(name="Invitation benchmark", slug=SLUG, status="open", created_by=admin)
        program.administrators.add(admin)
        lines = ["name,email,role", *(f"Person {n},person{n}{DOMAIN},mentee" for n in range(rows))]
        upload = SimpleUploadedFile("people.csv", ("\n".join(lines) + "\n").encode(), "text/csv")

        handed: list[int] = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with (
            mock.patch.object(tasks.run_job, "delay", handed.append),
            mock.patch.object(notification_tasks.deliver_email, "delay", lambda *args: None),
            override_settings(ALLOWED_HOSTS=hosts),
        ):
            client = Client()
            client.force_login(admin)
            started = time.perf_counter()
            response = client.post(reverse("programs:invite", args=[SLUG]), {"upload": "1", "file": upload})
            request_ms = (time.perf_counter() - started) * 1000
            client.logout()
            if response.status_code != 302 or len(handed) != 1:
                raise CommandError(f"the upload did not start a job (HTTP {response.status_code})")
            started = time.perf_counter()
            jobs.job_run(job_id=handed[0])
            seconds = time.perf_counter() - started
        job = Job.objects.get(pk=handed[0])
        return {
            "rows": rows,
            "seconds": round(seconds, 2),
            "request_ms": round(request_ms, 1),
            "created": Invitation.objects.filter(program=program).count(),
            "emails_queued": OutboundEmail.objects.filter(to__endswith=DOMAIN).count(),
            "job_status": job.status,
            "database": connection.vendor,
        }

    def _clean_up(self) -> None:
        OutboundEmail.objects.filter(to__endswith=DOMAIN).delete()
        Program.objects.filter(slug=SLUG).delete()
        User.objects.filter(email__endswith=DOMAIN).delete()
