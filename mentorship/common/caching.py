"""Nothing personal stays in a browser's or a proxy's cache: signed-in pages and personal downloads say no-store.

A shared computer's back button, a corporate proxy or a CDN must never serve one person's page, calendar or
export to someone else. Pages reached with a secret in the link instead of a session (a calendar feed, an
invitation) carry the same header through ``private_no_store`` (the calendar feed has ``never_cache``, which says
as much).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


def keep_private(response: HttpResponse) -> HttpResponse:
    """Add ``private`` and ``no-store`` to what the view said (``never_cache``'s stricter words stay)."""
    patch_cache_control(response, private=True, no_store=True)
    return response


def private_no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return keep_private(view(request, *args, **kwargs))

    return wrapper


class PrivateNoStoreMiddleware:
    """Every response to a signed-in person is private and never stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            keep_private(response)
        return response
