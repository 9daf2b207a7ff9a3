"""RFC 5545 calendars for meeting series and one-off meetings, built with the ``icalendar`` library (7.x).

Pure Python: callers hand in the plain dataclasses below (the Django layer maps its models onto them) and get
the bytes of a VCALENDAR back.

What the output promises, because calendar apps rely on it:

* every TZID used has its VTIMEZONE (generated from zoneinfo by ``icalendar.Timezone.from_tzid``) placed before
  the events, covering the years the calendar touches;
* DTSTART/DTEND carry the series' TZID, so the wall-clock time survives daylight-saving changes;
* UNTIL is in UTC, as RFC 5545 requires when DTSTART has a TZID;
* a changed or cancelled occurrence is a VEVENT with the master's UID and a RECURRENCE-ID written in the
  *master's* zone (even when the occurrence was moved to another zone), with STATUS:CANCELLED for cancellations;
* the same input gives the same bytes (no random UIDs, ``now`` is a parameter), so feeds can use ETags.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Conference, Event, Timezone, vDuration, vRecur

from meetings.recurrence import (
    MAX_YEAR,
    MIN_YEAR,
    check_year,
    get_zone,
    last_occurrence,
    local_to_utc,
    normalize_rrule,
    validate_local_start,
)

__all__ = [
    "PRODID",
    "RENDER_ERRORS",
    "EventStatus",
    "MeetingEvent",
    "OccurrenceOverride",
    "SeriesEvent",
    "calendar_for_meeting",
    "calendar_for_series",
    "feed_calendar",
]

PRODID = "-//Mentorship//Meetings//EN"
# VTIMEZONE covers at least this many years past "now" for open-ended series, so strict clients that only read
# the VTIMEZONE (and not their own zone database) still get summer time right for years to come.
OPEN_ENDED_YEARS = 5
DEFAULT_REFRESH = timedelta(hours=1)
# What a row the forms would refuse (written by hand, or before the forms checked it) makes the builders raise:
# a rule dateutil cannot walk, a date at the edge of the calendar, text a content line cannot hold.
RENDER_ERRORS = (ValueError, IndexError, OverflowError, KeyError, TypeError, AssertionError)

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_LINE_BREAKS = re.compile(r"[\r\n\t]+")


class EventStatus(StrEnum):
    CONFIRMED = "CONFIRMED"
    TENTATIVE = "TENTATIVE"
    CANCELLED = "CANCELLED"


@dataclass(frozen=True, slots=True)
class OccurrenceOverride:
    """One occurrence of a series that differs from the rule: moved, retitled or cancelled.

    ``recurrence_id`` names the occurrence by its original start: naive = the wall-clock slot in the series' zone
    as the rule generates it; aware = the instant (as :func:`meetings.recurrence.expand` returns it).
    ``start_local``/``end_local`` are naive wall-clock times in ``zone`` (default: the series' zone); leaving
    ``start_local`` out keeps the original slot, leaving ``end_local`` out keeps the series' length. Fields left
    None inherit the series' text.
    """

    recurrence_id: datetime
    start_local: datetime | None = None
    end_local: datetime | None = None
    zone: str | None = None
    status: EventStatus = EventStatus.CONFIRMED
    sequence: int = 0
    summary: str | None = None
    description: str | None = None
    location: str | None = None
    url: str | None = None
    stamp: datetime | None = None

    @classmethod
    def cancelled(
        cls, recurrence_id: datetime, *, sequence: int = 0, stamp: datetime | None = None
    ) -> OccurrenceOverride:
        return cls(recurrence_id=recurrence_id, status=EventStatus.CANCELLED, sequence=sequence, stamp=stamp)


@dataclass(frozen=True, slots=True)
class SeriesEvent:
    """A recurring meeting series.

    ``uid`` must be stable and globally unique (e.g. ``f"series-{pk}@{host}"``). ``rrule`` is the value stored by
    :func:`meetings.recurrence.build_rrule`. ``exdates`` are occurrences removed without a trace (EXDATE);
    cancellations people should see belong in ``overrides`` as :meth:`OccurrenceOverride.cancelled`.
    ``stamp`` is when the series last changed (DTSTAMP and LAST-MODIFIED); None uses the builder's ``now``.
    ``url`` is the meeting page in the app; ``conference_url`` the video link, if any.
    """

    uid: str
    summary: str
    rrule: str
    dtstart_local: datetime
    zone: str
    duration: timedelta
    sequence: int = 0
    status: EventStatus = EventStatus.CONFIRMED
    description: str = ""
    location: str = ""
    url: str = ""
    conference_url: str = ""
    exdates: tuple[datetime, ...] = ()
    overrides: tuple[OccurrenceOverride, ...] = ()
    stamp: datetime | None = None


@dataclass(frozen=True, slots=True)
class MeetingEvent:
    """A meeting that does not repeat. ``start_local`` is a naive wall-clock time in ``zone``."""

    uid: str
    summary: str
    start_local: datetime
    zone: str
    duration: timedelta
    sequence: int = 0
    status: EventStatus = EventStatus.CONFIRMED
    description: str = ""
    location: str = ""
    url: str = ""
    conference_url: str = ""
    stamp: datetime | None = None


# -- time helpers --------------------------------------------------------------------------------------------


def _naive(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is not None:
        raise ValueError(f"{what} must be a naive wall-clock datetime")
    return moment.replace(microsecond=0)


def _aware_utc(moment: datetime | None, fallback: datetime) -> datetime:
    if moment is None:
        return fallback
    if moment.tzinfo is None:
        raise ValueError("stamps must be aware datetimes")
    return moment.astimezone(UTC).replace(microsecond=0)


def _in_zone(moment: datetime, zone: ZoneInfo) -> datetime:
    """A naive slot or an aware instant, as an aware datetime in ``zone`` (how icalendar writes a TZID)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone, fold=0, microsecond=0)
    return moment.astimezone(zone).replace(microsecond=0)


def _start(local: datetime, zone: str) -> datetime:
    validate_local_start(_naive(local, "start"), zone)
    return local.replace(tzinfo=get_zone(zone), fold=0, microsecond=0)


def _end(start: datetime, duration: timedelta, zone_name: str) -> datetime:
    """The end as an exact duration after the start, written in the start's zone when that is unambiguous.

    Adding on the wall clock would stretch or shrink meetings that cross a clock change; adding on the instant
    can land in the repeated hour, whose second pass a TZID time cannot express, so that one case is written
    in UTC (allowed: both are DATE-TIME values that are not floating).
    """
    if duration <= timedelta(0):
        raise ValueError("a meeting must last longer than zero minutes")
    end_utc = start.astimezone(UTC) + duration
    end_local = end_utc.astimezone(get_zone(zone_name))
    if local_to_utc(end_local.replace(tzinfo=None, fold=0), zone_name) == end_utc:
        return end_local.replace(fold=0)
    return end_utc


def _explicit_end(start: datetime, end_local: datetime | None, zone_name: str, duration: timedelta) -> datetime:
    if end_local is None:
        return _end(start, duration, zone_name)
    end = _in_zone(_naive(end_local, "end_local"), get_zone(zone_name))
    if end.astimezone(UTC) <= start.astimezone(UTC):
        raise ValueError("an occurrence must end after it starts")
    return end


# -- text --------------------------------------------------------------------------------------------------


def _one_line(text: str) -> str:
    """Text for a property that holds one line (a name, a summary, a place): breaks become spaces.

    icalendar escapes line breaks in most properties but not in every one (NAME is written raw, and a CR/LF in a
    meeting title made the single-meeting file fail), so the builders never hand it a break where none belongs.
    """
    return _CONTROL.sub("", _LINE_BREAKS.sub(" ", text)).strip()


def _paragraphs(text: str) -> str:
    """Text for DESCRIPTION: line breaks kept (icalendar escapes them), other control characters dropped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _check_years(*moments: datetime | None) -> None:
    """Refuse an event outside the years the app plans in, before any expansion can wander to year 9999."""
    for moment in moments:
        if moment is not None:
            check_year(moment, field=None)


# -- components ----------------------------------------------------------------------------------------------


def _description(text: str, url: str, conference_url: str) -> str:
    # Several calendar apps ignore URL and CONFERENCE, so the links are repeated where everyone shows them.
    lines = [text.strip()] if text.strip() else []
    if conference_url and conference_url not in text:
        lines.append(f"Join: {conference_url}")
    if url and url not in text:
        lines.append(f"Meeting page: {url}")
    return "\n\n".join(lines)


def _event(
    *,
    uid: str,
    summary: str,
    start: datetime,
    end: datetime,
    sequence: int,
    status: EventStatus,
    description: str,
    location: str,
    url: str,
    conference_url: str,
    stamp: datetime,
    changed: bool,
    recurrence_id: datetime | None = None,
) -> Event:
    return Event.new(
        uid=uid,
        summary=_one_line(summary),
        start=start,
        end=end,
        sequence=sequence,
        status=EventStatus(status).value,
        description=_paragraphs(_description(description, url, conference_url)) or None,
        location=_one_line(location) or None,
        url=_one_line(url) or None,
        stamp=stamp,
        last_modified=stamp if changed else None,
        recurrence_id=recurrence_id,
        conferences=[Conference(conference_url, feature="VIDEO")] if conference_url else None,
    )


def _series_components(series: SeriesEvent, now: datetime) -> list[Event]:
    # With its own stamp a series' components do not depend on `now`, so the key leaves it out.
    return list(_cached_series_components(series, None if series.stamp is not None else now))


@lru_cache(maxsize=2048)
def _cached_series_components(series: SeriesEvent, now: datetime | None) -> tuple[Event, ...]:
    # A subscribed calendar asks for the same feed every few hours and most series have not changed meanwhile.
    # The key is the whole frozen description of the series (overrides included), so a changed series is a new
    # key and nothing has to be invalidated. Like the VTIMEZONEs above, the cached events are only serialised.
    now = now if now is not None else series.stamp  # one of the two is set, see above
    zone = get_zone(series.zone)
    _check_years(series.dtstart_local, *(override.recurrence_id for override in series.overrides))
    start = _start(series.dtstart_local, series.zone)
    stamp = _aware_utc(series.stamp, now)
    master = _event(
        uid=series.uid,
        summary=series.summary,
        start=start,
        end=_end(start, series.duration, series.zone),
        sequence=series.sequence,
        status=series.status,
        description=series.description,
        location=series.location,
        url=series.url,
        conference_url=series.conference_url,
        stamp=stamp,
        changed=series.stamp is not None,
    )
    master.add("RRULE", vRecur.from_ical(normalize_rrule(series.rrule, series.zone)))

    overrides = _overrides_by_instant(series.overrides, zone)
    # An occurrence that has an override is described by it; an EXDATE as well would remove what it describes.
    exdates = sorted(
        {_in_zone(ex, zone) for ex in series.exdates if _in_zone(ex, zone).astimezone(UTC) not in overrides},
        key=lambda moment: moment.astimezone(UTC),
    )
    if exdates:
        master.add("EXDATE", exdates)

    components = [master]
    for instant in sorted(overrides):
        components.append(_override_component(series, overrides[instant], zone, stamp))
    return tuple(components)


def _overrides_by_instant(
    overrides: Iterable[OccurrenceOverride], zone: ZoneInfo
) -> dict[datetime, OccurrenceOverride]:
    by_instant: dict[datetime, OccurrenceOverride] = {}
    for override in overrides:
        instant = _in_zone(override.recurrence_id, zone).astimezone(UTC)
        if instant in by_instant:
            raise ValueError(f"two overrides for the same occurrence ({instant:%Y-%m-%d %H:%M} UTC)")
        by_instant[instant] = override
    return by_instant


def _override_component(
    series: SeriesEvent, override: OccurrenceOverride, zone: ZoneInfo, master_stamp: datetime
) -> Event:
    recurrence_id = _in_zone(override.recurrence_id, zone)
    if override.start_local is None:
        start_zone = series.zone
        start = recurrence_id
    else:
        start_zone = override.zone or series.zone
        start = _start(override.start_local, start_zone)
    stamp = _aware_utc(override.stamp, master_stamp)
    return _event(
        uid=series.uid,
        summary=series.summary if override.summary is None else override.summary,
        start=start,
        end=_explicit_end(start, override.end_local, start_zone, series.duration),
        # Clients drop an override whose SEQUENCE is lower than its master's.
        sequence=max(series.sequence, override.sequence),
        status=override.status,
        description=series.description if override.description is None else override.description,
        location=series.location if override.location is None else override.location,
        url=series.url if override.url is None else override.url,
        conference_url=series.conference_url,
        stamp=stamp,
        changed=override.stamp is not None or series.stamp is not None,
        recurrence_id=recurrence_id,
    )


def _meeting_component(meeting: MeetingEvent, now: datetime) -> Event:
    _check_years(meeting.start_local)
    start = _start(meeting.start_local, meeting.zone)
    return _event(
        uid=meeting.uid,
        summary=meeting.summary,
        start=start,
        end=_end(start, meeting.duration, meeting.zone),
        sequence=meeting.sequence,
        status=meeting.status,
        description=meeting.description,
        location=meeting.location,
        url=meeting.url,
        conference_url=meeting.conference_url,
        stamp=_aware_utc(meeting.stamp, now),
        changed=meeting.stamp is not None,
    )


# -- calendars -----------------------------------------------------------------------------------------------


def _rfc_onset(onset: datetime, offset_from: timedelta, offset_to: timedelta, zone: ZoneInfo) -> datetime:
    """The onset of an observance as RFC 5545 defines it: the wall-clock time *before* the change.

    icalendar 7 writes spring-forward onsets as the wall-clock time after the jump (03:00 instead of 02:00 in
    Berlin), which readers that follow the RFC (icalendar itself included) place an hour late. Whichever reading
    matches zoneinfo's real transition instant is the one we keep.
    """
    for instant in (onset - offset_from, onset - offset_to):
        utc = instant.replace(tzinfo=UTC)
        before = (utc - timedelta(seconds=1)).astimezone(zone).utcoffset()
        if before == offset_from and utc.astimezone(zone).utcoffset() == offset_to:
            return instant + offset_from
    return onset


def _fix_onsets(vtimezone: Timezone, zone: ZoneInfo) -> Timezone:
    for observance in vtimezone.subcomponents:
        offset_from = observance["TZOFFSETFROM"].td
        offset_to = observance["TZOFFSETTO"].td
        if offset_from == offset_to:
            continue  # the opening observance of the range, not a change
        observance.DTSTART = _rfc_onset(observance.DTSTART, offset_from, offset_to, zone)
        if "RDATE" in observance:
            onsets = [item.dt for rdate in _as_list(observance["RDATE"]) for item in rdate.dts]
            del observance["RDATE"]
            observance.add("RDATE", [_rfc_onset(onset, offset_from, offset_to, zone) for onset in onsets])
    return vtimezone


def _as_list(value: object) -> list:
    return value if isinstance(value, list) else [value]


@lru_cache(maxsize=256)
def _vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    # Building one walks the zone's history in coarse steps: a few milliseconds, worth caching. The cached
    # component is only ever serialised, never changed after _fix_onsets.
    vtimezone = Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=date(last_year, 1, 1))
    return _fix_onsets(vtimezone, get_zone(tzid))


def _years(calendar: Calendar, now: datetime, last_starts: Iterable[datetime | None]) -> tuple[int, int]:
    """The years the VTIMEZONEs must cover: from the earliest date written to the last occurrence.

    An open-ended series (None in ``last_starts``) is covered until OPEN_ENDED_YEARS after ``now``.
    """
    years = [now.year]
    for component in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
            if name in component:
                years.append(component[name].dt.year)
    for last_start in last_starts:
        years.append(now.year + OPEN_ENDED_YEARS if last_start is None else last_start.year)
    # Events are checked against these years before they get here; the clamp keeps date() valid regardless.
    return max(min(years) - 1, MIN_YEAR), min(max(years) + 1, MAX_YEAR)


def _finish(calendar: Calendar, now: datetime, last_starts: Iterable[datetime | None] = ()) -> bytes:
    first_year, last_year = _years(calendar, now, last_starts)
    # Sorted, so the bytes do not depend on set order; inserted first, so they precede the events using them.
    # Every TZID gets its VTIMEZONE here (get_zone() refused unknown zones long before), so there is no need to
    # walk a large feed a second time to check.
    for index, tzid in enumerate(sorted(calendar.get_missing_tzids())):
        calendar.subcomponents.insert(index, _vtimezone(tzid, first_year, last_year))
    return calendar.to_ical()


def _new_calendar(name: str, *, refresh: timedelta | None = None, description: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.calscale = "GREGORIAN"
    calendar.method = "PUBLISH"
    calendar.calendar_name = _one_line(name)  # writes NAME (RFC 7986) and X-WR-CALNAME
    if description:
        calendar.description = _paragraphs(description)
    if refresh is not None:
        # RFC 7986 requires VALUE=DURATION here; X-PUBLISHED-TTL is the name Outlook reads.
        calendar.add("REFRESH-INTERVAL", vDuration(refresh), parameters={"VALUE": "DURATION"})
        calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    return calendar


def _now(now: datetime | None) -> datetime:
    return _aware_utc(now, datetime.now(UTC).replace(microsecond=0))


def _last_start(series: SeriesEvent) -> datetime | None:
    return _cached_last_start(series.rrule, _naive(series.dtstart_local, "dtstart"), series.zone)


@lru_cache(maxsize=4096)
def _cached_last_start(rrule: str, dtstart_local: datetime, zone: str) -> datetime | None:
    # A feed is rendered again and again while its series rarely change; walking every occurrence of every
    # finite series just to size the VTIMEZONEs was the largest cost of a repeat render.
    return last_occurrence(normalize_rrule(rrule, zone), dtstart_local, zone)


def calendar_for_series(series: SeriesEvent, *, name: str | None = None, now: datetime | None = None) -> bytes:
    """An .ics file with one series: its master VEVENT and one VEVENT per override."""
    moment = _now(now)
    calendar = _new_calendar(name or series.summary)
    for component in _series_components(series, moment):
        calendar.add_component(component)
    return _finish(calendar, moment, [_last_start(series)])


def calendar_for_meeting(meeting: MeetingEvent, *, name: str | None = None, now: datetime | None = None) -> bytes:
    """An .ics file with one meeting that does not repeat.

    For one occurrence of a series, offer the series' file instead: a separate UID would make calendars show
    the meeting twice once the series is imported too.
    """
    moment = _now(now)
    calendar = _new_calendar(name or meeting.summary)
    calendar.add_component(_meeting_component(meeting, moment))
    return _finish(calendar, moment)


def feed_calendar(
    name: str,
    series_list: Sequence[SeriesEvent],
    one_offs: Sequence[MeetingEvent],
    *,
    now: datetime | None = None,
    refresh: timedelta = DEFAULT_REFRESH,
    description: str | None = None,
    on_error: Callable[[str, Exception], None] | None = None,
) -> bytes:
    """A subscription feed: every series (with its overrides) and every one-off meeting, ordered by UID.

    With ``on_error``, an event that cannot be built is left out and reported as (uid, error), so one broken
    series never takes a person's whole feed down; without it, the error propagates.
    """
    moment = _now(now)
    calendar = _new_calendar(name, refresh=refresh, description=description)
    uids = [s.uid for s in series_list] + [m.uid for m in one_offs]
    if len(set(uids)) != len(uids):
        raise ValueError("every series and meeting in a feed needs its own UID")
    last_starts: list[datetime | None] = []
    for series in sorted(series_list, key=lambda s: s.uid):
        try:
            components = _series_components(series, moment)
            last_start = _last_start(series)
            _check_years(last_start)
        except RENDER_ERRORS as exc:
            if on_error is None:
                raise
            on_error(series.uid, exc)
            continue
        for component in components:
            calendar.add_component(component)
        last_starts.append(last_start)
    for meeting in sorted(one_offs, key=lambda m: m.uid):
        try:
            component = _meeting_component(meeting, moment)
        except RENDER_ERRORS as exc:
            if on_error is None:
                raise
            on_error(meeting.uid, exc)
            continue
        calendar.add_component(component)
    return _finish(calendar, moment, last_starts)
