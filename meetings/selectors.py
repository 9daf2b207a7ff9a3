"""Reads for meeting pages. Meetings belong to the two people of a relationship; nobody else reaches them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from meetings.icebreakers import icebreaker_for
from meetings.models import ActionItem, Meeting, MeetingSeries
from mentorship.accounts.models import User
from relationships.models import Relationship


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
