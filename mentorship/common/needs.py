"""The shape of a "needs you" row: what each app hands over about something waiting for a person's action.

Every app that owns such things (a proposal to answer, a meeting to prepare...) answers with querysets of
exactly these columns, values only. The project package joins them with one UNION query, so the list under the
bell and on the home page costs the same whether a person has one thing waiting or two hundred.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Expression, F, QuerySet, Value
from django.db.models.functions import Cast

# Column name -> type. Columns a kind has no use for are typed NULLs, so every branch of the UNION lines up.
COLUMNS: dict[str, models.Field] = {
    "kind": models.CharField(),
    "ref": models.BigIntegerField(),  # the waiting object's id
    "parent": models.BigIntegerField(),  # its relationship's or program's id
    "due": models.DateTimeField(),  # an instant: a deadline, or since when it waits
    "day": models.DateField(),  # a calendar date, for deadlines that are days
    "name": models.CharField(),  # the other person's full name...
    "email": models.CharField(),  # ...and address, for people without a name
    "label": models.CharField(),  # a title, a description or a program's name
    "slug": models.CharField(),  # the program's slug, for links
    "tag": models.CharField(),  # a role, a status or an origin
    "count": models.BigIntegerField(),  # how many, for items that stand for several
}
PREFIX = "need_"


def need_rows(queryset: QuerySet[Any], **columns: str | Expression | F | None) -> QuerySet[Any]:
    """The queryset as "needs you" rows: each column an expression, a field path (F) or a plain string.

    A plain string is a constant (the kind, usually); a missing column is NULL of the column's type.
    """
    unknown = set(columns) - set(COLUMNS)
    if unknown:
        raise TypeError(f"not needs-you columns: {sorted(unknown)}")
    if "kind" not in columns:
        raise TypeError("a needs-you row needs its kind")
    annotations: dict[str, Any] = {}
    for name, field in COLUMNS.items():
        value = columns.get(name)
        if value is None:
            value = Cast(Value(None), output_field=field)
        elif isinstance(value, str):
            value = Cast(Value(value), output_field=field)
        annotations[PREFIX + name] = value
    # No ORDER BY inside a branch: a compound statement only orders as a whole.
    return queryset.order_by().annotate(**annotations).values(*annotations)


def unprefixed(row: dict[str, Any]) -> dict[str, Any]:
    """A fetched row with the plain column names."""
    return {name[len(PREFIX) :]: value for name, value in row.items()}
