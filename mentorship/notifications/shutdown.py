"""A worker asked to stop finishes the email in flight and gives the rest of its batch back to the outbox.

Where SIGTERM lands decides who hears of it, so both places are covered:

- The worker's main process alone (`docker stop`, Kubernetes, `kill <pid>`): Celery starts a warm shutdown and
  sends `worker_shutting_down` there. With the solo or threads pool the sending happens in that very process;
  with the prefork pool (the default) it happens in a child that never sees the signal, and Celery would wait
  for it to work through its whole batch. So the main process raises a flag in memory it shares with its
  children: a page mapped before they were forked, which they read before every message.
- Every process of the worker (systemd's default `KillMode=control-group`, `kill -TERM -<pgid>`), or a pool
  child alone (Celery's cold shutdown terminates its children): a child's default is to die at once, possibly
  between the mail server's "OK" and marking the row sent, leaving its batch held until the lease runs out.
  Instead a child that is sending only takes note, finishes the message in flight, gives the rest back and
  then exits as it was asked; a child that is not sending exits at once, as before.

`requested()` is what the outbox asks before each message; `sending()` brackets the work on one batch.
"""

from __future__ import annotations

import mmap
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

# One shared anonymous byte: written by the worker's main process, read by the pool children it forks later.
_shared = mmap.mmap(-1, 1)


class _Local:
    """This process only: SIGTERM arrived while sending, and how many batches are being sent right now."""

    asked = False
    sending = 0


_local = _Local()


def requested() -> bool:
    """True once this worker (or this pool child) has been asked to stop."""
    return _local.asked or _shared[0] == 1


def worker_stopping(**_: Any) -> None:
    """Celery's `worker_shutting_down`, in the main process: tell the pool children to wrap up."""
    _shared[0] = 1


def child_started(**_: Any) -> None:
    """Celery's `worker_process_init`, in a new prefork child: take SIGTERM over from the default."""
    _local.asked = False
    signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    if _local.sending:
        _local.asked = True  # finish the message in flight; sending() exits once the batch is given back
        return
    _exit_as_asked()


def _exit_as_asked() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


@contextmanager
def sending() -> Iterator[None]:
    """Around the work on one claimed batch: a SIGTERM that arrives meanwhile takes effect at the end."""
    _local.sending += 1
    try:
        yield
    finally:
        _local.sending -= 1
        if _local.asked and not _local.sending:
            _exit_as_asked()


def reset() -> None:
    """Forget a stop request (for tests, which play the worker's part in one process)."""
    _shared[0] = 0
    _local.asked = False
