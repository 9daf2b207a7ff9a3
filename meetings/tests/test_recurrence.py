"""Recurrence: friendly choice -> RRULE -> UTC instants, checked against plain calendar arithmetic."""

from __future__ import annotations

import calendar
import os
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from meetings import recurrence
from meetings.recurrence import (
    MAX_COUNT,
    Ending,
    Frequency,
    ScheduleChoice,
    ScheduleError,
    build_rrule,
    choice_from_rrule,
    expand,
    last_occurrence,
    local_time_exists,
    local_to_utc,
    monthly_weekday_options,
    next_occurrences,
    normalize_rrule,
    validate_rrule,
    validate_schedule,
)

ZONES = ("Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Sao_Paulo", "Asia/Kolkata")
FRIENDLY = (
    Frequency.WEEKLY,
    Frequency.BIWEEKLY,
    Frequency.MONTHLY_WEEKDAY,
    Frequency.MONTHLY_DAY,
    Frequency.MONTHLY_LAST_DAY,
)
# MEETINGS_HYPOTHESIS_EXAMPLES=5000 runs a deeper search by hand; the default keeps the suite at a few seconds.
PROPERTY_SETTINGS = settings(
    max_examples=int(os.environ.get("MEETINGS_HYPOTHESIS_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def choice(frequency: Frequency, first: date, start: time, zone: str = "Europe/Berlin", **kwargs) -> ScheduleChoice:
    return ScheduleChoice(frequency=frequency, first_date=first, start_time=start, zone=zone, **kwargs)


def expand_all(c: ScheduleChoice, years: int = 3, exdates: tuple[datetime, ...] = ()) -> list[datetime]:
    start = local_to_utc(c.dtstart_local, c.zone) - timedelta(days=1)
    return expand(build_rrule(c), c.dtstart_local, c.zone, start, start + timedelta(days=366 * years), exdates)


# -- an independent oracle: the nominal wall-clock dates, by hand ---------------------------------------------


def _month_starts(first: date):
    year, month = first.year, first.month
    while True:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _nominal_dates(c: ScheduleChoice, horizon: date) -> list[date]:
    first = c.first_date
    dates: list[date] = []
    if c.frequency in (Frequency.WEEKLY, Frequency.BIWEEKLY):
        step = timedelta(weeks=1 if c.frequency == Frequency.WEEKLY else 2)
        day = first
        while day <= horizon:
            dates.append(day)
            day += step
        return dates
    week = recurrence._resolve_week_of_month(c) if c.frequency == Frequency.MONTHLY_WEEKDAY else 0
    for year, month in _month_starts(first):
        length = calendar.monthrange(year, month)[1]
        if c.frequency == Frequency.MONTHLY_DAY:
            day = date(year, month, min(first.day, length))
        elif c.frequency == Frequency.MONTHLY_LAST_DAY:
            day = date(year, month, length)
        elif week > 0:
            offset = (first.weekday() - date(year, month, 1).weekday()) % 7
            day = date(year, month, 1 + offset + 7 * (week - 1))
        else:
            last = date(year, month, length)
            day = last - timedelta(days=(last.weekday() - first.weekday()) % 7)
        if day > horizon:
            return dates
        dates.append(day)
    return dates  # pragma: no cover - the generator is infinite


# -- strategies ----------------------------------------------------------------------------------------------

# Times around the usual switch hours are drawn often, so gaps and repeated hours come up in every run.
NIGHT_TIMES = st.sampled_from([time(0, 0), time(0, 30), time(1, 30), time(2, 0), time(2, 30), time(3, 0)])
ANY_TIME = st.builds(time, st.integers(0, 23), st.sampled_from([0, 15, 30, 45]))


@st.composite
def choices(draw: st.DrawFn) -> ScheduleChoice:
    zone = draw(st.sampled_from(ZONES))
    frequency = draw(st.sampled_from(FRIENDLY))
    first = draw(st.dates(date(2015, 1, 1), date(2030, 12, 31)))
    if frequency == Frequency.MONTHLY_LAST_DAY:
        first = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    start = draw(st.one_of(NIGHT_TIMES, ANY_TIME))
    week = None
    if frequency == Frequency.MONTHLY_WEEKDAY:
        week = draw(st.sampled_from([w for w, _label in monthly_weekday_options(first)]))
    ending = draw(st.sampled_from(list(Ending)))
    extra: dict = {}
    if ending == Ending.AFTER_COUNT:
        extra["count"] = draw(st.integers(1, 40))
    elif ending == Ending.ON_DATE:
        extra["until_date"] = first + timedelta(days=draw(st.integers(0, 800)))
    c = ScheduleChoice(frequency, first, start, zone, ending=ending, week_of_month=week, **extra)
    assume(local_time_exists(c.dtstart_local, zone))
    return c


def _expected(c: ScheduleChoice, horizon: date) -> list[datetime]:
    dates = _nominal_dates(c, horizon)
    if c.ending == Ending.AFTER_COUNT:
        dates = dates[: c.count]
    elif c.ending == Ending.ON_DATE:
        dates = [d for d in dates if d <= c.until_date]
    zone = ZoneInfo(c.zone)
    return [datetime.combine(d, c.start_time).replace(tzinfo=zone).astimezone(UTC) for d in dates]


# -- properties ----------------------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(c=choices())
def test_expansion_matches_calendar_arithmetic(c: ScheduleChoice) -> None:
    window_start = local_to_utc(c.dtstart_local, c.zone) - timedelta(days=3)
    horizon = c.first_date + timedelta(days=4 * 366)
    window_end = local_to_utc(datetime.combine(horizon, time(0)), c.zone)
    got = expand(build_rrule(c), c.dtstart_local, c.zone, window_start, window_end)
    expected = [instant for instant in _expected(c, horizon) if instant < window_end]
    assert got == expected
    assert got[0] == local_to_utc(c.dtstart_local, c.zone)  # the first meeting is always the first date
    assert all(instant.tzinfo is UTC for instant in got)


@PROPERTY_SETTINGS
@given(c=choices())
def test_occurrences_are_sorted_unique_and_keep_their_wall_clock(c: ScheduleChoice) -> None:
    zone = ZoneInfo(c.zone)
    got = expand_all(c)
    assert got == sorted(set(got))
    for instant in got:
        local = instant.astimezone(zone)
        nominal = datetime.combine(local.date(), c.start_time)
        if local_time_exists(nominal, c.zone):
            assert local.replace(tzinfo=None) == nominal
            assert local.fold == 0  # a repeated hour resolves to its first pass
        else:
            # Skipped by a clock change: moved forward by exactly the length of the gap.
            gap = nominal.replace(fold=1, tzinfo=zone).utcoffset() - nominal.replace(tzinfo=zone).utcoffset()
            assert gap > timedelta(0)
            assert local.replace(tzinfo=None) == nominal + gap


@PROPERTY_SETTINGS
@given(c=choices())
def test_count_and_until_are_respected(c: ScheduleChoice) -> None:
    got = expand_all(c, years=45)  # 40 monthly meetings fit comfortably
    zone = ZoneInfo(c.zone)
    if c.ending == Ending.AFTER_COUNT:
        assert len(got) == c.count
    elif c.ending == Ending.ON_DATE:
        assert got
        assert all(instant.astimezone(zone).date() <= c.until_date for instant in got)
        # Nothing the calendar would still hold on or before the last date is lost.
        assert len(got) == len(_nominal_dates(c, c.until_date))
        assert build_rrule(c).rsplit("UNTIL=", 1)[1].endswith("Z")


@PROPERTY_SETTINGS
@given(c=choices(), data=st.data())
def test_exdates_are_left_out(c: ScheduleChoice, data: st.DataObject) -> None:
    full = expand_all(c, years=2)
    removed = data.draw(st.sets(st.sampled_from(full), max_size=min(5, len(full))))
    as_naive = data.draw(st.booleans())
    other_zone = ZoneInfo(data.draw(st.sampled_from(ZONES)))
    zone = ZoneInfo(c.zone)
    # Callers name an occurrence either by its wall-clock slot or by its instant in any zone.
    exdates = tuple(
        instant.astimezone(zone).replace(tzinfo=None) if as_naive else instant.astimezone(other_zone)
        for instant in removed
    )
    assert expand_all(c, years=2, exdates=exdates) == [instant for instant in full if instant not in removed]
    if c.ending == Ending.AFTER_COUNT:
        # COUNT counts before exclusion (RFC 5545): removing meetings does not add new ones at the end.
        assert len(expand_all(c, years=45, exdates=exdates)) == c.count - len(removed)


@PROPERTY_SETTINGS
@given(c=choices(), cut_days=st.integers(0, 700))
def test_windows_split_cleanly(c: ScheduleChoice, cut_days: int) -> None:
    start = local_to_utc(c.dtstart_local, c.zone)
    end = start + timedelta(days=730)
    cut = start + timedelta(days=cut_days, hours=cut_days % 24)
    rule = build_rrule(c)
    whole = expand(rule, c.dtstart_local, c.zone, start, end)
    halves = expand(rule, c.dtstart_local, c.zone, start, cut) + expand(rule, c.dtstart_local, c.zone, cut, end)
    assert halves == whole


@PROPERTY_SETTINGS
@given(c=choices())
def test_friendly_choice_survives_a_round_trip(c: ScheduleChoice) -> None:
    rule = build_rrule(c)
    back = choice_from_rrule(rule, c.dtstart_local, c.zone, c.duration_minutes)
    assert back.frequency != Frequency.CUSTOM
    assert build_rrule(back) == rule


@PROPERTY_SETTINGS
@given(c=choices(), offset_days=st.integers(-30, 900))
def test_next_occurrences_agree_with_expand(c: ScheduleChoice, offset_days: int) -> None:
    rule = build_rrule(c)
    after = local_to_utc(c.dtstart_local, c.zone) + timedelta(days=offset_days)
    following = expand(rule, c.dtstart_local, c.zone, after + timedelta(seconds=1), after + timedelta(days=800))
    assert next_occurrences(rule, c.dtstart_local, c.zone, after, limit=3) == following[:3]


# -- building rules ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "expected"),
    [
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9)), "FREQ=WEEKLY;BYDAY=TU"),
        (choice(Frequency.BIWEEKLY, date(2026, 3, 13), time(9)), "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
        (choice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 10), time(9)), "FREQ=MONTHLY;BYDAY=2TU"),
        (choice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 27), time(9), week_of_month=-1), "FREQ=MONTHLY;BYDAY=-1FR"),
        (choice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 31), time(9)), "FREQ=MONTHLY;BYDAY=-1TU"),  # a 5th Tuesday
        (choice(Frequency.MONTHLY_DAY, date(2026, 3, 15), time(9)), "FREQ=MONTHLY;BYMONTHDAY=15"),
        (choice(Frequency.MONTHLY_DAY, date(2026, 3, 30), time(9)), "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1"),
        (choice(Frequency.MONTHLY_DAY, date(2026, 3, 31), time(9)), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (choice(Frequency.MONTHLY_LAST_DAY, date(2026, 4, 30), time(9)), "FREQ=MONTHLY;BYMONTHDAY=-1"),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.AFTER_COUNT, count=6),
            "FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        ),
        (
            # The last day is inclusive and local: 23:59:59 CET is 22:59:59 UTC.
            choice(
                Frequency.MONTHLY_WEEKDAY,
                date(2026, 3, 10),
                time(9),
                ending=Ending.ON_DATE,
                until_date=date(2026, 12, 31),
            ),
            "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20261231T225959Z",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 2), time(9), custom_rule="rrule:freq=monthly;byday=1mo"),
            "FREQ=MONTHLY;BYDAY=1MO",
        ),
        (
            choice(
                Frequency.CUSTOM,
                date(2026, 3, 2),
                time(9),
                custom_rule="FREQ=MONTHLY;BYDAY=1MO",
                ending=Ending.ON_DATE,
                until_date=date(2026, 7, 31),
            ),
            "FREQ=MONTHLY;BYDAY=1MO;UNTIL=20260731T215959Z",  # summer: CEST
        ),
    ],
)
def test_build_rrule(c: ScheduleChoice, expected: str) -> None:
    assert build_rrule(c) == expected


def test_monthly_weekday_options() -> None:
    assert monthly_weekday_options(date(2026, 3, 10)) == [(2, "2nd Tuesday")]
    assert monthly_weekday_options(date(2026, 3, 27)) == [(4, "4th Friday"), (-1, "last Friday")]
    assert monthly_weekday_options(date(2026, 3, 31)) == [(-1, "last Tuesday")]


def test_day_29_to_31_fall_back_to_the_last_day_of_short_months() -> None:
    zone = ZoneInfo("Europe/Berlin")
    thirtieth = expand_all(choice(Frequency.MONTHLY_DAY, date(2026, 1, 30), time(9)), years=1)
    assert [i.astimezone(zone).day for i in thirtieth[:4]] == [30, 28, 30, 30]
    leap = expand_all(choice(Frequency.MONTHLY_DAY, date(2028, 1, 29), time(9)), years=1)
    assert [i.astimezone(zone).day for i in leap[:3]] == [29, 29, 29]
    thirty_first = expand_all(choice(Frequency.MONTHLY_DAY, date(2026, 1, 31), time(9)), years=1)
    assert [i.astimezone(zone).day for i in thirty_first[:4]] == [31, 28, 31, 30]
    assert len(thirty_first) >= 12  # no month skipped


def test_custom_until_written_as_a_date_or_floating_time_is_stored_in_utc() -> None:
    start = datetime(2026, 3, 2, 9)
    assert validate_rrule("FREQ=WEEKLY;UNTIL=20260630", start, "Europe/Berlin").endswith("UNTIL=20260630T215959Z")
    assert validate_rrule("FREQ=WEEKLY;UNTIL=20260630T090000", start, "Asia/Kolkata").endswith("UNTIL=20260630T033000Z")
    assert normalize_rrule("RRULE:freq=weekly;until=20260630t090000z", "Europe/Berlin") == (
        "FREQ=WEEKLY;UNTIL=20260630T090000Z"
    )


# -- daylight saving -----------------------------------------------------------------------------------------


def test_local_time_stays_fixed_across_daylight_saving() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 3, 1), time(9))
    got = expand(build_rrule(c), c.dtstart_local, c.zone, utc(2026, 3, 1), utc(2026, 4, 6))
    assert [i.hour for i in got] == [8, 8, 8, 8, 7, 7]  # CET then CEST in UTC ...
    assert {i.astimezone(ZoneInfo("Europe/Berlin")).hour for i in got} == {9}  # ... and 09:00 on the wall


@pytest.mark.parametrize(
    ("zone", "first", "start", "shifted_local"),
    [
        ("Europe/Berlin", date(2026, 3, 22), time(2, 30), datetime(2026, 3, 29, 3, 30)),
        ("America/New_York", date(2026, 3, 1), time(2, 15), datetime(2026, 3, 8, 3, 15)),
        ("Australia/Sydney", date(2026, 9, 27), time(2, 30), datetime(2026, 10, 4, 3, 30)),
        ("America/Sao_Paulo", date(2018, 10, 28), time(0, 30), datetime(2018, 11, 4, 1, 30)),  # midnight switch
    ],
)
def test_occurrence_in_a_gap_moves_forward_by_the_gap(
    zone: str, first: date, start: time, shifted_local: datetime
) -> None:
    c = choice(Frequency.WEEKLY, first, start, zone)
    second = expand_all(c, years=1)[1]
    assert second.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == shifted_local
    assert expand_all(c, years=1)[2].astimezone(ZoneInfo(zone)).time() == start  # back to normal a week later


def test_occurrence_in_a_repeated_hour_is_the_first_pass() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 10, 18), time(2, 30))
    second = expand_all(c, years=1)[1]
    assert second == utc(2026, 10, 25, 0, 30)  # 02:30 CEST, not 02:30 CET (01:30 UTC)


def test_sydney_and_kolkata() -> None:
    sydney = choice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 10), time(18), "Australia/Sydney")
    hours = [i.hour for i in expand_all(sydney, years=1)[:3]]
    assert hours == [7, 8, 8]  # AEDT (+11) in March, AEST (+10) from April
    kolkata = choice(Frequency.WEEKLY, date(2026, 3, 10), time(18), "Asia/Kolkata")
    assert {(i.hour, i.minute) for i in expand_all(kolkata, years=1)} == {(12, 30)}


# -- validation ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("c", "code", "field"),
    [
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.ON_DATE, until_date=date(2026, 3, 9)),
            "end_before_start",
            "until_date",
        ),
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.ON_DATE), "missing_until", "until_date"),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.AFTER_COUNT, count=0),
            "count_not_positive",
            "count",
        ),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.AFTER_COUNT, count=-3),
            "count_not_positive",
            "count",
        ),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.AFTER_COUNT, count=MAX_COUNT + 1),
            "count_too_large",
            "count",
        ),
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ending=Ending.AFTER_COUNT), "missing_count", "count"),
        (choice(Frequency.WEEKLY, date(2026, 3, 29), time(2, 30)), "nonexistent_local_time", "start_time"),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 8), time(2, 0), "America/New_York"),
            "nonexistent_local_time",
            "start_time",
        ),
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), "Mars/Olympus_Mons"), "unknown_zone", "zone"),
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), "../../etc/passwd"), "unknown_zone", "zone"),
        (choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), ""), "unknown_zone", "zone"),
        (
            choice(Frequency.WEEKLY, date(2026, 3, 10), time(9), duration_minutes=0),
            "duration_out_of_range",
            "duration_minutes",
        ),
        (
            choice(Frequency.MONTHLY_WEEKDAY, date(2026, 3, 10), time(9), week_of_month=-1),
            "first_date_mismatch",
            "first_date",
        ),
        (choice(Frequency.MONTHLY_LAST_DAY, date(2026, 3, 30), time(9)), "first_date_mismatch", "first_date"),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="every other day"),
            "invalid_rule",
            "custom_rule",
        ),
        (choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule=""), "invalid_rule", "custom_rule"),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=FORTNIGHTLY"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;BYDAY=XX"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;FREQ=DAILY"),
            "invalid_rule",
            "custom_rule",
        ),
        (choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="BYDAY=TU"), "invalid_rule", "custom_rule"),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;COUNT=2;UNTIL=20270101"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;UNTIL=2027"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;UNTIL=20270231"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;INTERVAL=0"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="DTSTART:20260310T090000\nFREQ=WEEKLY"),
            "invalid_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=HOURLY"),
            "unsupported_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=DAILY;BYHOUR=9,17"),
            "unsupported_rule",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;COUNT=0"),
            "count_not_positive",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=WEEKLY;UNTIL=20260301T000000Z"),
            "no_occurrences",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"),
            "no_occurrences",
            "custom_rule",
        ),
        (
            choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=MONTHLY;BYDAY=1MO"),
            "first_date_mismatch",
            "first_date",
        ),
        (
            choice(
                Frequency.CUSTOM,
                date(2026, 3, 10),
                time(9),
                custom_rule="FREQ=WEEKLY;COUNT=3",
                ending=Ending.AFTER_COUNT,
                count=4,
            ),
            "conflicting_end",
            "custom_rule",
        ),
    ],
)
def test_validation_errors(c: ScheduleChoice, code: str, field: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        validate_schedule(c)
    assert isinstance(caught.value, ValueError)  # forms catch ValueError
    assert caught.value.code == code
    assert caught.value.field == field
    message = str(caught.value)
    assert not message[0].islower() and message.endswith(".")
    assert "Traceback" not in message and "rrule" not in message


def test_nonexistent_start_message_names_the_time_and_zone() -> None:
    with pytest.raises(ScheduleError, match=r"02:30 on 29 March 2026 does not exist in Europe/Berlin"):
        validate_schedule(choice(Frequency.WEEKLY, date(2026, 3, 29), time(2, 30)))


def test_first_date_mismatch_suggests_the_next_fitting_day() -> None:
    with pytest.raises(ScheduleError, match="Monday 6 April 2026"):
        validate_schedule(choice(Frequency.CUSTOM, date(2026, 3, 10), time(9), custom_rule="FREQ=MONTHLY;BYDAY=1MO"))


@pytest.mark.parametrize(
    "rule",
    ["FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31", "FREQ=DAILY;INTERVAL=7;BYDAY=MO"],
)
def test_rules_that_never_match_are_refused_quickly(rule: str) -> None:
    # dateutil alone would walk to year 9999 (several seconds) before giving up on these.
    started = clock.perf_counter()
    with pytest.raises(ScheduleError) as caught:
        validate_rrule(rule, datetime(2026, 1, 1, 9), "Europe/Berlin")
    assert caught.value.code == "no_occurrences"
    assert clock.perf_counter() - started < 3


def test_ambiguous_first_time_is_accepted_as_the_first_pass() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 10, 25), time(2, 30))
    assert expand_all(c, years=1)[0] == utc(2026, 10, 25, 0, 30)


# -- expansion details ---------------------------------------------------------------------------------------


def test_window_is_half_open_and_must_be_aware() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9))
    rule = build_rrule(c)
    first = utc(2026, 3, 3, 8)
    assert expand(rule, c.dtstart_local, c.zone, first, first + timedelta(days=7)) == [first]
    assert expand(rule, c.dtstart_local, c.zone, first + timedelta(seconds=1), first + timedelta(days=7)) == []
    assert expand(rule, c.dtstart_local, c.zone, first, first) == []
    with pytest.raises(ValueError, match="aware"):
        expand(rule, c.dtstart_local, c.zone, datetime(2026, 3, 1), first)


def test_window_before_the_series_is_empty_and_open_windows_work() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9))
    rule = build_rrule(c)
    assert expand(rule, c.dtstart_local, c.zone, utc(2020, 1, 1), utc(2026, 3, 1)) == []
    later = expand(rule, c.dtstart_local, c.zone, utc(2030, 1, 1), utc(2031, 1, 1))
    assert later[0] == utc(2030, 1, 1, 8) and len(later) == 53  # 2030 has 53 Tuesdays
    # A finite series may be asked for "everything from now on".
    counted = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9), ending=Ending.AFTER_COUNT, count=4)
    everything = expand(
        build_rrule(counted), counted.dtstart_local, counted.zone, utc(2026, 3, 4), datetime.max.replace(tzinfo=UTC)
    )
    assert len(everything) == 3


def test_last_occurrence() -> None:
    counted = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9), ending=Ending.AFTER_COUNT, count=3)
    assert last_occurrence(build_rrule(counted), counted.dtstart_local, counted.zone) == utc(2026, 3, 17, 8)
    until = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9), ending=Ending.ON_DATE, until_date=date(2026, 3, 31))
    assert last_occurrence(build_rrule(until), until.dtstart_local, until.zone) == utc(2026, 3, 31, 7)
    never = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9))
    assert last_occurrence(build_rrule(never), never.dtstart_local, never.zone) is None


def test_next_occurrences_stop_at_the_end_of_the_series() -> None:
    c = choice(Frequency.WEEKLY, date(2026, 3, 3), time(9), ending=Ending.AFTER_COUNT, count=2)
    rule = build_rrule(c)
    assert next_occurrences(rule, c.dtstart_local, c.zone, utc(2026, 1, 1), limit=5) == [
        utc(2026, 3, 3, 8),
        utc(2026, 3, 10, 8),
    ]
    assert next_occurrences(rule, c.dtstart_local, c.zone, utc(2026, 3, 10, 8)) == []
    assert next_occurrences(rule, c.dtstart_local, c.zone, utc(2026, 1, 1), limit=0) == []


def test_unknown_custom_rule_is_reported_as_custom() -> None:
    back = choice_from_rrule("FREQ=MONTHLY;BYDAY=1MO,3MO", datetime(2026, 3, 2, 9), "Europe/Berlin", 45)
    assert back.frequency == Frequency.CUSTOM
    assert back.custom_rule == "FREQ=MONTHLY;BYDAY=1MO,3MO"
    assert back.duration_minutes == 45


def test_expansion_speed() -> None:
    """The app expands many series per page: 50 series x 5 years of monthly meetings well above 20,000/s."""
    series = []
    for index in range(50):
        zone = ZONES[index % len(ZONES)]
        frequency = Frequency.MONTHLY_WEEKDAY if index % 2 else Frequency.MONTHLY_DAY
        c = choice(frequency, date(2026, 1, 1 + index % 28), time(9 + index % 8, 30), zone)
        series.append((build_rrule(c), c.dtstart_local, zone))
    best = 0.0
    for _attempt in range(5):  # best of several runs, so a busy machine does not fail the test
        recurrence._compile.cache_clear()
        started = clock.perf_counter()
        total = sum(len(expand(r, d, z, utc(2026, 1, 1), utc(2031, 1, 1))) for r, d, z in series)
        best = max(best, total / (clock.perf_counter() - started))
    assert total == 50 * 60
    assert best > 20_000, f"{best:,.0f} occurrences per second"
