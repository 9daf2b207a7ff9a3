"""Reads for accounts pages."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from mentorship.accounts.models import Skill


def skill_search(*, query: str, limit: int = 20) -> QuerySet[Skill]:
    """Skills whose name contains the query, the most used first."""
    skills = Skill.objects.all()
    if query.strip():
        skills = skills.filter(name__icontains=query.strip())
    return skills.annotate(uses=Count("offered_by", distinct=True) + Count("wanted_by", distinct=True)).order_by(
        "-uses", "name"
    )[:limit]
