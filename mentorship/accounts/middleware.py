"""Show every time to a person in their own profile time zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


def _profile_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    from mentorship.accounts.models import Profile

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    try:
        return zoneinfo.ZoneInfo(user.profile.time_zone)
    except (Profile.DoesNotExist, zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


class UserTimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        zone = _profile_zone(request)
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        return self.get_response(request)
