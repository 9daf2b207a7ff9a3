"""Sections that meetings contribute to pages of lower apps: the relationship page and the profile page.

Those apps cannot import meetings; MeetingsConfig.ready() registers these functions in their registries
(relationships.plugins.relationship_panels, accounts.plugins.profile_panels).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count

from meetings import selectors
from meetings.models import CalendarFeed, Meeting, MeetingFeedback
from mentorship.accounts.models import User
from relationships.models import Relationship, Side


def relationship_panel(*, relationship: Relationship, side: str, viewer: User) -> dict[str, Any]:
    if side == Side.ADMIN:
        # The program team sees that meetings happen and how useful they are on average, nothing more.
        held = relationship.meetings.filter(status=Meeting.Status.HELD).count()
        feedback = MeetingFeedback.objects.filter(meeting__relationship=relationship).aggregate(
            avg=Avg("rating"), n=Count("pk")
        )
        return {"template": "meetings/_relationship_admin_panel.html", "held": held, "feedback": feedback}
    upcoming, past = selectors.relationship_meetings(relationship=relationship)
    return {
        "template": "meetings/_relationship_panel.html",
        "upcoming": upcoming,
        "past": past,
        "open_items": list(selectors.relationship_open_items(relationship=relationship)),
        "series": list(relationship.series.filter(ended_at__isnull=True)),
        # Action items come up between meetings too (on their own page); the wrap-up takes those agreed in one.
        "can_add_item": relationship.is_open,
        "fresh_until": selectors.meetings_change_on_their_own(upcoming),
    }


def profile_panel(*, user: User) -> dict[str, Any]:
    return {"template": "meetings/_profile_panel.html", "feed": CalendarFeed.objects.filter(user=user).first()}
