"""Reading a large table a page at a time, by primary key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

PAGE = 2000


def pages_by_pk(queryset: QuerySet[Any], *, fields: tuple[str, ...] = (), size: int = PAGE) -> Iterator[list[Any]]:
    """The rows in pages of ``size``, ordered by primary key (dicts of ``fields`` when given, else instances).

    Keyset paging: each page is one query that starts after the last key seen, so the hundredth page costs what
    the first did, and no cursor stays open between pages (on SQLite an open cursor holds a read lock that
    would block the writer a caller may be waiting for). The query must select ``pk`` among ``fields``.
    """
    ordered = queryset.order_by("pk")
    last: Any = None
    while True:
        page_query = ordered if last is None else ordered.filter(pk__gt=last)
        page = list(page_query.values(*fields)[:size] if fields else page_query[:size])
        if not page:
            return
        yield page
        last = page[-1]["pk"] if fields else page[-1].pk
        if len(page) < size:
            return


def ids_by_pk(queryset: QuerySet[Any], *, size: int = PAGE) -> Iterator[list[int]]:
    """The primary keys in pages of ``size``, in order."""
    ordered = queryset.order_by("pk")
    last: Any = None
    while True:
        page_query = ordered if last is None else ordered.filter(pk__gt=last)
        ids = list(page_query.values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]
        if len(ids) < size:
            return
