"""Busy parts of pages, rendered once and served from the cache until what they show changes.

The caller names everything a part shows in its key: the viewer, their zone, and a revision of the data that
the writes bump (so a change makes a new key instead of needing a purge). A part is also kept no longer than
``fresh_until``, the moment its content would change with the clock alone (a meeting starting, a day ending),
nor longer than its lifetime.

What differs on every visit is never kept. The CSRF token and the single-use submission tokens are rendered as
holes and filled afresh each time the part is served, so two tabs never share a submission token and a form
always carries the session's current CSRF secret. The hole marks are derived from SECRET_KEY: typed text cannot
imitate one, and every process (they share the cache) agrees on them.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.safestring import SafeString, mark_safe

from mentorship.accounts.submissions import FIELD, new_token

# Set in the context of a part being rendered for the cache; {% submission_token %} then leaves a hole.
RENDERING_FOR_CACHE = "rendering_for_cache"
_FIXED_TOKEN = re.compile(rf'name="{FIELD}" value="[0-9a-f]{{32}}"')


@functools.cache
def hole(name: str) -> str:
    # 40 hex digits: never mistaken for a submission token (32) by the posted-token check.
    return salted_hmac("mentorship.page_parts.hole", name).hexdigest()[:40]


@dataclass(frozen=True)
class Rendered:
    """What a part needs to be drawn: its template and context, and until when it stays true on its own."""

    template: str
    context: dict[str, Any]
    fresh_until: datetime.datetime | None = None


def part_key(name: str, *facts: object) -> str:
    """A cache key for a part, from everything it shows; hashed, so any fact may be long or hold any character."""
    digest = hashlib.sha256(repr(facts).encode()).hexdigest()[:40]
    return f"page-part:{name}:{digest}"


def earliest(*moments: datetime.datetime | None) -> datetime.datetime | None:
    found = [moment for moment in moments if moment is not None]
    return min(found) if found else None


def page_part(request: HttpRequest, *, key: str, lifetime: int, build: Callable[[], Rendered]) -> SafeString:
    """The part under ``key``, rendered by ``build`` when it is not cached or no longer fresh."""
    now = timezone.now()
    kept = cache.get(key)
    if kept is not None and (kept[1] is None or now < kept[1]):
        html = kept[0]
    else:
        rendered = build()
        context = {**rendered.context, "csrf_token": hole("csrf"), RENDERING_FOR_CACHE: True}
        html = render_to_string(rendered.template, context, request)
        if _FIXED_TOKEN.search(html):
            # A form's own token field (SubmitOnceMixin) would be served to every visit: two tabs, one token.
            raise ImproperlyConfigured(f"{rendered.template} holds a submission token; use {{% submission_token %}}")
        timeout = lifetime
        if rendered.fresh_until is not None:
            timeout = min(lifetime, math.ceil((rendered.fresh_until - now).total_seconds()))
        if timeout > 0:
            cache.set(key, (html, rendered.fresh_until), timeout)
    # Our own templates rendered it, escaping as they do; the holes are filled with hex digits only.
    return mark_safe(_filled(html, request))  # nosec B308 B703


def _filled(html: str, request: HttpRequest) -> str:
    # One masked CSRF token serves every form of the part; each submission token is new.
    html = html.replace(hole("csrf"), get_token(request))
    pieces = html.split(hole("submission"))
    if len(pieces) == 1:
        return html
    return "".join(piece + new_token() for piece in pieces[:-1]) + pieces[-1]
