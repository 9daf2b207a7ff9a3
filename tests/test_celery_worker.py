"""A real Celery worker on the real Redis runs a task that writes to the database."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from mentorship.celery import app
from mentorship.notifications.models import OutboundEmail
from mentorship.notifications.tasks import deliver_email

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_worker() -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_on_redis_delivers_a_queued_email() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the worker runs in another process and needs the test database on PostgreSQL (DATABASE_URL)")
    queue = f"smoke-{uuid.uuid4().hex[:8]}"
    mail_dir = tempfile.mkdtemp(prefix="mentorship-mail-")
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_worker(),
        "EMAIL_URL": f"file://{mail_dir}",
        "DJANGO_SETTINGS_MODULE": "mentorship.settings",
    }
    worker = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentorship",
            "worker",
            "--pool",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel",
            "INFO",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    previous_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # A bare row: queueing through the service would also publish to the default queue.
        email = OutboundEmail.objects.create(
            key=f"smoke:{queue}", kind="smoke", to="ops@example.com", subject="Ping", body_text="Pong"
        )
        assert app.conf.broker_url.startswith("redis://")
        deliver_email.apply_async(args=[email.pk], queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            email.refresh_from_db()
            if email.status == OutboundEmail.Status.SENT:
                break
            time.sleep(0.3)
        assert email.status == OutboundEmail.Status.SENT, _output(worker)
        assert email.attempts == 1
        assert any(Path(mail_dir).iterdir()), "the worker should have written the email with the file backend"
    finally:
        app.conf.task_always_eager = previous_eager
        worker.terminate()
        worker.wait(timeout=30)


def _output(process: Any) -> str:
    process.terminate()
    out, _ = process.communicate(timeout=30)
    return out[-4000:]
