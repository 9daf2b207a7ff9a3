"""Which meeting and action-item reminders are due now, and the fresh context they are sent with.

Scans read in keyset-paged chunks of plain values (no model instances, no per-row queries) and hand each chunk
to notifications.reminders.reminders_queue, so the number of queries grows with chunks, not with rows. What an
email shows (agenda, open items, the .ics) is read when it is sent, by the providers at the bottom.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from meetings.calendars import CalendarUnavailable, meeting_ics
from meetings.links import PROVIDER_LABELS, Provider, is_video_provider
from meetings.models import ActionItem, AgendaItem, Meeting
from mentorship.accounts.models import User, zone_named
from mentorship.common.paging import pages_by_pk
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import Kind, NotificationSettings, OutboundEmail
from mentorship.notifications.providers import ProviderRequest, TooLate
from mentorship.notifications.reminders import QueueResult, Reminder, reminders_queue
from mentorship.notifications.selectors import settings_for
from relationships.models import Relationship

# The longest lead time a person can pick; meetings further away cannot be due for a reminder yet.
MAX_LEAD = datetime.timedelta(weeks=1)
PREPARE_BEFORE = datetime.timedelta(days=2)
# The prepare nudge is pointless once the ordinary reminder is about to come.
PREPARE_NOT_AFTER = datetime.timedelta(days=1)
# Follow-ups for meetings that ended longer ago than this are not worth sending any more.
FOLLOWUP_WITHIN = datetime.timedelta(days=3)
ACTION_SOON_DAYS = 3
ACTION_WEEKLY_CAP = 3
# A reminder lists at most this many open action items.
OPEN_ITEMS_IN_EMAIL = 10
# A reminder that leaves this close to the start says "starting now" rather than a time of day.
STARTING_NOW = datetime.timedelta(minutes=5)
# Later than this after its lead time, a reminder says how long is left (the chosen lead no longer holds).
LATE_AFTER = datetime.timedelta(minutes=2)
OPEN_RELATIONSHIP = Q(relationship__status__in=Relationship.OPEN_STATUSES)
UTC = datetime.UTC

# The keys under which the providers at the bottom are registered with the outbox (stored in queued rows).
MEETING_REMINDER = "meeting_reminder"
MEETING_PREPARE = "meeting_prepare"
MEETING_FOLLOWUP = "meeting_followup"
ACTION_ITEM = "action_item"
MEETING_ICS = "meeting_ics"
MEETING_FIELDS = (
    "pk",
    "start",
    "end",
    "title",
    "relationship__mentee_id",
    "relationship__mentee__email",
    "relationship__mentor_id",
    "relationship__mentor__email",
)


def _chunks(queryset: Any, fields: tuple[str, ...]) -> Iterator[list[dict[str, Any]]]:
    return pages_by_pk(queryset, fields=fields)


def _people(row: dict[str, Any]) -> tuple[tuple[int, str], tuple[int, str]]:
    return (
        (row["relationship__mentee_id"], row["relationship__mentee__email"]),
        (row["relationship__mentor_id"], row["relationship__mentor__email"]),
    )


def _stamp(moment: datetime.datetime) -> int:
    return int(moment.timestamp())


def _meeting_url(pk: int) -> str:
    # A literal path rather than reverse(): scans build this for up to a hundred thousand rows.
    return f"/meetings/{pk}/"


# -- scans ---------------------------------------------------------------------------------------------------


def meeting_reminders_due(*, now: datetime.datetime) -> QueueResult:
    """Before each meeting, at the lead times each person chose (default a day and an hour before).

    When several lead times have passed at once (a meeting planned at short notice), only the nearest one is
    sent: one timely reminder instead of a burst.
    """
    result = QueueResult()
    meetings = Meeting.objects.filter(
        OPEN_RELATIONSHIP, status=Meeting.Status.SCHEDULED, start__gt=now, start__lte=now + MAX_LEAD
    )
    for rows in _chunks(meetings, MEETING_FIELDS):
        prefs = settings_for(uid for row in rows for uid, _email in _people(row))
        reminders = []
        for row in rows:
            for user_id, email in _people(row):
                lead = _nearest_passed_lead(prefs[user_id], start=row["start"], now=now)
                if lead is None:
                    continue
                reminders.append(
                    Reminder(
                        key=f"meeting-reminder:{row['pk']}:{_stamp(row['start'])}:{user_id}:{lead}",
                        kind=Kind.MEETING_REMINDER,
                        user_id=user_id,
                        email=email,
                        title=f"Coming up: {row['title']}",
                        url=_meeting_url(row["pk"]),
                        template="meeting-reminder",
                        context={"meeting_id": row["pk"], "start_ts": _stamp(row["start"]), "lead_minutes": lead},
                        context_provider=MEETING_REMINDER,
                        attachments=(
                            {
                                "filename": "meeting.ics",
                                "mimetype": "text/calendar",
                                "provider": MEETING_ICS,
                                "args": [row["pk"]],
                            },
                        ),
                    )
                )
        result.add(reminders_queue(reminders=reminders))
    return result


def _nearest_passed_lead(
    prefs: NotificationSettings, *, start: datetime.datetime, now: datetime.datetime
) -> int | None:
    passed = [lead for lead in prefs.leads if start - datetime.timedelta(minutes=lead) <= now]
    return min(passed) if passed else None


def prepare_nudges_due(*, now: datetime.datetime) -> QueueResult:
    """Two days before a meeting: add your topics to the agenda."""
    result = QueueResult()
    meetings = Meeting.objects.filter(
        OPEN_RELATIONSHIP,
        status=Meeting.Status.SCHEDULED,
        start__gt=now + PREPARE_NOT_AFTER,
        start__lte=now + PREPARE_BEFORE,
    )
    for rows in _chunks(meetings, MEETING_FIELDS):
        reminders = [
            Reminder(
                key=f"meeting-prepare:{row['pk']}:{_stamp(row['start'])}:{user_id}",
                kind=Kind.MEETING_PREPARE,
                user_id=user_id,
                email=email,
                title=f"Add your topics for {row['title']}",
                url=_meeting_url(row["pk"]),
                template="meeting-prepare",
                context={"meeting_id": row["pk"], "start_ts": _stamp(row["start"])},
                context_provider=MEETING_PREPARE,
            )
            for row in rows
            for user_id, email in _people(row)
        ]
        result.add(reminders_queue(reminders=reminders))
    return result


def followups_due(*, now: datetime.datetime) -> QueueResult:
    """After a meeting ends and nobody wrapped it up: notes, action items, the next meeting, a thank-you."""
    result = QueueResult()
    meetings = Meeting.objects.filter(
        OPEN_RELATIONSHIP,
        status=Meeting.Status.SCHEDULED,
        wrapped_up_at__isnull=True,
        end__lte=now,
        end__gt=now - FOLLOWUP_WITHIN,
    )
    for rows in _chunks(meetings, MEETING_FIELDS):
        reminders = [
            Reminder(
                key=f"meeting-followup:{row['pk']}:{user_id}",
                kind=Kind.MEETING_FOLLOWUP,
                user_id=user_id,
                email=email,
                title=f"Wrap up {row['title']}",
                url=f"/meetings/{row['pk']}/wrap-up/",
                template="meeting-followup",
                context={"meeting_id": row["pk"]},
                context_provider=MEETING_FOLLOWUP,
            )
            for row in rows
            for user_id, email in _people(row)
        ]
        result.add(reminders_queue(reminders=reminders))
    return result


def action_item_stage(*, due_on: datetime.date, today: datetime.date) -> str | None:
    """The latest nudge whose day has come: a few days before, the day after, then weekly up to a cap."""
    stages = [("soon", due_on - datetime.timedelta(days=ACTION_SOON_DAYS)), ("missed", due_on + datetime.timedelta(1))]
    stages += [
        (f"overdue-{week}", due_on + datetime.timedelta(days=1 + 7 * week)) for week in range(1, 1 + ACTION_WEEKLY_CAP)
    ]
    reached = [name for name, day in stages if day <= today]
    if not reached:
        return None
    if reached[-1] == "soon" and today > due_on:
        return None  # between the due date and the day after: the "missed" nudge comes tomorrow
    return reached[-1]


def action_item_reminders_due(*, now: datetime.datetime) -> QueueResult:
    """To each open item's owner, judged by the date in the owner's own time zone."""
    result = QueueResult()
    today = now.astimezone(UTC).date()
    # A day of slack either side covers every time zone's idea of "today".
    items = ActionItem.objects.filter(
        OPEN_RELATIONSHIP,
        status=ActionItem.Status.OPEN,
        due_on__lte=today + datetime.timedelta(days=ACTION_SOON_DAYS + 1),
        due_on__gte=today - datetime.timedelta(days=2 + 7 * ACTION_WEEKLY_CAP),
    )
    fields = ("pk", "description", "due_on", "owner_id", "owner__email", "owner__profile__time_zone", "relationship_id")
    for rows in _chunks(items, fields):
        reminders = []
        for row in rows:
            local_today = now.astimezone(zone_named(row["owner__profile__time_zone"])).date()
            stage = action_item_stage(due_on=row["due_on"], today=local_today)
            if stage is None:
                continue
            reminders.append(
                Reminder(
                    key=f"action-item:{row['pk']}:{row['due_on'].isoformat()}:{stage}",
                    kind=Kind.ACTION_ITEM,
                    user_id=row["owner_id"],
                    email=row["owner__email"],
                    title=(f"Due soon: {row['description']}" if stage == "soon" else f"Overdue: {row['description']}")[
                        :255
                    ],
                    url=f"/relationships/{row['relationship_id']}/#action-items",
                    template="action-item",
                    context={"item_id": row["pk"], "due_on": row["due_on"].isoformat(), "stage": stage},
                    context_provider=ACTION_ITEM,
                )
            )
        result.add(reminders_queue(reminders=reminders))
    return result


def scan(*, now: datetime.datetime | None = None) -> QueueResult:
    """Every meeting and action-item scan, as the periodic task runs them."""
    now = now or timezone.now()
    result = QueueResult()
    for step in (meeting_reminders_due, prepare_nudges_due, followups_due, action_item_reminders_due):
        result.add(step(now=now))
    return result


# -- providers: the fresh context when emails leave (registered in MeetingsConfig.ready()) -----------------
# Each takes the requests of a whole claimed batch and reads what they need in a fixed number of queries.


def _meetings(ids: Iterable[int], *related: str) -> dict[int, Meeting]:
    return Meeting.objects.select_related("relationship__mentee", "relationship__mentor", *related).in_bulk(set(ids))


def _still_due(meeting: Meeting | None, user: User | None, start_ts: int | None = None) -> bool:
    if meeting is None or user is None or meeting.relationship.side_of(user.pk) is None:
        return False
    if not meeting.relationship.is_open or meeting.status != Meeting.Status.SCHEDULED:
        return False
    # Moved since the scan: the new time has reminders of its own.
    return start_ts is None or _stamp(meeting.start) == start_ts


def _agendas(meetings: Iterable[Meeting]) -> dict[int, list[AgendaItem]]:
    found: dict[int, list[AgendaItem]] = {m.pk: [] for m in meetings}
    for topic in AgendaItem.objects.filter(meeting_id__in=list(found)):
        found[topic.meeting_id].append(topic)
    return found


def _open_items(meetings: Iterable[Meeting]) -> dict[int, list[ActionItem]]:
    """The most pressing few open items of each relationship (the relationship page has the rest)."""
    found: dict[int, list[ActionItem]] = {m.relationship_id: [] for m in meetings}
    rank = Window(RowNumber(), partition_by=[F("relationship_id")], order_by=[F("due_on").asc(), F("pk").asc()])
    items = (
        ActionItem.objects.filter(relationship_id__in=list(found), status=ActionItem.Status.OPEN)
        .select_related("owner")
        .annotate(rank=rank)
        .filter(rank__lte=OPEN_ITEMS_IN_EMAIL)
    )
    for item in items:
        found[item.relationship_id].append(item)
    return found


def _meeting_contexts(
    requests: list[ProviderRequest], *, start_matters: bool, keep: Any = None
) -> list[dict[str, Any] | None]:
    meetings = _meetings(request.context["meeting_id"] for request in requests)
    usable: list[Meeting | None] = []
    for request in requests:
        meeting = meetings.get(request.context["meeting_id"])
        start_ts = request.context.get("start_ts") if start_matters else None
        fine = _still_due(meeting, request.user, start_ts) and (keep is None or keep(meeting))
        usable.append(meeting if fine else None)
    wanted = [m for m in usable if m is not None]
    agendas = _agendas(wanted)
    open_items = _open_items(wanted)
    answers: list[dict[str, Any] | None] = []
    for request, meeting in zip(requests, usable, strict=True):
        if meeting is None or request.user is None:
            answers.append(None)
            continue
        context = {
            "meeting": meeting,
            "other": meeting.relationship.other_person(request.user.pk),
            "where_label": PROVIDER_LABELS.get(Provider(meeting.provider), meeting.provider),
            "join_url": meeting.location if is_video_provider(meeting.provider) else "",
            "place": "" if is_video_provider(meeting.provider) else meeting.location,
            "agenda": agendas[meeting.pk],
            "open_items": open_items[meeting.relationship_id],
            "link": absolute_url(meeting.get_absolute_url()),
        }
        answers.append(context)
    return answers


def meeting_reminder_context(requests: list[ProviderRequest]) -> list[dict | TooLate | None]:
    """The reminder's context; a meeting that already began makes it missed, one about to begin "starting now".

    A reminder held up (a crashed worker, a mail server away) can leave later than its lead time. While the
    meeting is still ahead it goes out and says how much time is really left; once the meeting has begun it is
    recorded as missed with the reason, so the loss is seen instead of skipped without a trace.
    """
    now = timezone.now()
    answers: list[dict | TooLate | None] = []
    for request, context in zip(requests, _meeting_contexts(requests, start_matters=True), strict=True):
        if context is None:
            answers.append(None)  # cancelled, moved, or the relationship ended: not needed any more
            continue
        meeting = context["meeting"]
        lead = request.context.get("lead_minutes")
        if meeting.start <= now:
            answers.append(TooLate(_missed_reason(meeting.start, now, lead)))
            continue
        intended = meeting.start - datetime.timedelta(minutes=lead) if lead else None
        context["starting_now"] = meeting.start - now <= STARTING_NOW
        context["late"] = intended is not None and now - intended > LATE_AFTER
        answers.append(context)
    return answers


def _missed_reason(start: datetime.datetime, now: datetime.datetime, lead: int | None) -> str:
    utc = "%Y-%m-%d %H:%M UTC"
    due = f", due {lead} minutes before it," if lead else ""
    return (
        f"The meeting began at {start.astimezone(UTC):{utc}} before this reminder{due} could be sent "
        f"(it was tried at {now.astimezone(UTC):{utc}})."
    )


# The prepare nudge shows the same things as the reminder; it keeps a name of its own in the outbox rows.
meeting_prepare_context = meeting_reminder_context


def missed_reminders_by_program(*, program_ids: list[int], since: datetime.datetime) -> dict[int, int]:
    """{program id: meeting reminders and prepare nudges recorded as missed since then}, in two queries."""
    meeting_ids = list(
        OutboundEmail.objects.filter(
            status=OutboundEmail.Status.MISSED,
            context_provider__in=[MEETING_REMINDER, MEETING_PREPARE],
            claimed_at__gte=since,
        ).values_list("context__meeting_id", flat=True)
    )
    if not meeting_ids:
        return {}
    program_of = dict(
        Meeting.objects.filter(pk__in=set(meeting_ids), relationship__program_id__in=program_ids).values_list(
            "pk", "relationship__program_id"
        )
    )
    return dict(Counter(program_of[pk] for pk in meeting_ids if pk in program_of))


def meeting_followup_context(requests: list[ProviderRequest]) -> list[dict | None]:
    contexts = _meeting_contexts(requests, start_matters=False, keep=lambda meeting: meeting.wrapped_up_at is None)
    following = _next_meetings([context["meeting"] for context in contexts if context is not None])
    for context in contexts:
        if context is not None:
            meeting = context["meeting"]
            context["wrap_up_url"] = absolute_url(reverse("meetings:wrap_up", args=[meeting.pk]))
            context["next_meeting"] = following.get(meeting.pk)
    return contexts


def _next_meetings(meetings: list[Meeting]) -> dict[int, Meeting]:
    """{meeting id: the relationship's next scheduled meeting after it ended}, in two queries."""
    if not meetings:
        return {}
    later = Meeting.objects.filter(
        relationship_id=OuterRef("relationship_id"), status=Meeting.Status.SCHEDULED, start__gt=OuterRef("end")
    ).order_by("start")
    ids = dict(
        Meeting.objects.filter(pk__in=[m.pk for m in meetings])
        .annotate(next_id=Subquery(later.values("pk")[:1]))
        .values_list("pk", "next_id")
    )
    found = Meeting.objects.in_bulk([pk for pk in ids.values() if pk is not None])
    return {pk: found[next_id] for pk, next_id in ids.items() if next_id in found}


def meeting_ics_for(arguments: list[list[int]]) -> list[str | None]:
    """The calendar file of each meeting named by its id; an occurrence brings its whole series.

    The outbox asks once per distinct meeting in a batch, so a file shared by both people is built once.
    """
    meetings = _meetings((args[0] for args in arguments), "series")
    return [_ics_text(meetings.get(args[0])) for args in arguments]


def _ics_text(meeting: Meeting | None) -> str | None:
    # A series that cannot be rendered sends its reminder without the file rather than not at all.
    if meeting is None:
        return None
    try:
        return meeting_ics(meeting).decode()
    except CalendarUnavailable:
        return None


def action_item_context(requests: list[ProviderRequest]) -> list[dict | None]:
    items = ActionItem.objects.select_related("relationship").in_bulk({r.context["item_id"] for r in requests})
    answers: list[dict | None] = []
    for request in requests:
        item = items.get(request.context["item_id"])
        user = request.user
        if (
            item is None
            or user is None
            or item.owner_id != user.pk
            or item.status != ActionItem.Status.OPEN
            or item.due_on.isoformat() != request.context["due_on"]
            or not item.relationship.is_open
        ):
            answers.append(None)  # done, dropped, handed over or rescheduled since the scan
            continue
        stage = request.context["stage"]
        answers.append(
            {
                "item": item,
                "stage": stage,
                "overdue": stage != "soon",
                "link": absolute_url(item.relationship.get_absolute_url() + "#action-items"),
            }
        )
    return answers


CONTEXT_PROVIDERS = {
    MEETING_REMINDER: meeting_reminder_context,
    MEETING_PREPARE: meeting_prepare_context,
    MEETING_FOLLOWUP: meeting_followup_context,
    ACTION_ITEM: action_item_context,
}
