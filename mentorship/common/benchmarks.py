"""Helpers shared by the benchmark commands."""

from __future__ import annotations

import multiprocessing
import os
import time
from multiprocessing.pool import Pool

from django.db import connection, connections, models


def vacuum(*tables: type[models.Model]) -> None:
    """On PostgreSQL, clear the dead rows earlier rolled-back benchmark runs left in these tables.

    Each run inserts and rolls back hundreds of thousands of rows. Where autovacuum is off (as on some test
    machines), or has not come round yet, the next run would walk those dead rows in every index it uses and
    measure the leftovers instead of the code. VACUUM cannot run inside a transaction, so call this outside one.
    """
    if connection.vendor != "postgresql" or not tables:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE " + ", ".join(quote(model._meta.db_table) for model in tables))


def worker_pool(processes: int) -> Pool:
    """Fresh processes, like a worker pool's, on the database this process uses; ready when this returns.

    They are spawned, not forked: a forked child inherits the sockets of every open database connection
    (other threads' too, such as a live server's) and tearing those down in the child breaks them for the
    parent. The database name is handed over because a test run renames it in this process only.
    """
    names = {alias: connections[alias].settings_dict["NAME"] for alias in connections}
    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE", "mentorship.settings")
    pool = multiprocessing.get_context("spawn").Pool(processes, initializer=_start, initargs=(settings_module, names))
    # Each worker sets Django up before it takes a task; one short task each waits for all of them.
    pool.map(_ready, range(processes), chunksize=1)
    return pool


def _start(settings_module: str, names: dict[str, str]) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module
    from django.conf import settings

    for alias, name in names.items():
        settings.DATABASES[alias]["NAME"] = name
    import django

    django.setup()


def _ready(_: int) -> None:
    time.sleep(0.2)
