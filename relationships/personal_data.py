"""Relationships' part of a person's data: the relationships they are in and what they wrote there.

On erasure the other person keeps the shared history (goals, the agreement, comments, the timeline) under the
name "Former participant"; what the erased person kept to themselves (private notes, reflections' text) goes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from mentorship.accounts.models import User
from mentorship.common.plain import plain_rows
from relationships.models import (
    Activity,
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    PrivateNote,
    Reflection,
    Relationship,
)
from relationships.services import relationships_touch


def _theirs(user: User) -> Any:
    return Relationship.objects.filter(Q(mentee=user) | Q(mentor=user))


def export_for(user: User) -> dict[str, Any]:
    mine = _theirs(user)
    return {
        "relationships": plain_rows(
            mine,
            "program__name",
            "kind",
            "status",
            "mentee__email",
            "mentor__email",
            "started_on",
            "planned_end_on",
            "ended_on",
            "end_reason",
        ),
        "goals": plain_rows(
            Goal.objects.filter(relationship__in=mine),
            "relationship_id",
            "title",
            "category",
            "custom_category",
            "why",
            "success_measure",
            "target_date",
            "status",
            "progress",
        ),
        "agreements": plain_rows(
            Agreement.objects.filter(relationship__in=mine),
            "relationship_id",
            "version",
            "channels",
            "cadence",
            "meeting_minutes",
            "mentee_responsibilities",
            "mentor_responsibilities",
            "desired_outcomes",
            "confidentiality",
            "mentee_accepted_at",
            "mentor_accepted_at",
        ),
        "goal_comments_you_wrote": plain_rows(
            GoalComment.objects.filter(author=user), "goal__title", "body", "created_at"
        ),
        "private_notes_you_wrote": plain_rows(
            PrivateNote.objects.filter(author=user), "relationship_id", "body", "created_at"
        ),
        "advocacy": plain_rows(
            AdvocacyAction.objects.filter(relationship__in=mine),
            "relationship_id",
            "kind",
            "happened_on",
            "description",
            "status",
            "outcome",
        ),
        "reflections_you_wrote": plain_rows(
            Reflection.objects.filter(author=user),
            "relationship_id",
            "goals_reached",
            "what_worked",
            "what_to_change",
            "rating",
            "thank_you",
        ),
    }


def erase(user: User, *, former_name: str) -> None:
    PrivateNote.objects.filter(author=user).delete()
    # The rating stays in the program's figures; the words were the person's own.
    Reflection.objects.filter(author=user).update(goals_reached="", what_worked="", what_to_change="", thank_you="")
    names = {name for name in (user.full_name, user.email, user.display_name) if name}
    for entry in Activity.objects.filter(relationship__in=_theirs(user)):
        summary = entry.summary
        for name in names:
            summary = summary.replace(name, former_name)
        if summary != entry.summary:
            Activity.objects.filter(pk=entry.pk).update(summary=summary)
    # The other person's page shows the timeline and the name: read afresh.
    relationships_touch(*_theirs(user).values_list("pk", flat=True))
