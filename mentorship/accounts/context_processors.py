from __future__ import annotations

from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    return {"nav_is_program_admin": bool(user is not None and user.is_authenticated and user.is_program_admin)}


def notices(request: HttpRequest) -> dict[str, object]:
    """The bell's unread count: one COUNT query, and only for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from mentorship.notifications.selectors import unread_count

    return {"unread_notices": unread_count(user=user)}
