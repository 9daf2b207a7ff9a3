"""Writes for accounts: profiles and the skill vocabulary."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.accounts.hours import DayHours, check_week
from mentorship.accounts.models import (
    MAX_SKILLS,
    SKILL_NAME_LENGTH,
    Profile,
    Skill,
    User,
    WorkingHours,
    normalise_skill_name,
)
from mentorship.common.errors import DomainError
from mentorship.common.forms import split_list


def profile_ensure(*, user: User) -> Profile:
    """Every user has a profile; accounts made outside signup (createsuperuser, SSO) get one on first use."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _created = Profile.objects.get_or_create(user=user)
        return profile


def skills_from_names(*, names: Iterable[str], vetted: bool = False) -> list[Skill]:
    """Map free-typed names onto shared Skill rows, creating the new ones; "python " and "Python" are one.

    ``vetted`` (an administrator typed them, or demo data) puts new and existing ones in everyone's suggestions.
    """
    wanted: dict[str, str] = {}
    for raw in names:
        name = normalise_skill_name(raw)
        if name:
            wanted.setdefault(name.casefold(), name[:SKILL_NAME_LENGTH])
    if not wanted:
        return []
    if len(wanted) > MAX_SKILLS:
        raise ValueError(f"at most {MAX_SKILLS} skills per list; forms check this with skill_list()")
    found = {skill.key: skill for skill in Skill.objects.filter(key__in=wanted)}
    for key, name in wanted.items():
        if key not in found:
            try:
                with transaction.atomic():
                    found[key] = Skill.objects.create(name=name, vetted=vetted)
            except IntegrityError:
                # Someone else added the same skill a moment ago.
                found[key] = Skill.objects.get(key=key)
    if vetted:
        Skill.objects.filter(key__in=wanted, vetted=False).update(vetted=True)
    return [found[key] for key in wanted]


def skill_list(text: str) -> list[str]:
    """The skills typed into one field, comma- or line-separated; ValidationError past the caps."""
    return split_list(text, limit=MAX_SKILLS, longest=SKILL_NAME_LENGTH, what=_("skills"))


PROFILE_FIELDS = (
    "department",
    "job_title",
    "seniority",
    "manager",
    "location",
    "time_zone",
    "bio",
    "interests",
    "languages",
    "open_to_outside_mentors",
)


@transaction.atomic
def profile_update(
    *,
    profile: Profile,
    full_name: str,
    skills_offered: Iterable[str],
    growth_areas: Iterable[str],
    skills_vetted: bool = False,
    **fields: object,
) -> Profile:
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise TypeError(f"not profile fields: {sorted(unknown)}")
    user = profile.user
    if full_name != user.full_name:
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
    for name, value in fields.items():
        setattr(profile, name, value)
    if profile.completed_at is None and profile_has_essentials(profile=profile):
        profile.completed_at = timezone.now()
    profile.full_clean()
    profile.save()
    profile.skills_offered.set(skills_from_names(names=skills_offered, vetted=skills_vetted))
    profile.growth_areas.set(skills_from_names(names=growth_areas, vetted=skills_vetted))
    return profile


def profile_has_essentials(*, profile: Profile) -> bool:
    return bool(profile.user.full_name and profile.department and profile.job_title and profile.seniority)


class AvailabilityError(DomainError):
    """Hours that cannot be saved; the message is fit for the form."""


@transaction.atomic
def working_hours_save(*, user: User, ranges: Iterable[DayHours]) -> tuple[DayHours, ...]:
    """Replace the person's week with these ranges (in their profile's zone)."""
    try:
        week = check_week(ranges)
    except ValueError as exc:
        raise AvailabilityError(_("These hours cannot be saved: %(why)s.") % {"why": exc}) from None
    if not week:
        raise AvailabilityError(_("Choose at least one day you can meet."))
    # Lock the person's row so two saves at once leave one week, not a mix of both.
    User.objects.select_for_update().filter(pk=user.pk).first()
    WorkingHours.objects.filter(user=user).delete()
    WorkingHours.objects.bulk_create(
        WorkingHours(user=user, weekday=r.weekday, start_minute=r.start, end_minute=r.end) for r in week
    )
    return week
