"""Reads for meeting pages. Meetings belong to the two people of a relationship; nobody else reaches them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.icebreakers import icebreaker_for
from meetings.models import JOIN_WINDOW, ActionItem, AgendaItem, Meeting, MeetingSeries
from meetings.reminders import ACTION_SOON_DAYS, PREPARE_BEFORE
from mentorship.accounts.models import User
from mentorship.common.needs import need_rows
from relationships.models import Relationship
from relationships.selectors import UNDER_WAY, other_side


def _party(user: User) -> Q:
    return Q(relationship__mentee=user) | Q(relationship__mentor=user)


def get_meeting_for_user(*, user: User, pk: int) -> tuple[Meeting, str]:
    meeting = (
        Meeting.objects.select_related(
            "relationship__program", "relationship__mentee", "relationship__mentor", "series"
        )
        .filter(pk=pk)
        .first()
    )
    side = meeting.relationship.side_of(user.pk) if meeting else None
    if side is None:
        raise Http404("No such meeting")
    return meeting, side


def get_series_for_user(*, user: User, pk: int) -> tuple[MeetingSeries, str]:
    series = MeetingSeries.objects.select_related("relationship__mentee", "relationship__mentor").filter(pk=pk).first()
    side = series.relationship.side_of(user.pk) if series else None
    if side is None:
        raise Http404("No such series")
    return series, side


def get_action_item_for_user(*, user: User, pk: int) -> tuple[ActionItem, str]:
    item = ActionItem.objects.select_related("relationship").filter(pk=pk).first()
    side = item.relationship.side_of(user.pk) if item else None
    if side is None:
        raise Http404("No such action item")
    return item, side


def upcoming_meetings(*, user: User, limit: int = 5) -> list[Meeting]:
    return list(
        Meeting.objects.filter(_party(user), end__gte=timezone.now())
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("relationship__mentee", "relationship__mentor")
        .order_by("start")[:limit]
    )


def relationship_meetings(*, relationship: Relationship, upcoming: int = 5, past: int = 5) -> tuple[list, list]:
    now = timezone.now()
    meetings = relationship.meetings.all()
    return (
        list(meetings.filter(end__gte=now).order_by("start")[:upcoming]),
        list(meetings.filter(end__lt=now).order_by("-start")[:past]),
    )


def meetings_change_on_their_own(upcoming: Sequence[Meeting]) -> datetime.datetime:
    """The next moment a list of these meetings and the open action items beside it would read differently.

    A Join button appears ten minutes before a meeting and goes at its end, when it moves to the past; an open item
    becomes overdue when the person's day ends (their zone is the active one).
    """
    now = timezone.now()
    midnight = datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time())
    moments = [timezone.make_aware(midnight)]
    for meeting in upcoming:
        moments += [moment for moment in (meeting.start - JOIN_WINDOW, meeting.end) if moment > now]
    return min(moments)


def open_action_items(*, user: User, limit: int = 20) -> list[ActionItem]:
    """This person's open items across relationships, overdue first, then by due date."""
    today = timezone.localdate()
    items = (
        ActionItem.objects.filter(owner=user, status=ActionItem.Status.OPEN)
        .select_related("owner", "relationship__mentee", "relationship__mentor")
        .order_by("due_on", "pk")[:limit]
    )
    return sorted(items, key=lambda item: (item.due_on >= today, item.due_on, item.pk))


def relationship_open_items(*, relationship: Relationship) -> QuerySet[ActionItem]:
    return relationship.action_items.filter(status=ActionItem.Status.OPEN).select_related("owner").order_by("due_on")


def meeting_page(*, meeting: Meeting, viewer: User) -> dict[str, object]:
    relationship = meeting.relationship
    return {
        "agenda": list(meeting.agenda.select_related("author")),
        "open_items": list(relationship_open_items(relationship=relationship)),
        "meeting_items": list(meeting.action_items.select_related("owner")),
        "goals": list(relationship.goals.exclude(status__in=["achieved", "dropped"])),
        "icebreaker": icebreaker_for(meeting.pk),
        "my_note": meeting.private_notes.filter(author=viewer).first(),
        "my_feedback": meeting.feedback.filter(author=viewer).first(),
        "next_meeting": relationship.meetings.filter(start__gt=meeting.start, status=Meeting.Status.SCHEDULED)
        .order_by("start")
        .first(),
    }


# -- what waits for a person (the "needs you" list; see mentorship/needs_you.py) ---------------------------

# A meeting nobody wrapped up stays in the list this long after it ended; older ones are history.
WRAP_UP_WITHIN = datetime.timedelta(days=30)


def needs_you_rows(*, user: User, now: datetime.datetime, today: datetime.date) -> list[QuerySet[Any]]:
    """Meetings to prepare (no agenda two days before), meetings to wrap up, and action items due or overdue."""
    meetings = Meeting.objects.filter(_party(user), status=Meeting.Status.SCHEDULED, relationship__status__in=UNDER_WAY)
    meeting = {
        "ref": F("pk"),
        "parent": F("relationship_id"),
        "label": F("title"),
        "name": other_side(user, "full_name", via="relationship__"),
        "email": other_side(user, "email", via="relationship__"),
    }
    to_prepare = need_rows(
        meetings.filter(start__gt=now, start__lte=now + PREPARE_BEFORE).exclude(
            Exists(AgendaItem.objects.filter(meeting=OuterRef("pk")))
        ),
        kind="meeting_prepare",
        due=F("start"),
        **meeting,
    )
    to_wrap_up = need_rows(
        meetings.filter(end__lte=now, end__gt=now - WRAP_UP_WITHIN, wrapped_up_at__isnull=True),
        kind="wrap_up",
        due=F("end"),
        **meeting,
    )
    items = need_rows(
        ActionItem.objects.filter(
            owner=user,
            status=ActionItem.Status.OPEN,
            relationship__status__in=UNDER_WAY,
            due_on__lte=today + datetime.timedelta(days=ACTION_SOON_DAYS),
        ),
        kind="action_item",
        ref=F("pk"),
        parent=F("relationship_id"),
        day=F("due_on"),
        label=F("description"),
        name=other_side(user, "full_name", via="relationship__"),
        email=other_side(user, "email", via="relationship__"),
    )
    return [to_prepare, to_wrap_up, items]
