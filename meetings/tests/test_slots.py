"""The slot finder: every start it offers suits both people on their own clocks and clashes with no meeting.

Property tests over pairs of zones (half-hour and 45-minute offsets, the southern hemisphere, Lord Howe's
half-hour daylight saving) and random weeks, with "now" often just before a clock change so that the first
meetings of a series fall on both sides of it. The checks are written independently of the finder: they walk
every minute of every meeting of the series and read it on each person's clock.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from meetings.recurrence import Ending, Frequency, ScheduleChoice, build_rrule, expand
from meetings.slots import Busy, Cadence, SlotSearch, find_slots, occurrence_dates, slot_label
from mentorship.accounts.hours import DEFAULT_WEEK, DayHours, WeeklyHours, check_week

UTC = datetime.UTC
ZONES = [
    "Europe/London",
    "America/Los_Angeles",
    "America/New_York",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Auckland",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Europe/Berlin",
    "Asia/Tokyo",
    "UTC",
]
# Moments a few days before clock changes of 2026/2027 in the zones above (and one far from any).
PIVOTS = [
    datetime.datetime(2027, 3, 10, 12, tzinfo=UTC),  # before the US change (14 March 2027)
    datetime.datetime(2027, 3, 24, 8, tzinfo=UTC),  # before the EU change (28 March 2027)
    datetime.datetime(2026, 10, 20, 8, tzinfo=UTC),  # before the EU change back (25 October 2026)
    datetime.datetime(2026, 9, 22, 8, tzinfo=UTC),  # before Auckland (27 September 2026)
    datetime.datetime(2026, 9, 30, 8, tzinfo=UTC),  # before Lord Howe's half hour (4 October 2026)
    datetime.datetime(2027, 4, 1, 8, tzinfo=UTC),  # before Lord Howe and Auckland go back (4 April 2027)
    datetime.datetime(2026, 6, 15, 8, tzinfo=UTC),
]


@st.composite
def weeks(draw: st.DrawFn) -> tuple[DayHours, ...]:
    if draw(st.booleans()):
        return DEFAULT_WEEK
    ranges = []
    for day in range(7):
        if not draw(st.booleans()):
            continue
        start = draw(st.integers(0, 46)) * 30
        end = draw(st.integers(start // 30 + 1, 48)) * 30
        ranges.append(DayHours(day, start, end))
    assume(ranges)
    return check_week(ranges)


@st.composite
def busy_lists(draw: st.DrawFn, now: datetime.datetime) -> list[tuple[datetime.datetime, datetime.datetime]]:
    rows = []
    for _ in range(draw(st.integers(0, 25))):
        start = now + datetime.timedelta(minutes=draw(st.integers(-600, 60 * 24 * 50)))
        rows.append((start, start + datetime.timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90, 180])))))
    return rows


def inside(week: WeeklyHours, start: datetime.datetime, end: datetime.datetime) -> bool:
    """Every minute of [start, end) falls in a range of that person's local weekday (read minute by minute)."""
    moment = start
    while moment < end:
        local = moment.astimezone(week.zone)
        minute = local.hour * 60 + local.minute
        if not any(r.weekday == local.weekday() and r.start <= minute < r.end for r in week.ranges):
            return False
        moment += datetime.timedelta(minutes=1)
    return True


def series_starts(first: datetime.datetime, zone: str, cadence: Cadence, count: int) -> list[datetime.datetime]:
    """The series' first meetings as meetings.recurrence really expands them."""
    local = first.astimezone(ZoneInfo(zone))
    if cadence == Cadence.ONCE:
        return [first]
    choice = ScheduleChoice(
        frequency=Frequency(cadence.value),
        first_date=local.date(),
        start_time=local.time().replace(tzinfo=None),
        zone=zone,
        ending=Ending.AFTER_COUNT,
        count=count,
    )
    rule = build_rrule(choice)
    return expand(
        rule, choice.dtstart_local, zone, first - datetime.timedelta(hours=1), first + datetime.timedelta(days=400)
    )


CADENCES = [Cadence.ONCE, Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY_WEEKDAY, Cadence.MONTHLY_DAY]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(
    zone_a=st.sampled_from(ZONES),
    zone_b=st.sampled_from(ZONES),
    week_a=weeks(),
    week_b=weeks(),
    pivot=st.sampled_from(PIVOTS),
    shift=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    cadence=st.sampled_from(CADENCES),
    duration=st.sampled_from([30, 45, 60, 90]),
    data=st.data(),
)
def test_every_slot_suits_both_and_clashes_with_nothing(
    zone_a: str,
    zone_b: str,
    week_a: tuple[DayHours, ...],
    week_b: tuple[DayHours, ...],
    pivot: datetime.datetime,
    shift: int,
    cadence: Cadence,
    duration: int,
    data: st.DataObject,
) -> None:
    now = pivot + datetime.timedelta(minutes=shift)
    busy_rows = data.draw(busy_lists(now))
    organiser = WeeklyHours(ZoneInfo(zone_a), week_a)
    guest = WeeklyHours(ZoneInfo(zone_b), week_b)
    length = datetime.timedelta(minutes=duration)
    search = SlotSearch(duration=length, cadence=cadence, occurrences=3)
    slots = find_slots(organiser=organiser, guest=guest, busy=Busy.of(busy_rows), now=now, search=search)
    assert len(slots) <= search.count
    assert slots == sorted(set(slots))
    for slot in slots:
        assert slot.tzinfo is not None and slot > now
        for start in series_starts(slot, zone_a, cadence, search.occurrences):
            end = start + length
            assert inside(organiser, start, end), (slot, start)
            assert inside(guest, start, end), (slot, start)
            assert not any(b_start < end and start < b_end for b_start, b_end in busy_rows), (slot, start)


@settings(max_examples=80, deadline=None)
@given(zone_a=st.sampled_from(ZONES), zone_b=st.sampled_from(ZONES), pivot=st.sampled_from(PIVOTS))
def test_people_in_the_same_hours_always_get_proposals(zone_a: str, zone_b: str, pivot: datetime.datetime) -> None:
    # Round the clock on every day: whatever the zones, the next days hold plenty of weekly slots.
    always = tuple(DayHours(day, 0, 1440) for day in range(7))
    search = SlotSearch(duration=datetime.timedelta(hours=1), cadence=Cadence.WEEKLY)
    slots = find_slots(
        organiser=WeeklyHours(ZoneInfo(zone_a), always),
        guest=WeeklyHours(ZoneInfo(zone_b), always),
        busy=Busy.of([]),
        now=pivot,
        search=search,
    )
    assert len(slots) == search.count


@settings(max_examples=200, deadline=None)
@given(
    first=st.dates(datetime.date(2026, 1, 1), datetime.date(2028, 12, 31)),
    cadence=st.sampled_from([Cadence.WEEKLY, Cadence.BIWEEKLY, Cadence.MONTHLY_WEEKDAY, Cadence.MONTHLY_DAY]),
)
def test_occurrence_dates_are_the_series_dates(first: datetime.date, cadence: Cadence) -> None:
    start = datetime.datetime.combine(first, datetime.time(12), tzinfo=UTC)
    expected = [s.date() for s in series_starts(start, "UTC", cadence, 4)]
    assert occurrence_dates(first, cadence, 4) == expected


def test_london_and_los_angeles_meet_in_the_overlap_and_the_label_shows_both_clocks() -> None:
    london = WeeklyHours(ZoneInfo("Europe/London"))
    la = WeeklyHours(ZoneInfo("America/Los_Angeles"))
    now = datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)  # a Tuesday
    search = SlotSearch(duration=datetime.timedelta(minutes=60), cadence=Cadence.WEEKLY)
    slots = find_slots(organiser=london, guest=la, busy=Busy.of([]), now=now, search=search)
    # 09:00-17:00 in both zones: London's day ends (17:00 UTC) as California's begins, so nothing fits.
    assert slots == []
    early_la = WeeklyHours(ZoneInfo("America/Los_Angeles"), tuple(DayHours(d, 7 * 60, 15 * 60) for d in range(5)))
    slots = find_slots(organiser=london, guest=early_la, busy=Busy.of([]), now=now, search=search)
    assert slots[0] == datetime.datetime(2026, 12, 1, 15, tzinfo=UTC)
    label = slot_label(slots[0], viewer=london, other=early_la, other_name="Kenji")
    assert label == "Tue 1 Dec 15:00 for you, 07:00 for Kenji"


def test_existing_meetings_push_the_proposal_to_another_time() -> None:
    berlin = WeeklyHours(ZoneInfo("Europe/Berlin"))
    now = datetime.datetime(2026, 12, 1, 6, tzinfo=UTC)
    search = SlotSearch(duration=datetime.timedelta(minutes=60), cadence=Cadence.ONCE, per_day=1)
    first = find_slots(organiser=berlin, guest=berlin, busy=Busy.of([]), now=now, search=search)[0]
    assert first == datetime.datetime(2026, 12, 1, 8, tzinfo=UTC)
    busy = Busy.of([(first, first + datetime.timedelta(minutes=30))])
    moved = find_slots(organiser=berlin, guest=berlin, busy=busy, now=now, search=search)[0]
    assert moved == datetime.datetime(2026, 12, 1, 8, 30, tzinfo=UTC)


def test_a_series_that_stops_suiting_after_a_clock_change_is_not_offered() -> None:
    # London 16:30 is New York 11:30 in winter but 12:30 in the US summer weeks before Europe changes; someone
    # in New York free only until 12:00 can take the first meeting but not the ones after 14 March 2027.
    london = WeeklyHours(ZoneInfo("Europe/London"), (DayHours(2, 16 * 60 + 30, 17 * 60 + 30),))
    new_york = WeeklyHours(ZoneInfo("America/New_York"), (DayHours(2, 9 * 60, 12 * 60),))
    now = datetime.datetime(2027, 3, 8, 8, tzinfo=UTC)
    once = SlotSearch(duration=datetime.timedelta(minutes=30), cadence=Cadence.ONCE, count=1)
    weekly = SlotSearch(duration=datetime.timedelta(minutes=30), cadence=Cadence.WEEKLY, count=1, days_ahead=14)
    assert find_slots(organiser=london, guest=new_york, busy=Busy.of([]), now=now, search=once)
    assert find_slots(organiser=london, guest=new_york, busy=Busy.of([]), now=now, search=weekly) == []


def test_the_series_end_limits_the_search() -> None:
    berlin = WeeklyHours(ZoneInfo("Europe/Berlin"))
    now = datetime.datetime(2026, 12, 1, 6, tzinfo=UTC)
    search = SlotSearch(duration=datetime.timedelta(minutes=60), until=datetime.date(2026, 12, 2))
    slots = find_slots(organiser=berlin, guest=berlin, busy=Busy.of([]), now=now, search=search)
    assert [s.date() for s in slots] == [datetime.date(2026, 12, 1), datetime.date(2026, 12, 2)]


@pytest.mark.parametrize("value", ["weekly", "nonsense", ""])
def test_cadence_of_any_text(value: str) -> None:
    assert Cadence.of(value) in Cadence


def test_local_nine_stays_nine_across_the_clock_change() -> None:
    # Friday 26 March 2027, before Europe moves its clocks on Sunday: Monday's 09:00 in Berlin is 07:00 UTC.
    berlin = WeeklyHours(ZoneInfo("Europe/Berlin"), (DayHours(0, 9 * 60, 10 * 60),))
    now = datetime.datetime(2027, 3, 26, 12, tzinfo=UTC)
    search = SlotSearch(duration=datetime.timedelta(hours=1), cadence=Cadence.WEEKLY, count=1)
    (slot,) = find_slots(organiser=berlin, guest=berlin, busy=Busy.of([]), now=now, search=search)
    assert slot == datetime.datetime(2027, 3, 29, 7, tzinfo=UTC)
    before = datetime.datetime(2027, 3, 15, 12, tzinfo=UTC)
    (winter,) = find_slots(organiser=berlin, guest=berlin, busy=Busy.of([]), now=before, search=search)
    assert winter == datetime.datetime(2027, 3, 22, 8, tzinfo=UTC)
