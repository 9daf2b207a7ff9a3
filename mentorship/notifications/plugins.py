"""Where the project package plugs into the bell: what waits for the person's action, above the notices.

Notifications sits low in the layers and knows nothing of proposals or meetings; the project package, which reads
every app, registers the one function that gathers them in its ``AppConfig.ready()``. With nothing registered
the bell shows notices only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from mentorship.common.registry import Registry


@dataclass(frozen=True)
class BellSection:
    """A list shown under the bell and counted on it: the template that shows it, and its items."""

    template: str
    items: Sequence[Any]


BellSource = Callable[[HttpRequest], BellSection]
bell_sources: Registry[BellSource] = Registry("bell sources")

_MEMO = "_bell_sections"


def bell_sections(request: HttpRequest) -> list[BellSection]:
    """Every registered list for this request's person, read once per request however often it is asked."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return []
    found = getattr(request, _MEMO, None)
    if found is None:
        found = [source(request) for source in bell_sources]
        setattr(request, _MEMO, found)
    return found


def bell_count(request: HttpRequest) -> int:
    return sum(len(section.items) for section in bell_sections(request))
