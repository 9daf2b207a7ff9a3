"""Weekly availability as plain values: the hours a person can meet on each weekday, in their own zone.

Pure Python (no Django), so the slot finder and its property tests use exactly the rules the profile page saves.
A range is a weekday (0 = Monday) with a start and an end in minutes after local midnight; the end is exclusive
and may be 1440 (the end of the day). Someone who never said when they work is taken to work 09:00-17:00 on
weekdays: the default is computed, never written.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 24 * 60
WEEKDAYS = 7
# One range a day is what the form offers; a split day (a long lunch, school runs) fits in a few more.
MAX_RANGES_PER_DAY = 3
DEFAULT_START = 9 * 60
DEFAULT_END = 17 * 60


@dataclass(frozen=True, slots=True, order=True)
class DayHours:
    """One stretch of a weekday someone can meet in: [start, end) minutes after local midnight."""

    weekday: int
    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.weekday < WEEKDAYS:
            raise ValueError(f"weekday must be 0-6, got {self.weekday}")
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"hours must satisfy 0 <= start < end <= 1440, got {self.start}-{self.end}")

    @property
    def weekday_name(self) -> str:
        return calendar.day_name[self.weekday]

    @property
    def end_label(self) -> str:
        return f"{self.end // 60:02d}:{self.end % 60:02d}"

    @property
    def start_time(self) -> datetime.time:
        return minutes_to_time(self.start)

    @property
    def end_time(self) -> datetime.time:
        return minutes_to_time(min(self.end, MINUTES_PER_DAY - 1))


DEFAULT_WEEK: tuple[DayHours, ...] = tuple(DayHours(day, DEFAULT_START, DEFAULT_END) for day in range(5))


def minutes_to_time(minutes: int) -> datetime.time:
    return datetime.time(minutes // 60, minutes % 60)


def time_to_minutes(moment: datetime.time) -> int:
    return moment.hour * 60 + moment.minute


def check_week(ranges: Iterable[DayHours]) -> tuple[DayHours, ...]:
    """The ranges sorted, or ValueError when a day holds too many or two of them overlap."""
    week = tuple(sorted(ranges))
    for day in range(WEEKDAYS):
        same_day = [r for r in week if r.weekday == day]
        if len(same_day) > MAX_RANGES_PER_DAY:
            raise ValueError(f"at most {MAX_RANGES_PER_DAY} ranges a day")
        for before, after in pairwise(same_day):
            if after.start < before.end:
                raise ValueError("ranges of one day must not overlap")
    return week


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """A person's week in their zone: the ranges they set, or the default when they set none."""

    zone: ZoneInfo
    ranges: tuple[DayHours, ...] = DEFAULT_WEEK

    def covers(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        """True when [start, end) (aware instants) lies within one of the ranges, read on this person's clock.

        Both ends are read as wall-clock times on the local date of the start; a meeting running past local
        midnight is inside only if a range runs to the end of that day and the meeting ends exactly at midnight.
        A meeting during which the clocks change is never inside: its wall-clock span is not what it seems.
        """
        if end <= start:
            return False
        local_start = start.astimezone(self.zone)
        local_end = end.astimezone(self.zone)
        if local_start.utcoffset() != local_end.utcoffset():
            return False
        day = local_start.date()
        first = time_to_minutes(local_start.time())
        if local_end.date() == day:
            last = time_to_minutes(local_end.time()) + (1 if local_end.second or local_end.microsecond else 0)
        elif local_end.date() == day + datetime.timedelta(days=1) and local_end.time() == datetime.time(0):
            last = MINUTES_PER_DAY
        else:
            return False
        weekday = day.weekday()
        return any(r.weekday == weekday and r.start <= first and last <= r.end for r in self.ranges)

    def ranges_on(self, weekday: int) -> list[DayHours]:
        return [r for r in self.ranges if r.weekday == weekday]


def week_of(zone: ZoneInfo, ranges: Sequence[DayHours] | None) -> WeeklyHours:
    """The person's week: their saved ranges, or the 09:00-17:00 weekday default when they saved none."""
    return WeeklyHours(zone=zone, ranges=tuple(sorted(ranges)) if ranges else DEFAULT_WEEK)
