"""Shared working time: how many minutes a week two people's working hours have in common.

Each person's week is given as ranges on their own clock, ``(weekday, start, end)`` with weekday 0 = Monday and
minutes after local midnight (end exclusive, up to 1440); ``None`` stands for the usual 09:00-17:00 on weekdays,
the same default the profile shows. A week is laid onto one shared ruler, minutes after Monday 00:00 UTC of the
reference date's week, modulo a week, so that late Friday in Auckland meets Thursday evening in Honolulu.
"""

from __future__ import annotations

import datetime
import zoneinfo
from functools import lru_cache

Hours = tuple[tuple[int, int, int], ...]
UtcWeek = tuple[tuple[int, int], ...]  # disjoint, sorted [start, end) minutes on the weekly UTC ruler

WEEK_MINUTES = 7 * 24 * 60
DEFAULT_HOURS: Hours = tuple((day, 9 * 60, 17 * 60) for day in range(5))


def _instant(day: datetime.date, minute: int, zone: zoneinfo.ZoneInfo) -> datetime.datetime:
    local = datetime.datetime.combine(day, datetime.time(0)) + datetime.timedelta(minutes=minute)
    return local.replace(tzinfo=zone, fold=0).astimezone(datetime.UTC)


@lru_cache(maxsize=4096)
def utc_week(hours: Hours | None, zone: str, reference_date: datetime.date) -> UtcWeek | None:
    """The person's week on the UTC ruler, read in the week of ``reference_date``; None for an unknown zone."""
    try:
        tz = zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    monday = reference_date - datetime.timedelta(days=reference_date.weekday())
    origin = datetime.datetime.combine(monday, datetime.time(0), tzinfo=datetime.UTC)
    pieces: list[tuple[int, int]] = []
    for weekday, start, end in hours or DEFAULT_HOURS:
        day = monday + datetime.timedelta(days=weekday)
        first = _instant(day, start, tz)
        length = int((_instant(day, end, tz) - first).total_seconds() // 60)
        if length <= 0:
            continue
        at = int((first - origin).total_seconds() // 60) % WEEK_MINUTES
        if at + length <= WEEK_MINUTES:
            pieces.append((at, at + length))
        else:
            pieces.extend([(at, WEEK_MINUTES), (0, at + length - WEEK_MINUTES)])
    return _merge(pieces)


def _merge(pieces: list[tuple[int, int]]) -> UtcWeek:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def overlap_minutes(a: UtcWeek | None, b: UtcWeek | None) -> int:
    """Minutes both weeks share; 0 when either is unknown."""
    if not a or not b:
        return 0
    total, i, j = 0, 0, 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            total += high - low
        if a[i][1] <= b[j][1]:
            i += 1
        else:
            j += 1
    return total
