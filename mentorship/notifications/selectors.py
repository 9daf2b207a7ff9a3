"""Reads the notification pages need."""

from __future__ import annotations

from django.db.models import QuerySet

from mentorship.accounts.models import User
from mentorship.notifications.models import Notice, NotificationSettings


def unread_count(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).count()


def recent_notices(*, user: User, limit: int = 50) -> QuerySet[Notice]:
    return Notice.objects.filter(user=user).order_by("-created_at", "-pk")[:limit]


def settings_of(*, user: User) -> NotificationSettings:
    return NotificationSettings.objects.filter(user=user).first() or NotificationSettings(user=user)
