"""Turn meeting rows into calendar files with the pure builders in icalendar_export."""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django.db.models import Q

from meetings.icalendar_export import (
    RENDER_ERRORS,
    EventStatus,
    MeetingEvent,
    OccurrenceOverride,
    SeriesEvent,
    calendar_for_meeting,
    calendar_for_series,
    feed_calendar,
)
from meetings.links import is_video_provider
from meetings.models import Meeting, MeetingSeries
from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from relationships.models import Relationship

logger = logging.getLogger(__name__)


class CalendarUnavailable(Exception):
    """A stored series or meeting the calendar builders cannot turn into a file (a row the forms would refuse)."""


def _wall_clock(moment: datetime.datetime, zone: str) -> datetime.datetime:
    """The naive local time the calendar builders expect."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def _where(provider: str, location: str) -> tuple[str, str]:
    """(LOCATION text, conference URL) for a meeting's place."""
    if is_video_provider(provider):
        return location, location
    return location, ""


def _summary(title: str, relationship: Relationship) -> str:
    return f"{title}: {relationship.mentee.display_name} & {relationship.mentor.display_name}"


def series_event(series: MeetingSeries, overrides: Iterable[Meeting] = ()) -> SeriesEvent:
    location, conference = _where(series.provider, series.location)
    return SeriesEvent(
        uid=series.uid,
        summary=_summary(series.title, series.relationship),
        rrule=series.rrule,
        dtstart_local=series.dtstart_local,
        zone=series.zone,
        duration=series.duration,
        sequence=series.sequence,
        location=location,
        conference_url=conference,
        url=absolute_url(series.relationship.get_absolute_url()),
        stamp=series.updated_at,
        overrides=tuple(_override(series, meeting) for meeting in overrides),
    )


def _override(series: MeetingSeries, meeting: Meeting) -> OccurrenceOverride:
    if meeting.status == Meeting.Status.CANCELLED:
        # At the row's own time and length: a meeting moved and then cancelled is crossed out where it was, and
        # one cancelled before a series edit keeps the length it had.
        return OccurrenceOverride(
            recurrence_id=meeting.original_start,
            start_local=_wall_clock(meeting.start, meeting.zone),
            end_local=_wall_clock(meeting.end, meeting.zone),
            zone=meeting.zone,
            status=EventStatus.CANCELLED,
            sequence=max(meeting.sequence, series.sequence),
            stamp=meeting.updated_at,
        )
    location, _conference = _where(meeting.provider, meeting.location)
    return OccurrenceOverride(
        recurrence_id=meeting.original_start,
        start_local=_wall_clock(meeting.start, meeting.zone),
        end_local=_wall_clock(meeting.end, meeting.zone),
        zone=meeting.zone,
        sequence=max(meeting.sequence, series.sequence),
        location=location,
        url=absolute_url(meeting.get_absolute_url()),
        stamp=meeting.updated_at,
    )


def meeting_event(meeting: Meeting) -> MeetingEvent:
    location, conference = _where(meeting.provider, meeting.location)
    return MeetingEvent(
        uid=meeting.uid,
        summary=_summary(meeting.title, meeting.relationship),
        start_local=_wall_clock(meeting.start, meeting.zone),
        zone=meeting.zone,
        duration=meeting.end - meeting.start,
        sequence=meeting.sequence,
        status=EventStatus.CANCELLED if meeting.status == Meeting.Status.CANCELLED else EventStatus.CONFIRMED,
        location=location,
        conference_url=conference,
        url=absolute_url(meeting.get_absolute_url()),
        stamp=meeting.updated_at,
    )


def series_ics(series: MeetingSeries) -> bytes:
    overrides = series.meetings.filter(is_override=True)
    try:
        return calendar_for_series(series_event(series, overrides), name=series.title)
    except RENDER_ERRORS as exc:
        raise CalendarUnavailable(f"series {series.pk}") from exc


def meeting_ics(meeting: Meeting) -> bytes:
    """One meeting's file; an occurrence comes with its whole series so calendars keep a single entry."""
    if meeting.series_id:
        return series_ics(meeting.series)
    try:
        return calendar_for_meeting(meeting_event(meeting), name=meeting.title)
    except RENDER_ERRORS as exc:
        raise CalendarUnavailable(f"meeting {meeting.pk}") from exc


def _left_out(uid: str, error: Exception) -> None:
    logger.warning("Left %s out of a calendar feed: %s: %s", uid, type(error).__name__, error)


def person_feed(user: User) -> bytes:
    """Every meeting of this person's relationships, in three queries whatever their number."""
    # A subquery on the relationships lets each lookup use the relationship index, however many others exist.
    mine = Q(relationship__in=Relationship.objects.filter(Q(mentee=user) | Q(mentor=user)).values("pk"))
    series_list = list(
        MeetingSeries.objects.filter(mine).select_related("relationship__mentee", "relationship__mentor")
    )
    overrides: dict[int, list[Meeting]] = defaultdict(list)
    for meeting in Meeting.objects.filter(mine, series__isnull=False, is_override=True).only(
        "series_id",
        "original_start",
        "start",
        "end",
        "zone",
        "status",
        "sequence",
        "provider",
        "location",
        "updated_at",
        "pk",
    ):
        overrides[meeting.series_id].append(meeting)
    one_offs = Meeting.objects.filter(mine, series__isnull=True).select_related(
        "relationship__mentee", "relationship__mentor"
    )
    series_events: list[SeriesEvent] = []
    for series in series_list:
        try:
            series_events.append(series_event(series, overrides.get(series.pk, ())))
        except RENDER_ERRORS as exc:
            _left_out(series.uid, exc)
    meeting_events: list[MeetingEvent] = []
    for meeting in one_offs:
        try:
            meeting_events.append(meeting_event(meeting))
        except RENDER_ERRORS as exc:
            _left_out(meeting.uid, exc)
    return feed_calendar(f"Mentorship: {user.display_name}", series_events, meeting_events, on_error=_left_out)
