"""A worker asked to stop finishes the email in flight and gives the rest of its batch back to the outbox.

Where SIGTERM lands decides who hears of it, so both places are covered:

- The worker's main process alone (`docker stop`, Kubernetes, `kill <pid>`): Celery starts a warm shutdown and
  sends `worker_shutting_down` there. With the solo or threads pool the sending happens in that very process;
  with the prefork pool (the default) it happens in a child that never sees the signal, and Celery would wait
  for it to work through its whole batch. So the main process raises a flag in memory it shares with its
  children: a page mapped before they were forked, which they read before every message.
- Every process of the worker (systemd's default `KillMode=control-group`, `kill -TERM -<pgid>`), or a pool
  child alone (Celery's cold shutdown terminates its children): billiard's handler in the child raises
  SystemExit wherever the child is, possibly after the mail server accepted a message and before the row is
  marked sent (a second copy later), and leaves the rest of the batch held until the lease runs out. So while a
  child sends a batch, SIGTERM only takes note: the message in flight is finished, the rest given back, and then
  billiard's handler runs as it would have. Outside a batch the child exits at once, as before.

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
    """This process only: is it a prefork child, did SIGTERM arrive while sending, how deep in sending() are we."""

    in_pool_child = False
    asked = False
    sending = 0
    # The SIGTERM handler sending() stood in for (billiard's, in a pool child), run once the batch is given back.
    previous: Any = None


_local = _Local()


def requested() -> bool:
    """True once this worker (or this pool child) has been asked to stop."""
    return _local.asked or _shared[0] == 1


def worker_stopping(**_: Any) -> None:
    """Celery's `worker_shutting_down`, in the main process: tell the pool children to wrap up."""
    _shared[0] = 1


def child_started(**_: Any) -> None:
    """Celery's `worker_process_init`, in a new prefork child (billiard installs its SIGTERM handler after it)."""
    _local.in_pool_child = True
    _local.asked = False


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    _local.asked = True  # finish the message in flight; sending() exits once the batch is given back


def _exit_as_asked() -> None:
    previous = _local.previous
    if callable(previous):
        previous(signal.SIGTERM, None)  # billiard's exit: SystemExit, through every finally block
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


@contextmanager
def sending() -> Iterator[None]:
    """Around the work on one claimed batch: in a pool child, a SIGTERM meanwhile takes effect at the end."""
    # A child told to ignore SIGTERM (Celery's REMAP_SIGTERM) keeps ignoring it.
    take_over = _local.in_pool_child and not _local.sending and signal.getsignal(signal.SIGTERM) != signal.SIG_IGN
    if take_over:
        _local.previous = signal.signal(signal.SIGTERM, _on_sigterm)
    _local.sending += 1
    try:
        yield
    finally:
        _local.sending -= 1
        if take_over:
            signal.signal(signal.SIGTERM, _local.previous)
            if _local.asked:
                _exit_as_asked()


def reset() -> None:
    """Forget a stop request (for tests, which play the worker's part in one process)."""
    _shared[0] = 0
    _local.asked = False
    _local.in_pool_child = False
