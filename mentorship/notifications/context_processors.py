from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from mentorship.notifications.plugins import bell_count
from mentorship.notifications.selectors import unread_count


def notices(request: HttpRequest) -> dict[str, object]:
    """The bell's counts: unread notices (one COUNT query) and what waits for the person (read on first use)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notices": unread_count(user=user),
        # Lazy: a page that never shows the bell never reads the list; one that does shares it with the page.
        "needs_you_count": SimpleLazyObject(lambda: bell_count(request)),
    }
