"""Programs' part of a person's data: enrollments with their answers, and invitations sent to them."""

from __future__ import annotations

from typing import Any

from mentorship.accounts.models import User
from mentorship.common.plain import plain_rows
from programs.models import Enrollment, Invitation


def export_for(user: User) -> dict[str, Any]:
    enrollments = Enrollment.objects.filter(user=user).prefetch_related("growth_areas", "offers")
    return {
        "enrollments": [
            {
                "program": enrollment.program.name,
                "role": enrollment.role,
                "status": enrollment.status,
                "answers": enrollment.answers,
                "goal_categories": enrollment.goal_categories,
                "growth_areas": sorted(skill.name for skill in enrollment.growth_areas.all()),
                "offers": sorted(skill.name for skill in enrollment.offers.all()),
                "capacity": enrollment.capacity,
                "prefers_outside_team": enrollment.prefers_outside_team,
                "open_to_external": enrollment.open_to_external,
                "languages": enrollment.languages,
                "decision_reason": enrollment.decision_reason,
                "created_at": enrollment.created_at,
                "decided_at": enrollment.decided_at,
            }
            for enrollment in enrollments.select_related("program").order_by("pk")
        ],
        "invitations": plain_rows(
            Invitation.objects.filter(email__iexact=user.email), "program__name", "role", "created_at", "accepted_at"
        ),
    }


def erase(user: User, *, erased_email: str) -> None:
    """Enrollments stay (the program's counts), without what the person wrote or was told."""
    for enrollment in Enrollment.objects.filter(user=user):
        enrollment.growth_areas.clear()
        enrollment.offers.clear()
    Enrollment.objects.filter(user=user).update(
        answers={}, goal_categories=[], languages=[], decision_reason="", wished_mentors=[], avoided_mentors=[]
    )
    Invitation.objects.filter(email__iexact=user.email).update(email=erased_email, full_name="")
