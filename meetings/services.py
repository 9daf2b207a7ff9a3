"""Writes for meetings. Only the two people in a relationship schedule, prepare and wrap up its meetings."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetings import emails
from meetings.links import MeetingLinkError, validate_meeting_link
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingFeedback,
    MeetingPrivateNote,
    MeetingSeries,
)
from meetings.recurrence import ScheduleChoice, ScheduleError, expand, local_to_utc
from meetings.window import MeetingWindow
from mentorship.accounts.models import User
from mentorship.common.errors import DomainError
from mentorship.common.paging import ids_by_pk, pages_by_pk
from relationships.models import Relationship, Side
from relationships.services import relationships_touch

logger = logging.getLogger(__name__)

# How far ahead occurrences exist as rows; the daily task keeps this much in front of today.
HORIZON = datetime.timedelta(days=400)


class MeetingError(DomainError):
    """A request the rules refuse. ``field`` names the form field the message belongs to, if any."""


def _require_party(side: str, relationship: Relationship) -> None:
    if side not in (Side.MENTEE, Side.MENTOR):
        raise MeetingError(_("Only the two people in the relationship plan its meetings."))
    if not relationship.is_open:
        raise MeetingError(_("This relationship has ended; its meetings can be read but not changed."))


def _checked_location(provider: str, location: str) -> str:
    try:
        return validate_meeting_link(provider, location).value
    except MeetingLinkError as exc:
        raise MeetingError(exc.message, field="location") from None


# -- series and occurrences --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    title: str
    provider: str
    location: str


def _checked_rrule(relationship: Relationship, choice: ScheduleChoice, series: MeetingSeries | None = None) -> str:
    try:
        return MeetingWindow.for_relationship(relationship, series=series).check_choice(choice)
    except ScheduleError as exc:
        raise MeetingError(exc.message, field=exc.field) from None


@transaction.atomic
def series_create(
    *, relationship: Relationship, side: str, actor: User, choice: ScheduleChoice, place: Place
) -> MeetingSeries:
    _require_party(side, relationship)
    rrule = _checked_rrule(relationship, choice)
    series = MeetingSeries.objects.create(
        relationship=relationship,
        organiser=actor,
        title=place.title,
        zone=choice.zone,
        first_date=choice.first_date,
        start_time=choice.start_time.replace(second=0, microsecond=0),
        duration_minutes=choice.duration_minutes,
        rrule=rrule,
        provider=place.provider,
        location=_checked_location(place.provider, place.location),
    )
    series_materialise(series=series, until=timezone.now() + HORIZON)
    emails.meeting_scheduled(series=series, actor=actor)
    return series


def _occurrence_starts(
    series: MeetingSeries, start: datetime.datetime, end: datetime.datetime
) -> list[datetime.datetime]:
    return expand(series.rrule, series.dtstart_local, series.zone, start, end)


def _occurrence_rows(
    series: MeetingSeries, since: datetime.datetime, until: datetime.datetime
) -> list[tuple[int, int, int]]:
    """(series id, start, end) of each occurrence, the instants as Unix seconds (occurrences start on a minute).

    Everything else an occurrence row holds comes from its series. Integers, because turning a few hundred
    thousand aware datetimes into text for the database cost more than finding them.
    """
    length, pk = int(series.duration.total_seconds()), series.pk
    return [(pk, stamp, stamp + length) for stamp in map(_seconds, _occurrence_starts(series, since, until))]


def _seconds(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


# The Meeting columns the occurrence INSERT writes, in the order of its SELECT; the rest stay NULL on purpose.
# A test compares both lists with the model, so a column added later cannot be skipped here unnoticed.
OCCURRENCE_COLUMNS = (
    "relationship_id",
    "series_id",
    "original_start",
    "start",
    "end",
    "zone",
    "title",
    "provider",
    "location",
    "status",
    "is_override",
    "sequence",
    "shared_notes",
    "created_at",
    "updated_at",
)
OCCURRENCE_LEFT_NULL = ("wrapped_up_at",)


def _insert_occurrences(rows: list[tuple[int, int, int]], now: datetime.datetime) -> None:
    """Insert occurrence rows, skipping those that exist (same series and original start).

    Only the three values that differ per occurrence travel from Python, into a scratch table (by COPY on
    PostgreSQL); one INSERT ... SELECT then takes the rest from the saved series and keeps the conflict rule that
    makes materialising twice harmless. Building and sending fifteen values per row through the ORM, or even as
    SQL parameters, cost more than expanding the recurrence rule itself.
    """
    quote = connection.ops.quote_name
    meeting, series = quote(Meeting._meta.db_table), quote(MeetingSeries._meta.db_table)
    # Unix seconds to the column's type: PostgreSQL's timestamptz, SQLite's text as Django writes it (UTC).
    instant = "to_timestamp({})" if connection.vendor == "postgresql" else "datetime({}, 'unixepoch')"
    start, stop = instant.format("o.start"), instant.format("o.stop")
    stamp = connection.ops.adapt_datetimefield_value(now)
    # On PostgreSQL the scratch table disappears with the transaction whatever happens (and a failed statement
    # rolls its creation back); it is dropped at once as well, because one transaction may stage several batches.
    on_commit = " ON COMMIT DROP" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE occurrence_stage (series_id bigint, start bigint, stop bigint){on_commit}")
        try:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                csv.writer(buffer).writerows(rows)
                buffer.seek(0)
                cursor.cursor.copy_expert("COPY occurrence_stage FROM STDIN WITH (FORMAT csv)", buffer)
            else:
                cursor.executemany("INSERT INTO occurrence_stage VALUES (%s, %s, %s)", rows)
            # Only model table and column names are interpolated; values are parameters. Naming the batch's series
            # lets the join read those few by primary key instead of the whole table, and the WHERE clause lets
            # SQLite read ON CONFLICT as the upsert clause rather than a join condition.
            series_ids = sorted({row[0] for row in rows})
            marks = ", ".join(["%s"] * len(series_ids))
            columns = ", ".join(quote(name) for name in OCCURRENCE_COLUMNS)
            cursor.execute(
                f"INSERT INTO {meeting} ({columns}) "  # noqa: S608  # nosec B608
                f"SELECT s.relationship_id, o.series_id, {start}, {start}, {stop}, s.zone, s.title, s.provider, "
                "s.location, %s, %s, s.sequence, '', %s, %s "
                f"FROM occurrence_stage o JOIN {series} s ON s.id = o.series_id WHERE s.id IN ({marks}) "
                "ON CONFLICT DO NOTHING",
                [Meeting.Status.SCHEDULED.value, False, stamp, stamp, *series_ids],
            )
        except Exception:
            if connection.vendor != "postgresql":
                cursor.execute("DROP TABLE IF EXISTS occurrence_stage")
            raise
        cursor.execute("DROP TABLE occurrence_stage")


def series_materialise(*, series: MeetingSeries, until: datetime.datetime) -> int:
    """Create the occurrence rows up to ``until``; rows that exist already are left untouched."""
    return series_materialise_many(series_list=[series], until=until)


def series_materialise_many(
    *, series_list: Iterable[MeetingSeries], until: datetime.datetime, batch: int = 5000
) -> int:
    """Materialise many series with a few thousand rows per statement, not one round trip per series."""
    written = 0
    now = timezone.now()
    pending: list[tuple] = []
    touched: list[int] = []
    # The pairs whose meetings these are: new rows may show on their pages.
    pairs: set[int] = set()

    def flush() -> None:
        nonlocal written
        with transaction.atomic():
            if pending:
                _insert_occurrences(pending, now)
                written += len(pending)
                pending.clear()
            if touched:
                MeetingSeries.objects.filter(pk__in=touched).update(materialised_until=until)
                touched.clear()
            if pairs:
                relationships_touch(*sorted(pairs))
                pairs.clear()

    for series in series_list:
        if series.ended_at:
            continue
        try:
            rows = _rows_to_materialise(series, until)
        except (ValueError, IndexError, OverflowError):
            # A row the forms would refuse (written by hand, or before the limits existed) must not stop the
            # other series: it is skipped, with the reason in the log, until someone edits or stops it.
            logger.exception("Series %s cannot be expanded; its occurrences are not written", series.pk)
            continue
        if rows is None:
            continue
        pending.extend(rows)
        touched.append(series.pk)
        pairs.add(series.relationship_id)
        series.materialised_until = until
        if len(pending) >= batch:
            flush()
    flush()
    return written


def _rows_to_materialise(series: MeetingSeries, until: datetime.datetime) -> list[tuple[int, int, int]] | None:
    since = series.materialised_until or local_to_utc(series.dtstart_local, series.zone)
    # Never more than a horizon before "now" (until is now + HORIZON): the forms keep first meetings recent,
    # and a stray first date in year 1 would otherwise write every week since then (105,765 rows at once).
    since = max(since, until - 2 * HORIZON)
    if since >= until:
        return None
    return _occurrence_rows(series, since, until)


def _behind(until: datetime.datetime) -> Q:
    late = Q(materialised_until__isnull=True) | Q(materialised_until__lt=until - datetime.timedelta(days=1))
    return late & Q(ended_at__isnull=True)


def horizon_extend(
    *, now: datetime.datetime | None = None, series_ids: list[int] | None = None, batch: int = 500
) -> int:
    """Keep running series materialised HORIZON ahead (all, or those named). Returns the rows written."""
    until = (now or timezone.now()) + HORIZON
    due = MeetingSeries.objects.filter(_behind(until))
    if series_ids is not None:
        due = due.filter(pk__in=series_ids)
    return series_materialise_many(series_list=series_paged(due, size=batch), until=until)


def series_paged(queryset: QuerySet[MeetingSeries], *, size: int = 500) -> Iterator[MeetingSeries]:
    """The series one by one, read a page at a time by primary key.

    Each page is read whole before anything is written: an open cursor would keep a read lock that, on SQLite,
    stops the writer it is waiting for (and PostgreSQL needs no cursor held open across commits either).
    """
    for page in pages_by_pk(queryset, size=size):
        yield from page


def horizon_chunks(*, now: datetime.datetime | None = None, size: int = 2000) -> Iterator[list[int]]:
    """The ids of the series that fell behind, in chunks a worker each can extend (keyset paged)."""
    until = (now or timezone.now()) + HORIZON
    yield from ids_by_pk(MeetingSeries.objects.filter(_behind(until)), size=size)


@transaction.atomic
def series_update(
    *, series: MeetingSeries, side: str, actor: User, choice: ScheduleChoice, place: Place
) -> MeetingSeries:
    """Change the schedule: future occurrences follow, except those already moved or cancelled on their own."""
    _require_party(side, series.relationship)
    if series.ended_at:
        raise MeetingError(_("This series has been stopped. Schedule a new one instead."))
    rrule = _checked_rrule(series.relationship, choice, series)
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    series.title = place.title
    series.zone = choice.zone
    series.first_date = choice.first_date
    series.start_time = choice.start_time.replace(second=0, microsecond=0)
    series.duration_minutes = choice.duration_minutes
    series.rrule = rrule
    series.provider = place.provider
    series.location = _checked_location(place.provider, place.location)
    series.sequence = F("sequence") + 1
    series.save()
    series.refresh_from_db()

    now = timezone.now()
    until = max(series.materialised_until or now, now + HORIZON)
    wanted = set(_occurrence_starts(series, now, until))
    future = series.meetings.filter(start__gte=now, is_override=False, status=Meeting.Status.SCHEDULED)
    stale = list(future.exclude(original_start__in=wanted))
    if stale:
        _carry_agenda_forward(stale, wanted)
        Meeting.objects.filter(pk__in=[m.pk for m in stale]).delete()
    future.filter(original_start__in=wanted).update(
        end=F("start") + series.duration,
        zone=series.zone,
        title=series.title,
        provider=series.provider,
        location=series.location,
        sequence=series.sequence,
    )
    # Rebuild the rows from now on; those kept above are skipped by the occurrence's unique key.
    series.materialised_until = now
    series_materialise(series=series, until=until)
    relationships_touch(series.relationship_id)
    return series


def _carry_agenda_forward(stale: list[Meeting], wanted: set[datetime.datetime]) -> None:
    """Topics added to occurrences that disappear move to the first meeting of the new schedule."""
    if not wanted or not AgendaItem.objects.filter(meeting__in=stale).exists():
        return
    first = min(wanted)
    series = stale[0].series
    target, _created = Meeting.objects.get_or_create(
        series=series,
        original_start=first,
        defaults={
            "relationship_id": series.relationship_id,
            "start": first,
            "end": first + series.duration,
            "zone": series.zone,
            "title": series.title,
            "provider": series.provider,
            "location": series.location,
            "sequence": series.sequence,
        },
    )
    AgendaItem.objects.filter(meeting__in=stale).update(meeting=target)


def _rule_ending_at(rrule: str, last: datetime.datetime) -> str:
    """The stored rule cut after the occurrence starting at ``last``: UNTIL in UTC, as RFC 5545 wants with a TZID."""
    parts = [part for part in rrule.split(";") if part.partition("=")[0] not in ("COUNT", "UNTIL")]
    return ";".join([*parts, f"UNTIL={last.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"])


@transaction.atomic
def series_end(*, series: MeetingSeries, side: str, actor: User) -> MeetingSeries:
    """Stop the series: future occurrences are cancelled, and stay visible as cancelled."""
    _require_party(side, series.relationship)
    if series.ended_at:
        raise MeetingError(_("This series has already been stopped."))
    return _stop_series(series)


def _stop_series(series: MeetingSeries) -> MeetingSeries:
    now = timezone.now()
    last = series.meetings.aggregate(last=Max("original_start"))["last"]
    series.ended_at = now
    if last is not None:
        # Calendars expand the rule themselves; unbounded, it would go on past the last (cancelled) row for ever.
        series.rrule = _rule_ending_at(series.rrule, last)
    series.sequence += 1
    series.save(update_fields=["ended_at", "rrule", "sequence", "updated_at"])
    series.meetings.filter(start__gte=now, status=Meeting.Status.SCHEDULED).update(
        status=Meeting.Status.CANCELLED, is_override=True, sequence=F("sequence") + 1
    )
    relationships_touch(series.relationship_id)
    return series


@transaction.atomic
def meeting_create(
    *,
    relationship: Relationship,
    side: str,
    actor: User,
    start_local: datetime.datetime,
    zone: str,
    duration_minutes: int,
    place: Place,
) -> Meeting:
    """A one-off meeting."""
    _require_party(side, relationship)
    start = _checked_start(relationship, start_local, zone, field="first_date")
    meeting = Meeting.objects.create(
        relationship=relationship,
        start=start,
        end=start + datetime.timedelta(minutes=duration_minutes),
        zone=zone,
        title=place.title,
        provider=place.provider,
        location=_checked_location(place.provider, place.location),
    )
    relationships_touch(relationship.pk)
    emails.meeting_scheduled(meeting=meeting, actor=actor)
    return meeting


def _checked_start(
    relationship: Relationship, start_local: datetime.datetime, zone: str, *, field: str
) -> datetime.datetime:
    local = start_local.replace(tzinfo=None)
    try:
        MeetingWindow.for_relationship(relationship).check_meeting(local, zone, field=field)
        return local_to_utc(local, zone)
    except ScheduleError as exc:
        raise MeetingError(exc.message, field=exc.field) from None


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    side: str,
    actor: User,
    start_local: datetime.datetime,
    zone: str,
    duration_minutes: int,
    place: Place,
) -> Meeting:
    """Move or relocate one meeting; an occurrence stops following its series from then on."""
    _require_party(side, meeting.relationship)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise MeetingError(_("Only a scheduled meeting can be moved."))
    start = _checked_start(meeting.relationship, start_local, zone, field="date")
    meeting.start = start
    meeting.end = start + datetime.timedelta(minutes=duration_minutes)
    meeting.zone = zone
    meeting.title = place.title
    meeting.provider = place.provider
    meeting.location = _checked_location(place.provider, place.location)
    meeting.is_override = meeting.series_id is not None
    meeting.sequence += 1
    meeting.save()
    relationships_touch(meeting.relationship_id)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, side: str, actor: User) -> Meeting:
    _require_party(side, meeting.relationship)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise MeetingError(_("This meeting is not scheduled any more."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.is_override = meeting.series_id is not None
    meeting.sequence += 1
    meeting.save(update_fields=["status", "is_override", "sequence", "updated_at"])
    relationships_touch(meeting.relationship_id)
    return meeting


# -- agenda ------------------------------------------------------------------------------------------------


def agenda_add(*, meeting: Meeting, side: str, actor: User, text: str, needs_extra_time: bool) -> AgendaItem:
    _require_party(side, meeting.relationship)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise MeetingError(_("Topics can only be added to a meeting that is still to come."))
    if not text.strip():
        raise MeetingError(_("Write the topic first."), field="text")
    last = meeting.agenda.aggregate(last=Max("position"))["last"]
    return AgendaItem.objects.create(
        meeting=meeting,
        author=actor,
        text=text.strip(),
        needs_extra_time=needs_extra_time,
        position=(last or 0) + 1,
    )


@transaction.atomic
def agenda_move(*, item: AgendaItem, side: str, direction: int) -> None:
    """Swap a topic with its neighbour above (-1) or below (+1)."""
    _require_party(side, item.meeting.relationship)
    items = list(item.meeting.agenda.select_for_update())
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index + direction
    if not 0 <= target < len(items):
        return
    ordered = items[:]
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, agenda_item in enumerate(ordered, start=1):
        if agenda_item.position != position:
            AgendaItem.objects.filter(pk=agenda_item.pk).update(position=position)


def agenda_toggle_extra_time(*, item: AgendaItem, side: str) -> AgendaItem:
    _require_party(side, item.meeting.relationship)
    item.needs_extra_time = not item.needs_extra_time
    item.save(update_fields=["needs_extra_time"])
    return item


def agenda_delete(*, item: AgendaItem, side: str, actor: User) -> None:
    _require_party(side, item.meeting.relationship)
    if item.author_id != actor.pk:
        raise MeetingError(_("Only the person who added a topic can remove it."))
    item.delete()


# -- wrap-up -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WrapUp:
    status: str
    shared_notes: str
    private_note: str
    rating: int | None
    comment: str
    thank_you: str


@dataclass(frozen=True)
class NewActionItem:
    """An action item typed into the wrap-up, saved with it."""

    description: str
    owner: User
    due_on: datetime.date
    resource_url: str = ""


def wrap_up_not_yet_message(meeting: Meeting, zone: datetime.tzinfo) -> str:
    start = meeting.start.astimezone(zone)
    return _("This meeting has not started yet: you can wrap it up from %(when)s on.") % {
        "when": date_format(start, "l j F Y, H:i")
    }


@transaction.atomic
def meeting_wrap_up(
    *, meeting: Meeting, side: str, actor: User, data: WrapUp, items: Sequence[NewActionItem] = ()
) -> Meeting:
    """Status, notes, feedback, thanks and the action items agreed, saved together or not at all."""
    _require_party(side, meeting.relationship)
    if data.status not in (Meeting.Status.HELD, Meeting.Status.MISSED, Meeting.Status.CANCELLED):
        raise MeetingError(_("Say whether the meeting was held, missed or cancelled."), field="status")
    if not meeting.has_started:
        # Cancelling ahead has its own button on the meeting page; a wrap-up is about a meeting that began.
        raise MeetingError(wrap_up_not_yet_message(meeting, actor.zone), field="status")
    for item in items:
        action_item_add(
            relationship=meeting.relationship,
            side=side,
            actor=actor,
            description=item.description,
            owner=item.owner,
            due_on=item.due_on,
            resource_url=item.resource_url,
            meeting=meeting,
        )
    # Calendars only hear of a cancellation (or its reversal) through a higher SEQUENCE, one-offs included.
    cancelled_changed = (meeting.status == Meeting.Status.CANCELLED) != (data.status == Meeting.Status.CANCELLED)
    meeting.status = data.status
    meeting.shared_notes = data.shared_notes.strip()
    meeting.wrapped_up_at = meeting.wrapped_up_at or timezone.now()
    if cancelled_changed:
        meeting.is_override = meeting.is_override or meeting.series_id is not None
        meeting.sequence += 1
    meeting.save()
    relationships_touch(meeting.relationship_id)
    if data.private_note.strip():
        MeetingPrivateNote.objects.update_or_create(
            meeting=meeting, author=actor, defaults={"body": data.private_note.strip()}
        )
    else:
        MeetingPrivateNote.objects.filter(meeting=meeting, author=actor).delete()
    if data.rating is not None:
        MeetingFeedback.objects.update_or_create(
            meeting=meeting, author=actor, defaults={"rating": data.rating, "comment": data.comment.strip()}
        )
    if data.thank_you.strip():
        other = User.objects.get(pk=meeting.relationship.other_person_id(actor.pk))
        emails.meeting_thanks(meeting=meeting, author=actor, recipient=other, message=data.thank_you.strip())
    return meeting


# -- action items ------------------------------------------------------------------------------------------


def action_item_add(
    *,
    relationship: Relationship,
    side: str,
    actor: User,
    description: str,
    owner: User,
    due_on: datetime.date,
    resource_url: str = "",
    meeting: Meeting | None = None,
) -> ActionItem:
    _require_party(side, relationship)
    if owner.pk not in (relationship.mentee_id, relationship.mentor_id):
        raise MeetingError(_("An action item belongs to one of you two."), field="owner")
    if not description.strip():
        raise MeetingError(_("Say what needs doing."), field="description")
    item = ActionItem.objects.create(
        relationship=relationship,
        meeting=meeting,
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        resource_url=resource_url.strip(),
        created_by=actor,
    )
    relationships_touch(relationship.pk)
    return item


def action_item_set_status(*, item: ActionItem, side: str, status: str) -> ActionItem:
    _require_party(side, item.relationship)
    if status not in ActionItem.Status.values:
        raise MeetingError(_("Unknown status."))
    item.status = status
    item.completed_at = timezone.now() if status == ActionItem.Status.DONE else None
    item.save(update_fields=["status", "completed_at"])
    relationships_touch(item.relationship_id)
    return item


# -- calendar feed -----------------------------------------------------------------------------------------


def _feed_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_rotate(*, user: User) -> str:
    """A new secret for the person's subscription URL; the old URL stops working at once."""
    token = secrets.token_urlsafe(32)  # 256 random bits
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _feed_hash(token)})
    return token


def calendar_feed_revoke(*, user: User) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_owner(*, token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_feed_hash(token)).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


@transaction.atomic
def relationship_closed(*, relationship: Relationship, **signal: object) -> None:
    """Receives relationships.plugins.relationship_closed: stop the pair's series and cancel what is to come."""
    now = timezone.now()
    for series in relationship.series.filter(ended_at__isnull=True):
        _stop_series(series)
    relationship.meetings.filter(series__isnull=True, start__gte=now, status=Meeting.Status.SCHEDULED).update(
        status=Meeting.Status.CANCELLED, sequence=F("sequence") + 1
    )
    relationships_touch(relationship.pk)
