"""Nothing personal stays in a browser's or a proxy's cache: signed-in pages and personal downloads say no-store.

A shared computer's back button, a corporate proxy or a CDN must never serve one person's page, calendar or
export to someone else. Pages reached with a secret in the link instead of a session (a calendar feed, an
invitation) carry the same header through ``private_no_store``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

PRIVATE_NO_STORE = "private, no-store"


def private_no_store(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = PRIVATE_NO_STORE
        return response

    return wrapper


class PrivateNoStoreMiddleware:
    """Every response to a signed-in person is private and never stored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = PRIVATE_NO_STORE
        return response
