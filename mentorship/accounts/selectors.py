"""Reads for accounts pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.hours import DayHours, WeeklyHours, week_of
from mentorship.accounts.models import SKILL_SHARED_BY, Profile, Skill, User, WorkingHours

# Every profile starts in this zone; only a person who changed it has told us where they work.
DEFAULT_TIME_ZONE = "UTC"


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


def has_set_time_zone(profile: Profile) -> bool:
    return profile.time_zone != DEFAULT_TIME_ZONE


@dataclass(frozen=True)
class ProfilePart:
    label: str
    done: bool


@dataclass(frozen=True)
class Completeness:
    """How much of the profile is filled in: what matching and the other person get to read."""

    parts: list[ProfilePart]

    @property
    def percent(self) -> int:
        return round(100 * sum(part.done for part in self.parts) / len(self.parts))

    @property
    def missing(self) -> list[str]:
        return [part.label for part in self.parts if not part.done]

    @property
    def is_full(self) -> bool:
        return all(part.done for part in self.parts)


def profile_completeness(*, profile: Profile) -> Completeness:
    """The profile's parts and which are filled in, in one query (the skills) beyond the profile itself."""
    has_skills = Skill.objects.filter(Q(offered_by=profile) | Q(wanted_by=profile)).exists()
    return Completeness(
        parts=[
            ProfilePart(str(_("your name")), bool(profile.user.full_name)),
            ProfilePart(str(_("job title")), bool(profile.job_title)),
            ProfilePart(str(_("department or team")), bool(profile.department)),
            ProfilePart(str(_("seniority level")), profile.seniority is not None),
            ProfilePart(str(_("location")), bool(profile.location)),
            ProfilePart(str(_("time zone")), has_set_time_zone(profile)),
            ProfilePart(str(_("short bio")), bool(profile.bio)),
            ProfilePart(str(_("languages")), bool(profile.languages)),
            ProfilePart(str(_("skills you offer or want to grow in")), has_skills),
        ]
    )


def saved_hours_of(user_ids: Iterable[int]) -> dict[int, tuple[DayHours, ...]]:
    """The ranges each of these people saved, in one query; people who saved none are missing from the answer."""
    found: dict[int, list[DayHours]] = {}
    rows = WorkingHours.objects.filter(user_id__in=list(user_ids)).values_list(
        "user_id", "weekday", "start_minute", "end_minute"
    )
    for user_id, weekday, start, end in rows:
        found.setdefault(user_id, []).append(DayHours(weekday, start, end))
    return {user_id: tuple(sorted(ranges)) for user_id, ranges in found.items()}


def has_saved_hours(user: User) -> bool:
    return WorkingHours.objects.filter(user=user).exists()


def weeks_of(users: Iterable[User]) -> dict[int, WeeklyHours]:
    """Each person's week in their own zone (the default where they saved none), in one query for all."""
    users = list(users)
    saved = saved_hours_of(u.pk for u in users)
    return {u.pk: week_of(u.zone, saved.get(u.pk)) for u in users}
