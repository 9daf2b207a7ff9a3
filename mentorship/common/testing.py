"""Helpers for tests that prove the database keeps its invariants when people race each other."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def at_once(*actions: Callable[[], Any]) -> list[Any]:
    """Run the actions in threads released together; each outcome is a return value or the exception raised.

    Every thread has its own database connection, as two web requests would, and closes it when done. Only a
    test with ``transaction=True`` on PostgreSQL proves anything with it: SQLite serialises all writes.
    """
    barrier = threading.Barrier(len(actions))
    outcomes: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            outcomes[index] = action()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread met
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, action)) for i, action in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
