"""Rows as plain data for a personal-data download: dictionaries of the named fields, JSON-ready."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet


def plain_rows(queryset: QuerySet[Any], *fields: str) -> list[dict[str, Any]]:
    """The rows' named fields (lookups like "program__name" allowed), in primary-key order."""
    return list(queryset.order_by("pk").values(*fields))
