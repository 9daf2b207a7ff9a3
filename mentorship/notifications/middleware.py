"""The audit log's view of each request: where it came from, and whether a signed-in person was refused."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from mentorship.notifications.audit import audit_refusal, current_request
from mentorship.notifications.plugins import bell_changed


class AuditMiddleware:
    """Makes the request known to audit_record, and records refusals.

    A view that raised Http404 or PermissionDenied for a signed-in person refused them something.

    Permission-checked getters answer 404 to outsiders, so from here a refusal and a missing object look the same;
    both are recorded (by route, never by path) so probing for other people's ids shows up in the log.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, Http404 | PermissionDenied):
            audit_refusal(request)


class BellFreshnessMiddleware:
    """After a person sends a form, their "needs you" list is read afresh: what they just did may settle an item."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method == "POST" and user is not None and user.is_authenticated:
            bell_changed(user.pk)
        return response
