from __future__ import annotations

from django.http import HttpRequest

from mentorship.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count: one COUNT query, and only for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": unread_count(user=user)}
