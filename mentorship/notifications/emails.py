"""Compose emails from templates/emails/<name>-subject.txt, -body.txt and -body.html.

Callers hand over the recipient and the context; this module knows nothing of programs or relationships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def absolute_url(path: str) -> str:
    """A link that works from an email: the site's public address (SITE_URL) and the path."""
    return f"{settings.SITE_URL}{path}"


def one_line(subject: str) -> str:
    """A subject cannot span lines: its whitespace is collapsed, and it is cut to the column's length."""
    return " ".join(subject.split())[:255]


def render_email(name: str, context: dict[str, Any]) -> RenderedEmail:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"emails/{name}-subject.txt", context)
    return RenderedEmail(
        subject=subject,
        text=render_to_string(f"emails/{name}-body.txt", context),
        html=render_to_string(f"emails/{name}-body.html", context),
    )
