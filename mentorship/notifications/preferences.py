"""Each person's notification choices, and one-click unsubscribe links (RFC 8058) signed for them."""

from __future__ import annotations

from django.core import signing
from django.db import transaction
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import DEFAULT_LEAD_MINUTES, LEAD_TIME_CHOICES, Kind, Mode, NotificationSettings

UNSUBSCRIBE_SALT = "mentorship.notifications.unsubscribe"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return absolute_url(reverse("notifications:unsubscribe", args=[token]))


def preferences_url() -> str:
    return absolute_url(reverse("notifications:preferences"))


def unsubscribe_read(*, token: str) -> tuple[User, str] | None:
    """The person and kind a token names, or None when it was tampered with or names nobody."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, data["k"]) if user else None


@transaction.atomic
def preference_set(*, user: User, kind: str, mode: str) -> NotificationSettings:
    if kind not in Kind.values or mode not in Mode.values:
        raise ValueError("unknown kind or mode")
    prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.modes = {**prefs.modes, kind: mode}
    prefs.save(update_fields=["modes", "updated_at"])
    return prefs


@transaction.atomic
def preferences_update(*, user: User, modes: dict[str, str], lead_minutes: list[int]) -> NotificationSettings:
    allowed_leads = {value for value, _label in LEAD_TIME_CHOICES}
    if any(kind not in Kind.values or mode not in Mode.values for kind, mode in modes.items()):
        raise ValueError("unknown kind or mode")
    if any(lead not in allowed_leads for lead in lead_minutes):
        raise ValueError("unknown lead time")
    prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.modes = {**prefs.modes, **modes}
    prefs.lead_minutes = sorted(set(lead_minutes), reverse=True) or list(DEFAULT_LEAD_MINUTES)
    prefs.save(update_fields=["modes", "lead_minutes", "updated_at"])
    return prefs
