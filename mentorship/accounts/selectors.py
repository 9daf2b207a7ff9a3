"""Reads for accounts pages."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from mentorship.accounts.models import SKILL_SHARED_BY, Profile, Skill


def _people_using_skill() -> Subquery:
    """How many people offer or want the outer skill (a person who does both counts once)."""
    users = (
        Profile.objects.filter(Q(skills_offered=OuterRef("pk")) | Q(growth_areas=OuterRef("pk")))
        .order_by()
        .annotate(group=Value(1))
        .values("group")
        .annotate(people=Count("pk", distinct=True))
        .values("people")
    )
    return Subquery(users, output_field=IntegerField())


def skill_search(*, query: str, limit: int = 20) -> QuerySet[Skill]:
    """Skills whose name contains the query, the most used first.

    Only shared vocabulary is suggested: skills an administrator vetted, or that enough people use. Anything else
    one person typed stays on their own profile and never shows up in someone else's suggestions.
    """
    skills = Skill.objects.annotate(people=Coalesce(_people_using_skill(), 0)).filter(
        Q(vetted=True) | Q(people__gte=SKILL_SHARED_BY)
    )
    if query.strip():
        skills = skills.filter(name__icontains=query.strip())
    return skills.order_by("-people", "name")[:limit]
