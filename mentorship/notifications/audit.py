"""The one door to the audit log: record who did what, when, from where and with what outcome.

What goes in is kept plain on purpose. A row names an action from a fixed list, the objects by type and id, and
a summary written by the code; ``details`` accepts numbers, booleans and short identifiers only. Nothing a
person typed, no password, token or secret, and no request path (links carry secrets) is ever stored: a
refused access is recorded by the route's name and its numeric arguments.
"""

from __future__ import annotations

import logging
import re
from contextvars import ContextVar
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest

from mentorship.accounts.models import User
from mentorship.notifications.models import AuditEvent

logger = logging.getLogger(__name__)

Action = AuditEvent.Action
Outcome = AuditEvent.Outcome

# Detail values must look like identifiers or numbers: anything longer or freer is dropped, so a caller cannot
# slip in text a person wrote. Keys that smell of secrets are dropped whatever their value.
_SAFE_VALUE = re.compile(r"^[\w.:@+-]{0,80}$")
_SECRET_KEY = re.compile(r"pass|token|secret|key|code|signature|session|cookie", re.IGNORECASE)
# The request being served, so that services (which never take a request) still record where an action came
# from. Set by AuditMiddleware for the length of each request.
current_request: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)

# A signed-in person probing ids is recorded, but at most this many refusals a minute, so the log cannot be
# flooded from one account.
REFUSALS_PER_MINUTE = 30


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address as allauth's rate limits see it (honouring ALLAUTH_TRUSTED_PROXY_COUNT)."""
    if request is None:
        return None
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return None


def clean_details(details: dict[str, Any] | None) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in (details or {}).items():
        if not isinstance(key, str) or _SECRET_KEY.search(key) or len(key) > 40:
            continue
        if (
            isinstance(value, bool | int | float)
            or value is None
            or (isinstance(value, str) and _SAFE_VALUE.match(value))
        ):
            clean[key] = value
    return clean


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    outcome: str = Outcome.OK,
    subject: User | None = None,
    target: models.Model | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
    actor_email: str = "",
) -> AuditEvent:
    """Write one audit row. ``request`` defaults to the one being served; ``actor`` to its signed-in person."""
    request = request if request is not None else current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        action=action,
        outcome=outcome,
        actor=actor,
        actor_email=(actor.email if actor is not None else actor_email)[:254],
        subject=subject,
        ip=client_ip(request),
        object_type=target._meta.model_name if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=(summary or AuditEvent.Action(action).label)[:300],
        details=clean_details(details),
    )


def audit_refusal(request: HttpRequest) -> None:
    """A signed-in person was refused a page or a write (a 404 from a permission-checked getter, or a 403)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or match is None:
        return
    bucket = f"audit-refusals:{user.pk}"
    cache.add(bucket, 0, timeout=60)
    try:
        count = cache.incr(bucket)
    except ValueError:
        count = 1
    if count > REFUSALS_PER_MINUTE:
        return
    numbers = {name: value for name, value in match.kwargs.items() if isinstance(value, int)}
    audit_record(
        action=Action.ACCESS_REFUSED,
        outcome=Outcome.REFUSED,
        request=request,
        summary=f"{request.method} {match.view_name}"[:300],
        details={"view": match.view_name, "method": request.method, **numbers},
    )
