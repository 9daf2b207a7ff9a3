"""How far back and how far ahead a pair may plan meetings.

A first meeting a little in the past is fine (a pair puts in the series they already started); one in year 1
wrote a hundred thousand occurrence rows in a single request. An end long after the relationship is over is a
typo (9999-12-31) that made every calendar file search thousands of years. The schedule form shows these
limits on the field, and the services check them again for every other caller.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format

from meetings.models import MeetingSeries
from meetings.recurrence import (
    Ending,
    ScheduleChoice,
    ScheduleError,
    build_rrule,
    last_occurrence,
    validate_local_start,
)
from relationships.models import Relationship

# A series or a meeting may start this far before today, and not earlier.
PAST_LIMIT = datetime.timedelta(days=92)
# Planning may reach this far past the relationship's planned end (or past today, if that is later).
AFTER_END_MARGIN = datetime.timedelta(days=731)


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


@dataclass(frozen=True)
class MeetingWindow:
    """The first and last day on which a relationship's meetings may take place."""

    earliest: datetime.date
    latest: datetime.date

    @classmethod
    def for_relationship(
        cls,
        relationship: Relationship,
        *,
        today: datetime.date | None = None,
        series: MeetingSeries | None = None,
    ) -> MeetingWindow:
        """The window for new plans; a series being edited keeps the first day it already has, however early."""
        today = today or timezone.localdate()
        planned_end = relationship.planned_end_on or relationship.started_on
        earliest = today - PAST_LIMIT
        if series is not None:
            earliest = min(earliest, series.first_date)
        return cls(earliest=earliest, latest=max(planned_end, today) + AFTER_END_MARGIN)

    def check_start(self, day: datetime.date, *, field: str = "first_date") -> None:
        if day < self.earliest:
            raise ScheduleError(
                f"Pick a day from {_day(self.earliest)} on: meetings can be planned at most three months back.",
                code="start_too_early",
                field=field,
            )
        self.check_end(day, field=field)

    def check_end(self, day: datetime.date, *, field: str = "until_date") -> None:
        if day > self.latest:
            raise ScheduleError(
                f"Pick a day up to {_day(self.latest)}: meetings can be planned until two years after the "
                "relationship's planned end.",
                code="end_too_late",
                field=field,
            )

    def check_series(self, *, rrule: str, dtstart_local: datetime.datetime, zone: str, field: str) -> None:
        """A finite rule (a count, a custom UNTIL) must not run past the window either."""
        last = last_occurrence(rrule, dtstart_local, zone)
        if last is not None and last.date() > self.latest:
            raise ScheduleError(
                f"This series would run until {_day(last.date())}. Plan meetings up to {_day(self.latest)}, "
                "two years after the relationship's planned end, at most.",
                code="end_too_late",
                field=field,
            )

    def check_choice(self, choice: ScheduleChoice) -> str:
        """Refuse a schedule outside the window (dates first, so year 9999 never reaches the zone arithmetic).

        Returns the validated RRULE.
        """
        self.check_start(choice.first_date)
        if choice.ending == Ending.ON_DATE and choice.until_date is not None:
            self.check_end(choice.until_date)
        rrule = build_rrule(choice)
        field = "count" if choice.ending == Ending.AFTER_COUNT else "custom_rule"
        self.check_series(rrule=rrule, dtstart_local=choice.dtstart_local, zone=choice.zone, field=field)
        return rrule

    def check_meeting(self, start_local: datetime.datetime, zone: str, *, field: str) -> None:
        """One meeting: its day within the window, and its start time one that exists in the zone."""
        self.check_start(start_local.date(), field=field)
        validate_local_start(start_local.replace(tzinfo=None), zone)
