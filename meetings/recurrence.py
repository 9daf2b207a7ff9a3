"""Recurring meeting schedules: from a friendly choice to an RFC 5545 RRULE, and from an RRULE to UTC instants.

Pure Python on top of python-dateutil and zoneinfo; nothing here touches Django or the database.

The model is the one calendars use: a series has a DTSTART that is a *wall-clock* time in an IANA zone and an
RRULE. Occurrences are generated on wall-clock time in that zone, so "09:00 Europe/Berlin" stays 09:00 local in
winter and in summer, and only then is each occurrence turned into an instant (UTC).

Two wall-clock times need a rule of their own (RFC 5545, section 3.3.5):

* a time skipped by a daylight-saving change (02:30 on the night clocks jump from 02:00 to 03:00) is read with
  the offset in force *before* the jump, which moves it forward by the length of the gap (02:30 -> 03:30);
* a time that happens twice (02:30 on the night clocks go back) is the *first* of the two.

Python's zoneinfo does exactly this for ``fold=0``, which is why a plain ``replace(tzinfo=...)`` is all the
conversion needs.

A series' *first* wall-clock time must exist: a form that offers 02:30 on a night it does not happen is asking
for a surprise, so :func:`validate_schedule` refuses it.

Day of month 29-31 ("monthly on the 30th"): a plain ``BYMONTHDAY=30`` silently skips February. We pick the
behaviour people expect from "monthly on the 30th": the 30th, or the last day of a shorter month. It is stored as
``BYMONTHDAY=28,29,30;BYSETPOS=-1`` (the latest of those days that exists in the month). The 31st is the same as
"the last day of the month" and is stored as ``BYMONTHDAY=-1``.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from dateutil.rrule import rrule, rrulestr

__all__ = [
    "MAX_COUNT",
    "MAX_DURATION_MINUTES",
    "MAX_INTERVAL",
    "MAX_YEAR",
    "MIN_DURATION_MINUTES",
    "MIN_YEAR",
    "Ending",
    "Frequency",
    "ScheduleChoice",
    "ScheduleError",
    "build_rrule",
    "check_year",
    "choice_from_rrule",
    "expand",
    "get_zone",
    "last_occurrence",
    "local_time_exists",
    "local_to_utc",
    "monthly_weekday_options",
    "next_occurrences",
    "normalize_rrule",
    "validate_local_start",
    "validate_rrule",
    "validate_schedule",
]

MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 24 * 60
# A mentoring series with more than a thousand meetings is a typo, not a plan.
MAX_COUNT = 1000
MAX_INTERVAL = 99
MAX_RULE_LENGTH = 500
# Dates outside these years are typos (a year 1 first meeting, an end on 9999-12-31); dateutil and the zone
# arithmetic either overflow near the ends of the calendar or walk thousands of years before giving up.
MIN_YEAR = 1900
MAX_YEAR = 2200

# Expansion looks this far beyond the window on the wall-clock side before filtering exactly on UTC: it covers
# any UTC offset, a gap shift (up to a whole day, as Samoa skipped in 2011) and a repeated hour.
_SLACK = timedelta(days=2)

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ORDINAL_NAMES = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", -1: "last"}


class ScheduleError(ValueError):
    """A schedule a person asked for cannot be used. ``str(error)`` is a sentence fit for a form.

    ``code`` is stable (tests and translations key on it); ``field`` names the form field to attach the
    message to, or is None for a whole-form error.
    """

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class Frequency(StrEnum):
    WEEKLY = "weekly"
    BIWEEKLY = "biweekly"
    MONTHLY_WEEKDAY = "monthly_weekday"  # "2nd Tuesday", "last Friday"
    MONTHLY_DAY = "monthly_day"  # "the 15th"; 29/30 fall back to the month's last day
    MONTHLY_LAST_DAY = "monthly_last_day"
    CUSTOM = "custom"


class Ending(StrEnum):
    ON_DATE = "on_date"  # inclusive, a local date
    AFTER_COUNT = "after_count"
    NEVER = "never"  # runs as long as the relationship does


@dataclass(frozen=True, slots=True)
class ScheduleChoice:
    """What a person picks in the schedule form.

    ``week_of_month`` only matters for MONTHLY_WEEKDAY: 1-4, or -1 for "last"; None derives it from
    ``first_date`` (the 5th Tuesday of a month becomes "last Tuesday", because a 5th one is missing in most
    months). ``custom_rule`` only matters for CUSTOM and is an RRULE value such as ``FREQ=MONTHLY;BYDAY=1MO``.
    """

    frequency: Frequency
    first_date: date
    start_time: time
    zone: str
    duration_minutes: int = 60
    ending: Ending = Ending.NEVER
    until_date: date | None = None
    count: int | None = None
    week_of_month: int | None = None
    custom_rule: str = ""

    @property
    def dtstart_local(self) -> datetime:
        """The first meeting as a naive wall-clock time in ``zone`` (seconds dropped: calendars work in minutes)."""
        return datetime.combine(self.first_date, self.start_time.replace(second=0, microsecond=0, tzinfo=None))

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


# -- zones and wall-clock time -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(available_timezones())


@lru_cache(maxsize=512)
def get_zone(zone: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name, or ScheduleError("unknown_zone").

    Checked against the list of known names first, so a path-like or empty key never reaches the file system.
    """
    if not isinstance(zone, str) or zone not in _known_zones():
        raise ScheduleError(
            f"“{zone}” is not a time zone we know. Pick one from the list.", code="unknown_zone", field="zone"
        )
    try:
        return ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise ScheduleError(
            f"“{zone}” is not a time zone we know. Pick one from the list.", code="unknown_zone", field="zone"
        ) from exc


def _out_of_range(moment: datetime | date, field: str | None = "first_date") -> ScheduleError:
    return ScheduleError(
        f"{moment:%d %B} {moment.year} is too far away. Pick a date between {MIN_YEAR} and {MAX_YEAR}.",
        code="date_out_of_range",
        field=field,
    )


def check_year(day: date | datetime, *, field: str | None = "first_date") -> None:
    """Refuse dates outside MIN_YEAR..MAX_YEAR before any arithmetic can overflow on them."""
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise _out_of_range(day, field)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """An aware UTC datetime for a naive wall-clock time, with the RFC 5545 rules for skipped and repeated times.

    A time a few hours from either end of the calendar has no UTC instant; that is a ScheduleError, not an
    OverflowError, so forms and feeds can report it.
    """
    if local.tzinfo is not None:
        raise ValueError("local_to_utc expects a naive wall-clock datetime")
    try:
        return local.replace(tzinfo=get_zone(zone), fold=0).astimezone(UTC)
    except OverflowError:
        raise _out_of_range(local) from None


def local_time_exists(local: datetime, zone: str) -> bool:
    """False for a wall-clock time that a daylight-saving jump skips in ``zone``."""
    zi = get_zone(zone)
    naive = local.replace(tzinfo=None, fold=0)
    try:
        return naive.replace(tzinfo=zi).astimezone(UTC).astimezone(zi).replace(tzinfo=None) == naive
    except OverflowError:
        raise _out_of_range(naive) from None


def _fmt_local(local: datetime) -> str:
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def validate_local_start(local: datetime, zone: str) -> None:
    """Refuse a first meeting time that does not exist in the zone (the hour skipped by a clock change)."""
    if local_time_exists(local, zone):
        return
    raise ScheduleError(
        f"{_fmt_local(local)} does not exist in {zone}: the clocks jump forward that night. "
        "Pick a time outside the skipped hour.",
        code="nonexistent_local_time",
        field="start_time",
    )


# -- RRULE text ----------------------------------------------------------------------------------------------

# Parts a mentoring schedule can use. Sub-daily parts (BYHOUR...) would add meetings at other times of day,
# and BYWEEKNO/BYYEARDAY are rarely meant and easy to get wrong, so they are refused with a clear message.
_ALLOWED_PARTS = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "WKST")
_KNOWN_PARTS = (*_ALLOWED_PARTS, "BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO")
_ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
_UNTIL_RE = re.compile(r"^(\d{8})(?:T(\d{6})(Z?))?$")


def _invalid(detail: str) -> ScheduleError:
    return ScheduleError(f"The repeat rule could not be read: {detail}", code="invalid_rule", field="custom_rule")


def _split_rule(text: str) -> dict[str, str]:
    """RRULE value text -> ordered parts, upper-cased, with the structural checks that need no dates."""
    if not isinstance(text, str) or not text.strip():
        raise _invalid("it is empty.")
    body = text.strip()
    if len(body) > MAX_RULE_LENGTH:
        raise _invalid("it is too long.")
    if body[:6].upper() == "RRULE:":
        body = body[6:]
    if any(ch in body for ch in "\r\n:") or "DTSTART" in body.upper():
        raise _invalid("enter only the rule itself, such as FREQ=MONTHLY;BYDAY=1MO (no DTSTART, one line).")
    parts: dict[str, str] = {}
    for chunk in body.strip(";").split(";"):
        key, sep, value = chunk.partition("=")
        key, value = key.strip().upper(), value.strip().upper()
        if not sep or not key or not value:
            raise _invalid(f"“{chunk}” is not of the form NAME=VALUE.")
        if key not in _KNOWN_PARTS:
            raise _invalid(f"{key} is not an RRULE part.")
        if key not in _ALLOWED_PARTS:
            raise ScheduleError(
                f"{key} is not supported here: a meeting series repeats by day, week, month or year at the "
                "start time you chose.",
                code="unsupported_rule",
                field="custom_rule",
            )
        if key in parts:
            raise _invalid(f"{key} appears twice.")
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise _invalid("FREQ is missing (for example FREQ=WEEKLY).")
    if freq not in _ALLOWED_FREQS:
        if freq in ("HOURLY", "MINUTELY", "SECONDLY"):
            raise ScheduleError("Meetings can repeat at most daily.", code="unsupported_rule", field="custom_rule")
        raise _invalid(f"{freq} is not a frequency.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise _invalid("use either COUNT or UNTIL, not both.")
    if "COUNT" in parts:
        _check_count(_parse_int(parts["COUNT"], "COUNT"), field="custom_rule")
    if "INTERVAL" in parts:
        interval = _parse_int(parts["INTERVAL"], "INTERVAL")
        if not 1 <= interval <= MAX_INTERVAL:
            raise _invalid(f"INTERVAL must be between 1 and {MAX_INTERVAL}.")
    _check_by_parts(parts)
    return {"FREQ": freq, **{k: v for k, v in parts.items() if k != "FREQ"}}


_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
# (part, largest absolute value, whether negative values are allowed), from RFC 5545 section 3.3.10.
_NUMBER_LISTS = (("BYMONTHDAY", 31, True), ("BYMONTH", 12, False), ("BYSETPOS", 366, True))


def _numbers(parts: dict[str, str], name: str, largest: int, negative: bool) -> None:
    for item in parts[name].split(","):
        number = _parse_int(item, name)
        low = -largest if negative else 1
        if number == 0 or not low <= number <= largest:
            span = f"1 and {largest} (or -1 to -{largest})" if negative else f"1 and {largest}"
            raise _invalid(f"each {name} value must be between {span}.")


def _check_by_parts(parts: dict[str, str]) -> None:
    """The BY* values within what RFC 5545 allows for the frequency.

    dateutil trusts these: an ordinal beyond the period ("the 60th Monday" of a month) makes it index past the
    end of a list (IndexError) or search until year 9999, so they are refused here with a sentence instead.
    """
    for name, largest, negative in _NUMBER_LISTS:
        if name in parts:
            _numbers(parts, name, largest, negative)
    if "WKST" in parts and parts["WKST"] not in _WEEKDAY_CODES:
        raise _invalid("WKST must be a weekday such as MO.")
    if "BYDAY" not in parts:
        return
    freq = parts["FREQ"]
    # Within a month (MONTHLY, or YEARLY narrowed by BYMONTH) there are at most 5 of each weekday; in a year, 53.
    largest = 53 if freq == "YEARLY" and "BYMONTH" not in parts else 5
    for item in parts["BYDAY"].split(","):
        match = _BYDAY_RE.match(item.strip())
        if not match:
            raise _invalid(f"“{item}” is not a weekday such as MO, 2TU or -1FR.")
        if match.group(1) is None:
            continue
        if freq not in ("MONTHLY", "YEARLY"):
            raise _invalid(f"a numbered weekday such as {item} only works with FREQ=MONTHLY or FREQ=YEARLY.")
        ordinal = int(match.group(1))
        if ordinal == 0 or abs(ordinal) > largest:
            raise _invalid(
                f"{item} asks for a weekday that does not exist: use 1 to {largest} (or -1 to -{largest}) before it."
            )


def _parse_int(value: str, name: str) -> int:
    if not re.fullmatch(r"[+-]?\d{1,6}", value):
        raise _invalid(f"{name} must be a whole number.")
    return int(value)


def _check_count(count: int, *, field: str) -> None:
    if count <= 0:
        raise ScheduleError("The number of meetings must be at least 1.", code="count_not_positive", field=field)
    if count > MAX_COUNT:
        raise ScheduleError(f"A series can have at most {MAX_COUNT} meetings.", code="count_too_large", field=field)


def _until_to_utc(value: str, zone: str) -> datetime:
    """UNTIL as written -> aware UTC.

    RFC 5545 wants UTC when DTSTART has a TZID; people and older tools also write a date (taken as the whole
    local day, inclusive) or a floating local time, which we read in the series' zone.
    """
    match = _UNTIL_RE.match(value)
    if not match:
        raise _invalid("UNTIL must look like 20261231 or 20261231T235959Z.")
    day_text, time_text, zulu = match.groups()
    try:
        day = datetime.strptime(day_text, "%Y%m%d")
        clock = datetime.strptime(time_text, "%H%M%S").time() if time_text else time(23, 59, 59)
    except ValueError as exc:
        raise _invalid("UNTIL is not a real date.") from exc
    moment = datetime.combine(day.date(), clock)
    check_year(moment, field="custom_rule")
    if zulu:
        return moment.replace(tzinfo=UTC)
    return local_to_utc(moment, zone)


def _format_until(until_utc: datetime) -> str:
    return until_utc.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _join(parts: dict[str, str]) -> str:
    return ";".join(f"{key}={value}" for key, value in parts.items())


def _end_of_local_day_utc(day: date, zone: str) -> datetime:
    return local_to_utc(datetime.combine(day, time(23, 59, 59)), zone)


def normalize_rrule(text: str, zone: str) -> str:
    """Canonical RRULE text: upper case, optional ``RRULE:`` dropped, FREQ first, UNTIL in UTC.

    Cheap (no date arithmetic beyond UNTIL), for rules already validated once; :func:`validate_rrule` does the
    full check against the first meeting.
    """
    get_zone(zone)
    parts = _split_rule(text)
    if "UNTIL" in parts:
        parts["UNTIL"] = _format_until(_until_to_utc(parts["UNTIL"], zone))
    return _join(parts)


# -- compiling and checking a rule ---------------------------------------------------------------------------


class _Compiled(NamedTuple):
    rule: rrule  # on naive wall-clock time; UNTIL loosened by _SLACK, the exact cut is on until_utc
    until_utc: datetime | None
    zone: ZoneInfo
    finite: bool  # COUNT or UNTIL


def _dateutil_rule(parts: dict[str, str], dtstart_local: datetime, until_bound: datetime | None) -> rrule:
    try:
        rule = rrulestr(_join({k: v for k, v in parts.items() if k != "UNTIL"}), dtstart=dtstart_local)
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _invalid(str(exc).rstrip(".") + ".") from exc
    if not isinstance(rule, rrule):  # pragma: no cover - rrulestr returns a set only for multi-line input
        raise _invalid("enter a single rule.")
    return rule.replace(until=until_bound) if until_bound is not None else rule


@lru_cache(maxsize=2048)
def _compile(text: str, dtstart_local: datetime, zone: str) -> _Compiled:
    """Parse once per (rule, start, zone): the parse costs far more than expanding a year of meetings."""
    if dtstart_local.tzinfo is not None:
        raise ValueError("dtstart_local must be a naive wall-clock datetime")
    zi = get_zone(zone)
    parts = _split_rule(text)
    until_utc = _until_to_utc(parts["UNTIL"], zone) if "UNTIL" in parts else None
    until_bound = None
    if until_utc is not None:
        until_bound = _local_bound(until_utc, zi, _SLACK)
    finite = "COUNT" in parts or until_utc is not None
    return _Compiled(_dateutil_rule(parts, dtstart_local, until_bound), until_utc, zi, finite)


def _clamp(moment: datetime, delta: timedelta) -> datetime:
    try:
        return moment + delta
    except OverflowError:
        return datetime.max if delta > timedelta(0) else datetime.min


def _local_bound(instant: datetime, zone: ZoneInfo, delta: timedelta) -> datetime:
    """A naive wall-clock bound ``delta`` beyond an instant; open-ended windows (datetime.max) stay valid."""
    try:
        return _clamp(instant.astimezone(zone).replace(tzinfo=None), delta)
    except OverflowError:
        return datetime.max if delta > timedelta(0) else datetime.min


def _walk_failed(exc: Exception) -> ScheduleError:
    # dateutil can still fail while walking a rule it accepted; the person gets a sentence, not a crash.
    return _invalid(f"it cannot be expanded ({type(exc).__name__}).")


def _starts_on_dtstart(parts: dict[str, str], dtstart_local: datetime) -> bool:
    """Whether DTSTART is itself an occurrence of the rule, in bounded time.

    dateutil walks period after period until year 9999 when a rule never matches, which can take seconds. The
    first period's candidates do not depend on INTERVAL, so a huge INTERVAL makes the second period land past
    year 9999 at once and only the first period is looked at.
    """
    probe = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
    probe["INTERVAL"] = "4000000"
    try:
        first = _dateutil_rule(probe, dtstart_local, None).after(dtstart_local, inc=True)
    except (IndexError, ValueError, OverflowError) as exc:
        if isinstance(exc, ScheduleError):
            raise
        raise _walk_failed(exc) from exc
    return first == dtstart_local


def _first_after_dtstart(parts: dict[str, str], dtstart_local: datetime) -> datetime | None:
    """The rule's first wall-clock date after DTSTART within about 400 years, in bounded time; None if none.

    The Gregorian calendar repeats exactly every 400 years (weekdays included), so the same rule started 400*k
    years later behaves identically; starting it close to year 9999 caps how far dateutil can wander.
    """
    probe = {k: v for k, v in parts.items() if k not in ("COUNT", "UNTIL")}
    shift_years = ((9999 - 401 - dtstart_local.year) // 400) * 400
    if shift_years <= 0:
        return None
    shifted = dtstart_local.replace(year=dtstart_local.year + shift_years)
    try:
        found = _dateutil_rule(probe, shifted, None).after(shifted, inc=False)
    except (IndexError, ValueError, OverflowError) as exc:
        if isinstance(exc, ScheduleError):
            raise
        raise _walk_failed(exc) from exc
    return None if found is None else found.replace(year=found.year - shift_years)


def validate_rrule(text: str, dtstart_local: datetime, zone: str) -> str:
    """Check a (custom or stored) RRULE against its first meeting and return it in canonical form.

    Raises ScheduleError for unreadable or unsupported rules, an UNTIL before the first meeting, and a rule
    whose dates do not include the first meeting (RFC 5545 leaves that case undefined, and calendar apps then
    disagree on whether the first meeting happens).
    """
    get_zone(zone)  # an unknown zone is reported before anything about the rule
    if dtstart_local.tzinfo is not None:
        raise ValueError("dtstart_local must be a naive wall-clock datetime")
    check_year(dtstart_local)
    parts = _split_rule(text)
    if "UNTIL" in parts:
        until_utc = _until_to_utc(parts["UNTIL"], zone)
        if until_utc < local_to_utc(dtstart_local, zone):
            raise ScheduleError(
                "The rule ends before the first meeting, so it never produces a meeting.",
                code="no_occurrences",
                field="custom_rule",
            )
        parts["UNTIL"] = _format_until(until_utc)
    if not _starts_on_dtstart(parts, dtstart_local):
        later = _first_after_dtstart(parts, dtstart_local)
        if later is None:
            raise ScheduleError(
                "This rule never produces a meeting. Check the days and months it names.",
                code="no_occurrences",
                field="custom_rule",
            )
        raise ScheduleError(
            f"The first meeting ({dtstart_local:%A} {dtstart_local.day} {dtstart_local:%B %Y}) is not one of the "
            f"days this rule picks; the next one would be {later:%A} {later.day} {later:%B %Y}. "
            "Move the first meeting to a day the rule picks.",
            code="first_date_mismatch",
            field="first_date",
        )
    return _join(parts)


# -- the friendly form ---------------------------------------------------------------------------------------


def _week_of_month(day: date) -> int:
    return (day.day - 1) // 7 + 1


def _is_last_week(day: date) -> bool:
    return day.day + 7 > calendar.monthrange(day.year, day.month)[1]


def monthly_weekday_options(first_date: date) -> list[tuple[int, str]]:
    """Which "Nth weekday" choices fit a first date, as (week_of_month, label) for a select.

    The 27th of March 2026 is both the 4th and the last Friday, so both are offered.
    """
    name = _WEEKDAY_NAMES[first_date.weekday()]
    options: list[tuple[int, str]] = []
    week = _week_of_month(first_date)
    if week <= 4:
        options.append((week, f"{_ORDINAL_NAMES[week]} {name}"))
    if _is_last_week(first_date):
        options.append((-1, f"last {name}"))
    return options


def _check_zone_and_start(choice: ScheduleChoice) -> None:
    get_zone(choice.zone)
    check_year(choice.first_date)
    if choice.start_time.tzinfo is not None:
        raise ScheduleError(
            "Give the start time without a zone; the zone is its own field.", code="invalid_time", field="start_time"
        )
    if not MIN_DURATION_MINUTES <= choice.duration_minutes <= MAX_DURATION_MINUTES:
        raise ScheduleError(
            f"A meeting lasts between {MIN_DURATION_MINUTES} minutes and {MAX_DURATION_MINUTES // 60} hours.",
            code="duration_out_of_range",
            field="duration_minutes",
        )
    validate_local_start(choice.dtstart_local, choice.zone)


def _check_ending(choice: ScheduleChoice) -> None:
    if choice.ending == Ending.ON_DATE:
        if choice.until_date is None:
            raise ScheduleError("Pick the date of the last meeting.", code="missing_until", field="until_date")
        check_year(choice.until_date, field="until_date")
        if choice.until_date < choice.first_date:
            raise ScheduleError(
                "The series would end before its first meeting. Pick an end date on or after the first meeting.",
                code="end_before_start",
                field="until_date",
            )
    elif choice.ending == Ending.AFTER_COUNT:
        if choice.count is None:
            raise ScheduleError("Say how many meetings the series has.", code="missing_count", field="count")
        _check_count(choice.count, field="count")


def _base_parts(choice: ScheduleChoice) -> dict[str, str]:
    """The repeat pattern without its ending, for the non-custom frequencies."""
    first = choice.first_date
    weekday = _WEEKDAY_CODES[first.weekday()]
    if choice.frequency == Frequency.WEEKLY:
        return {"FREQ": "WEEKLY", "BYDAY": weekday}
    if choice.frequency == Frequency.BIWEEKLY:
        return {"FREQ": "WEEKLY", "INTERVAL": "2", "BYDAY": weekday}
    if choice.frequency == Frequency.MONTHLY_WEEKDAY:
        return {"FREQ": "MONTHLY", "BYDAY": f"{_resolve_week_of_month(choice)}{weekday}"}
    if choice.frequency == Frequency.MONTHLY_LAST_DAY:
        if first.day != calendar.monthrange(first.year, first.month)[1]:
            raise ScheduleError(
                "For “last day of the month” the first meeting must be on a month's last day.",
                code="first_date_mismatch",
                field="first_date",
            )
        return {"FREQ": "MONTHLY", "BYMONTHDAY": "-1"}
    if choice.frequency == Frequency.MONTHLY_DAY:
        if first.day <= 28:
            return {"FREQ": "MONTHLY", "BYMONTHDAY": str(first.day)}
        if first.day == 31:
            return {"FREQ": "MONTHLY", "BYMONTHDAY": "-1"}
        # "the 29th/30th, or the last day of a shorter month": the latest of 28..N that the month has.
        return {"FREQ": "MONTHLY", "BYMONTHDAY": ",".join(str(d) for d in range(28, first.day + 1)), "BYSETPOS": "-1"}
    raise ScheduleError("Pick how often the meetings repeat.", code="invalid_frequency", field="frequency")


def _resolve_week_of_month(choice: ScheduleChoice) -> int:
    first = choice.first_date
    fitting = [week for week, _label in monthly_weekday_options(first)]
    if choice.week_of_month is None:
        return fitting[0] if fitting else -1
    if choice.week_of_month not in fitting:
        wanted = _ORDINAL_NAMES.get(choice.week_of_month, str(choice.week_of_month))
        raise ScheduleError(
            f"The first meeting ({first:%A} {first.day} {first:%B}) is not the {wanted} "
            f"{_WEEKDAY_NAMES[first.weekday()]} of its month. Pick a first date that is.",
            code="first_date_mismatch",
            field="first_date",
        )
    return choice.week_of_month


def _with_ending(parts: dict[str, str], choice: ScheduleChoice) -> dict[str, str]:
    if choice.ending == Ending.ON_DATE and choice.until_date is not None:
        return {**parts, "UNTIL": _format_until(_end_of_local_day_utc(choice.until_date, choice.zone))}
    if choice.ending == Ending.AFTER_COUNT and choice.count is not None:
        return {**parts, "COUNT": str(choice.count)}
    return parts


def validate_schedule(choice: ScheduleChoice) -> None:
    """Raise ScheduleError with a form-ready message if the choice cannot become a series."""
    build_rrule(choice)


def build_rrule(choice: ScheduleChoice) -> str:
    """The RRULE value (without the ``RRULE:`` prefix) for a friendly choice, validated.

    >>> build_rrule(ScheduleChoice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 10), time(9), "Europe/Berlin"))
    'FREQ=MONTHLY;BYDAY=2TU'
    """
    _check_zone_and_start(choice)
    _check_ending(choice)
    if choice.frequency != Frequency.CUSTOM:
        return _join(_with_ending(_base_parts(choice), choice))
    parts = _split_rule(choice.custom_rule)
    if choice.ending != Ending.NEVER and ("COUNT" in parts or "UNTIL" in parts):
        raise ScheduleError(
            "The custom rule already says when the series ends; remove COUNT/UNTIL from it or set the ending to "
            "“never”.",
            code="conflicting_end",
            field="custom_rule",
        )
    return validate_rrule(_join(_with_ending(parts, choice)), choice.dtstart_local, choice.zone)


_FRIENDLY = (
    Frequency.WEEKLY,
    Frequency.BIWEEKLY,
    Frequency.MONTHLY_WEEKDAY,
    Frequency.MONTHLY_DAY,
    Frequency.MONTHLY_LAST_DAY,
)


def choice_from_rrule(rrule_text: str, dtstart_local: datetime, zone: str, duration_minutes: int) -> ScheduleChoice:
    """The friendly choice a stored rule came from, for an edit form; rules we did not build come back as CUSTOM.

    ``build_rrule(choice_from_rrule(r, ...)) == r`` for every rule :func:`build_rrule` makes.
    """
    canonical = normalize_rrule(rrule_text, zone)
    parts = _split_rule(canonical)
    base = ScheduleChoice(
        frequency=Frequency.CUSTOM,
        first_date=dtstart_local.date(),
        start_time=dtstart_local.time(),
        zone=zone,
        duration_minutes=duration_minutes,
        custom_rule=canonical,
    )
    ended = base
    if "COUNT" in parts:
        ended = replace(base, ending=Ending.AFTER_COUNT, count=int(parts.pop("COUNT")))
    elif "UNTIL" in parts:
        until_local = _until_to_utc(parts["UNTIL"], zone).astimezone(get_zone(zone))
        # build_rrule ends a series at 23:59:59 local on its last day; any other UNTIL is not ours.
        if until_local.time() == time(23, 59, 59):
            del parts["UNTIL"]
            ended = replace(base, ending=Ending.ON_DATE, until_date=until_local.date())
    for frequency in _FRIENDLY:
        for week in (None, -1):
            candidate = replace(ended, frequency=frequency, week_of_month=week, custom_rule="")
            try:
                if _base_parts(candidate) == parts:
                    return candidate
            except ScheduleError:
                continue
    return base


# -- expansion -----------------------------------------------------------------------------------------------


def _aware(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment


def _exdate_instants(exdates: Iterable[datetime], zone: str) -> frozenset[datetime]:
    """Naive exdates are wall-clock slots as the rule generates them; aware ones are instants."""
    return frozenset((local_to_utc(ex, zone) if ex.tzinfo is None else ex.astimezone(UTC)) for ex in exdates)


def expand(
    rrule: str,
    dtstart_local: datetime,
    zone: str,
    window_start_utc: datetime,
    window_end_utc: datetime,
    exdates: Iterable[datetime] = (),
) -> list[datetime]:
    """Start instants (aware, UTC, ascending) of the occurrences with ``window_start <= start < window_end``.

    COUNT counts occurrences before exdates are removed, as RFC 5545 says. ``exdates`` may mix naive wall-clock
    slots (in ``zone``) and aware instants.

    The rule is trusted to have passed :func:`validate_rrule` (or :func:`build_rrule`) when it was stored: a rule
    that never matches would make dateutil search until year 9999. The work grows with the time from DTSTART
    to the window's end, so keep windows bounded for open-ended series.
    """
    compiled = _compile(rrule, dtstart_local, zone)
    start = _aware(window_start_utc, "window_start_utc").astimezone(UTC)
    end = _aware(window_end_utc, "window_end_utc").astimezone(UTC)
    if end <= start:
        return []
    zi, until = compiled.zone, compiled.until_utc
    low = _local_bound(start, zi, -_SLACK)
    high = _local_bound(end, zi, _SLACK)
    skip = _exdate_instants(exdates, zone) if exdates else frozenset()
    result: list[datetime] = []
    for local in compiled.rule.between(low, high, inc=True):
        instant = local.replace(tzinfo=zi).astimezone(UTC)
        if start <= instant < end and instant not in skip and (until is None or instant <= until):
            result.append(instant)
    # Wall-clock order equals instant order except where a gap shift could, in theory, make two slots meet.
    if any(a >= b for a, b in pairwise(result)):
        result = sorted(set(result))
    return result


def next_occurrences(
    rrule: str,
    dtstart_local: datetime,
    zone: str,
    after_utc: datetime,
    *,
    limit: int = 1,
    exdates: Iterable[datetime] = (),
) -> list[datetime]:
    """Up to ``limit`` occurrence starts (aware UTC) strictly after ``after_utc``: "the next meeting"."""
    if limit <= 0:
        return []
    compiled = _compile(rrule, dtstart_local, zone)
    after = _aware(after_utc, "after_utc").astimezone(UTC)
    zi, until = compiled.zone, compiled.until_utc
    skip = _exdate_instants(exdates, zone) if exdates else frozenset()
    low = _local_bound(after, zi, -_SLACK)
    result: list[datetime] = []
    for local in compiled.rule.xafter(low, inc=True):
        instant = local.replace(tzinfo=zi).astimezone(UTC)
        if until is not None and instant > until:
            break
        if instant > after and instant not in skip:
            result.append(instant)
            if len(result) >= limit:
                break
    return result


def last_occurrence(
    rrule: str, dtstart_local: datetime, zone: str, exdates: Iterable[datetime] = ()
) -> datetime | None:
    """The start (aware UTC) of a finite series' last occurrence; None for an open-ended series or if none is left.

    Walks the whole series, which COUNT (at most MAX_COUNT) or UNTIL keeps finite.
    """
    compiled = _compile(rrule, dtstart_local, zone)
    if not compiled.finite:
        return None
    zi, until = compiled.zone, compiled.until_utc
    skip = _exdate_instants(exdates, zone) if exdates else frozenset()
    last: datetime | None = None
    for local in compiled.rule:
        instant = local.replace(tzinfo=zi).astimezone(UTC)
        if until is not None and instant > until:
            break
        if instant not in skip:
            last = instant
    return last
