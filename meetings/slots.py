"""The scheduling assistant: the next meeting times that suit both people, on the cadence they chose.

Pure Python on zoneinfo (no Django, no database): the view reads both people's weeks and their meetings, and
this module walks the organiser's days. A start is offered only when the first few meetings of the series it
would begin (weekly, every two weeks, monthly...) each lie inside both people's hours, read on each person's own
clock, and overlap none of the meetings either of them already has. Meetings of a series are wall-clock times in
the organiser's zone, exactly as ``meetings.recurrence`` expands them: 09:00 stays 09:00 for the organiser across a
daylight-saving change, and the other person's clock is whatever that instant is for them, so a series that
suits both people in winter but not after the clocks change is not offered.
"""

from __future__ import annotations

import bisect
import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from mentorship.accounts.hours import WeeklyHours

UTC = datetime.UTC


class Cadence(StrEnum):
    """How the series repeats; the values are the schedule form's ``frequency`` choices."""

    ONCE = "once"
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_WEEKDAY = "monthly_weekday"
    MONTHLY_DAY = "monthly_day"
    MONTHLY_LAST_DAY = "monthly_last_day"
    CUSTOM = "custom"  # a hand-written rule: only its first meeting is checked

    @classmethod
    def of(cls, value: str) -> Cadence:
        try:
            return cls(value)
        except ValueError:
            return cls.MONTHLY_WEEKDAY


def _add_months(day: datetime.date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _last_day(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def occurrence_dates(first: datetime.date, cadence: Cadence, count: int) -> list[datetime.date]:
    """The dates of the first ``count`` meetings of a series starting on ``first`` (as recurrence.py builds it)."""
    if cadence in (Cadence.ONCE, Cadence.CUSTOM):
        return [first]
    dates = []
    week_of_month = (first.day - 1) // 7 + 1
    for k in range(count):
        if cadence == Cadence.WEEKLY:
            dates.append(first + datetime.timedelta(days=7 * k))
            continue
        if cadence == Cadence.BIWEEKLY:
            dates.append(first + datetime.timedelta(days=14 * k))
            continue
        year, month = _add_months(first, k)
        last = _last_day(year, month)
        if cadence == Cadence.MONTHLY_LAST_DAY:
            dates.append(datetime.date(year, month, last))
        elif cadence == Cadence.MONTHLY_DAY:
            # The 29th-31st fall back to a short month's last day; the 31st is "the last day" throughout.
            dates.append(datetime.date(year, month, min(first.day, last)))
        else:
            # The 5th weekday of a month becomes "the last" one, as recurrence.py stores it.
            first_of_month = datetime.date(year, month, 1)
            offset = (first.weekday() - first_of_month.weekday()) % 7
            if week_of_month == 5:
                day = last - (datetime.date(year, month, last).weekday() - first.weekday()) % 7
            else:
                day = 1 + offset + 7 * (week_of_month - 1)
            dates.append(datetime.date(year, month, day))
    return dates


@dataclass(frozen=True, slots=True)
class Busy:
    """Meetings either person already has, as sorted aware intervals, for quick clash checks."""

    starts: tuple[datetime.datetime, ...]
    ends: tuple[datetime.datetime, ...]
    longest: datetime.timedelta

    @classmethod
    def of(cls, intervals: Iterable[tuple[datetime.datetime, datetime.datetime]]) -> Busy:
        ordered = sorted((s.astimezone(UTC), e.astimezone(UTC)) for s, e in intervals if e > s)
        longest = max((e - s for s, e in ordered), default=datetime.timedelta(0))
        return cls(tuple(s for s, _ in ordered), tuple(e for _, e in ordered), longest)

    def clashes(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        """True when [start, end) overlaps a busy interval (touching ends do not clash)."""
        low = bisect.bisect_left(self.starts, start - self.longest)
        high = bisect.bisect_left(self.starts, end)
        return any(self.ends[i] > start for i in range(low, high))


def _local_instant(day: datetime.date, minute: int, zone: datetime.tzinfo) -> datetime.datetime:
    """The instant of a wall-clock time, read as recurrence.py reads it (fold=0: a skipped time moves on)."""
    local = datetime.datetime.combine(day, datetime.time(minute // 60, minute % 60))
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _exists(day: datetime.date, minute: int, zone: datetime.tzinfo) -> bool:
    instant = _local_instant(day, minute, zone)
    back = instant.astimezone(zone)
    return (back.date(), back.hour * 60 + back.minute) == (day, minute)


@dataclass(frozen=True, slots=True)
class SlotSearch:
    """What to look for. ``until`` is the last date a meeting of the series may fall on (the series' end)."""

    duration: datetime.timedelta
    cadence: Cadence = Cadence.MONTHLY_WEEKDAY
    count: int = 5
    step_minutes: int = 30
    days_ahead: int = 42
    occurrences: int = 3  # how many meetings of the series must suit both people
    per_day: int = 1  # at most this many proposals on one day, so the list spreads over the coming days
    earliest: datetime.date | None = None
    until: datetime.date | None = None


def find_slots(
    *,
    organiser: WeeklyHours,
    guest: WeeklyHours,
    busy: Busy,
    now: datetime.datetime,
    search: SlotSearch,
) -> list[datetime.datetime]:
    """Up to ``search.count`` start instants (aware, UTC, ascending) that suit both people, after ``now``."""
    if search.duration <= datetime.timedelta(0) or search.count <= 0:
        return []
    zone = organiser.zone
    today = now.astimezone(zone).date()
    first_day = max(today, search.earliest) if search.earliest else today
    step = max(5, search.step_minutes)
    minutes = int(search.duration.total_seconds() // 60)
    found: list[datetime.datetime] = []
    for offset in range(search.days_ahead):
        day = first_day + datetime.timedelta(days=offset)
        if search.until is not None and day > search.until:
            break
        if search.cadence == Cadence.MONTHLY_LAST_DAY and day.day != _last_day(day.year, day.month):
            continue  # such a series must start on a month's last day
        on_day = 0
        for hours in organiser.ranges_on(day.weekday()):
            minute = -(-hours.start // step) * step
            while minute + minutes <= hours.end and on_day < search.per_day:
                if _exists(day, minute, zone) and _suits(day, minute, organiser, guest, busy, now, search):
                    found.append(_local_instant(day, minute, zone))
                    on_day += 1
                    if len(found) >= search.count:
                        return found
                minute += step
    return found


def _suits(
    day: datetime.date,
    minute: int,
    organiser: WeeklyHours,
    guest: WeeklyHours,
    busy: Busy,
    now: datetime.datetime,
    search: SlotSearch,
) -> bool:
    dates = occurrence_dates(day, search.cadence, max(1, search.occurrences))
    for index, date in enumerate(dates):
        if search.until is not None and date > search.until:
            break
        start = _local_instant(date, minute, organiser.zone)
        end = start + search.duration
        if index == 0 and start <= now:
            return False
        if not (organiser.covers(start, end) and guest.covers(start, end)) or busy.clashes(start, end):
            return False
    return True


def slot_label(start: datetime.datetime, *, viewer: WeeklyHours, other: WeeklyHours, other_name: str) -> str:
    """ "Tue 2 Dec 16:00 for you, 09:00 for Kenji" (the other's date too when it is another day for them)."""
    mine = start.astimezone(viewer.zone)
    theirs = start.astimezone(other.zone)
    their_time = f"{theirs:%H:%M}" if theirs.date() == mine.date() else _day_and_time(theirs)
    return f"{_day_and_time(mine)} for you, {their_time} for {other_name}"


def _day_and_time(moment: datetime.datetime) -> str:
    return f"{calendar.day_abbr[moment.weekday()]} {moment.day} {calendar.month_abbr[moment.month]} {moment:%H:%M}"
