"""The real background stack, for tests and benchmarks: Celery workers and beats on Redis, and an SMTP sink.

Every process runs the project's Celery app with a default queue of its own (taken from argv before Celery
starts), so beats, workers and the tasks they publish share nothing with anyone else's on the same Redis
database. Each process leads its own process group, so a test can signal a prefork worker's main process alone
or the whole worker, as an orchestrator would.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import IO, Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

BOOT = (
    "import sys\nfrom mentorship.celery import app\napp.conf.task_default_queue = sys.argv[1]\napp.start(sys.argv[2:])"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_database_url() -> str:
    """This process's database (a test run renames it in this process only) as a URL for other processes."""
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def wait_for(check: Callable[[], Any], *, seconds: float, what: str, logs: Callable[[], str] = str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise TimeoutError(f"waited {seconds}s for {what}\n{logs()}")


class Sink:
    """An SMTP server that keeps what it receives; it can hold messages, stop, and start again on the same port.

    A held message waits before the server's answer: its sender is in the middle of a send. If the sender dies
    or the sink stops meanwhile, the message is dropped unrecorded, as a server drops a message whose
    connection is lost before it accepted it.
    """

    def __init__(self, port: int | None = None) -> None:
        # aiosmtpd logs every SMTP command at INFO: thousands of lines in a benchmark's output.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.port = port or free_port()
        self.messages: list[Message] = []
        self.held = 0
        self._hold_after: int | None = None
        self._lock = threading.Lock()
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        waiting = False
        try:
            while self._must_wait():
                if not waiting:
                    waiting = True
                    with self._lock:
                        self.held += 1
                await asyncio.sleep(0.02)
        finally:
            if waiting:
                with self._lock:
                    self.held -= 1
        message = email.message_from_bytes(envelope.content)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def _must_wait(self) -> bool:
        with self._lock:
            return self._hold_after is not None and len(self.messages) >= self._hold_after

    def hold_after(self, accepted: int) -> None:
        """Accept this many messages in all, then keep every sender waiting for its answer until release()."""
        with self._lock:
            self._hold_after = accepted

    def release(self) -> None:
        with self._lock:
            self._hold_after = None

    def start(self) -> None:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def with_id(self, message_id: str) -> list[Message]:
        with self._lock:
            return [m for m in self.messages if m["Message-ID"] == message_id]

    def ids(self) -> Counter[str]:
        with self._lock:
            return Counter(str(m["Message-ID"]) for m in self.messages)


class Stack:
    """Workers and beats of the project's Celery app on a queue of their own, each logging to a file."""

    def __init__(self, *, prefix: str, env: dict[str, str]) -> None:
        self.queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
        self.workdir = Path(tempfile.mkdtemp(prefix=f"mentorship-{prefix}-"))
        self.env = {
            **os.environ,
            "DATABASE_URL": worker_database_url(),
            "DJANGO_SETTINGS_MODULE": "mentorship.settings",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **env,
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self._logs: dict[str, IO[str]] = {}

    def _start(self, name: str, *argv: str) -> subprocess.Popen[bytes]:
        log = open(self.workdir / f"{name}.log", "w+")  # noqa: SIM115 - closed in stop()
        self._logs[name] = log
        process = subprocess.Popen(  # noqa: S603 - fixed interpreter and arguments
            [sys.executable, "-c", BOOT, self.queue, *argv],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes[name] = process
        return process

    def worker(self, name: str, *, pool: str = "solo", concurrency: int = 1) -> subprocess.Popen[bytes]:
        return self._start(
            name, "worker", "--pool", pool, "--concurrency", str(concurrency), "-Q", self.queue,
            "--hostname", f"{name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
            "--loglevel", "INFO",
        )  # fmt: skip

    def beat(self, name: str) -> subprocess.Popen[bytes]:
        return self._start(name, "beat", "-s", str(self.workdir / f"{name}-schedule"), "--loglevel", "INFO")

    def log(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def output(self) -> str:
        return "\n".join(f"--- {name} ---\n{self.log(name)[-3000:]}" for name in self.processes)

    def wait_ready(self, *names: str, seconds: float = 90) -> None:
        for name in names or tuple(self.processes):
            sign = " ready." if "worker" in self.processes[name].args else "beat: Starting..."
            wait_for(lambda name=name, sign=sign: sign in self.log(name), seconds=seconds, what=name, logs=self.output)

    def signal(self, name: str, sig: signal.Signals, *, group: bool) -> None:
        """Signal the process alone (a worker's main process) or its whole group (main process and pool)."""
        pid = self.processes[name].pid
        with contextlib.suppress(ProcessLookupError):
            if group:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    def wait_exit(self, name: str, *, seconds: float) -> int:
        return self.processes[name].wait(timeout=seconds)

    def stop(self) -> None:
        """A warm shutdown for whatever still runs, then SIGKILL for anything of theirs left behind."""
        for name, process in self.processes.items():
            if process.poll() is None:
                self.signal(name, signal.SIGTERM, group=False)
        for name, process in self.processes.items():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.signal(name, signal.SIGKILL, group=True)
                process.wait(timeout=5)
            # Pool children outlive a main process that was killed; the group is ours alone.
            self.signal(name, signal.SIGKILL, group=True)
        for log in self._logs.values():
            log.close()
        self._forget_queue()

    def _forget_queue(self) -> None:
        from mentorship.celery import app

        with contextlib.suppress(Exception), app.connection_for_write() as conn:
            conn.default_channel.queue_delete(self.queue)
