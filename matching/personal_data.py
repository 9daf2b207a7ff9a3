"""Matching's part of a person's data: the proposals that named them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from matching.models import MatchProposal
from mentorship.accounts.models import User
from mentorship.common.plain import plain_rows


def _theirs(user: User) -> Any:
    return MatchProposal.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))


def export_for(user: User) -> dict[str, Any]:
    return {
        "match_proposals": plain_rows(
            _theirs(user).exclude(status=MatchProposal.Status.DRAFT),
            "program__name",
            "mentee__user__email",
            "mentor__user__email",
            "status",
            "score",
            "respond_by",
            "question",
            "answer",
            "decline_reason",
            "created_at",
        ),
    }


def erase(user: User) -> None:
    # The proposal's outcome stays in the program's figures; what was asked and answered goes.
    _theirs(user).update(question="", answer="", decline_reason="")
