"""Meetings' part of a person's data: their meetings, topics, notes, feedback, action items, calendar feed."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from meetings.models import ActionItem, AgendaItem, CalendarFeed, Meeting, MeetingFeedback, MeetingPrivateNote
from mentorship.accounts.models import User
from mentorship.common.plain import plain_rows


def export_for(user: User) -> dict[str, Any]:
    theirs = Q(relationship__mentee=user) | Q(relationship__mentor=user)
    return {
        "meetings": plain_rows(
            Meeting.objects.filter(theirs),
            "relationship_id",
            "title",
            "start",
            "end",
            "zone",
            "provider",
            "location",
            "status",
            "shared_notes",
        ),
        "agenda_topics_you_added": plain_rows(
            AgendaItem.objects.filter(author=user), "meeting_id", "text", "needs_extra_time", "created_at"
        ),
        "meeting_notes_you_kept_private": plain_rows(
            MeetingPrivateNote.objects.filter(author=user), "meeting_id", "body"
        ),
        "meeting_feedback_you_gave": plain_rows(
            MeetingFeedback.objects.filter(author=user), "meeting_id", "rating", "comment", "created_at"
        ),
        "action_items": plain_rows(
            ActionItem.objects.filter(theirs),
            "relationship_id",
            "description",
            "owner__email",
            "due_on",
            "status",
            "completed_at",
        ),
        "calendar_subscription": CalendarFeed.objects.filter(user=user).exists(),
    }


def erase(user: User) -> None:
    MeetingPrivateNote.objects.filter(author=user).delete()
    # Ratings stay in the program's figures; comments were the person's own words.
    MeetingFeedback.objects.filter(author=user).update(comment="")
    CalendarFeed.objects.filter(user=user).delete()
