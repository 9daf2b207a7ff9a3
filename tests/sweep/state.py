"""The state of the database as row counts and checksums, to tell whether a request wrote anything."""

from __future__ import annotations

import hashlib

from django.apps import apps
from django.db import connection

State = dict[str, tuple[int, str]]


def _tables() -> list[str]:
    """Every table of every installed app, but two that a refused or read-only request may rightly write to.

    The audit log records refused requests on purpose (that is its job), and the session table holds the
    visitor's session, which Django saves when a page leaves a message or signs someone in. The cache is not
    a table (Redis, or local memory in tests).
    """
    from django.contrib.sessions.models import Session

    from mentorship.notifications.models import AuditEvent

    skipped = {AuditEvent._meta.db_table, Session._meta.db_table}
    tables = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return sorted(tables - skipped)


def writes_so_far() -> int | None:
    """SQLite counts the rows each connection has written; an unchanged count means nothing was written."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def fingerprint() -> State:
    """{table: (rows, checksum of every row)} for every table but the two above."""
    quote = connection.ops.quote_name
    tables = _tables()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = [
                f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "  # noqa: S608  # nosec B608
                f"FROM {quote(table)} t"
                for table in tables
            ]
            cursor.execute(" UNION ALL ".join(parts), tables)
            return {name: (rows, digest) for name, rows, digest in cursor.fetchall()}
        state = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608  # nosec B608
            rows = sorted(repr(row) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.md5("\n".join(rows).encode(), usedforsecurity=False).hexdigest())
        return state


def changed_tables(before: State, after: State) -> list[str]:
    return [table for table in before if before[table] != after[table]]
