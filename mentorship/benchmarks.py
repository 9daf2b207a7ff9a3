"""Helpers shared by the benchmark commands."""

from __future__ import annotations

from django.db import connection, models


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
