"""Reads the notification pages need."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from mentorship.accounts.models import User
from mentorship.notifications.models import Notice, NotificationSettings


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def recent_notices(*, user: User, limit: int = 50) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def settings_of(*, user: User) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)


def settings_for(user_ids: Iterable[int]) -> dict[int, NotificationSettings]:
    """Each person's settings in one query, to read only.

    People who never changed anything share one unsaved default: building a model instance per person was a
    large part of a 100,000-reminder scan.
    """
    ids = set(user_ids)
    found = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=ids)}
    default = NotificationSettings(modes={}, lead_minutes=[])
    return {uid: found.get(uid, default) for uid in ids}
