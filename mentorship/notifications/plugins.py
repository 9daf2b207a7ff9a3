"""Where the project package plugs into the bell: what waits for the person's action, above the notices.

Notifications sits low in the layers and knows nothing of proposals or meetings; the project package, which reads
every app, registers the one function that gathers them in its ``AppConfig.ready()``. With nothing registered
the bell shows notices only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
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


# What waits for a person is read once a minute at most, unless something of theirs changed: an event that gave
# them a notice (notices.notice_add) or a form they sent. The version makes every process see the change at once.
BELL_VERSION = "bell-version:{user_id}"


def bell_version(user_id: int) -> int:
    return cache.get(BELL_VERSION.format(user_id=user_id), 0)


def bell_changed(user_id: int) -> None:
    """Something waiting for this person may have changed: the next page reads their list afresh."""
    key = BELL_VERSION.format(user_id=user_id)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # evicted between the two calls
            cache.set(key, 1, timeout=None)


def bell_count(request: HttpRequest) -> int:
    return sum(len(section.items) for section in bell_sections(request))
