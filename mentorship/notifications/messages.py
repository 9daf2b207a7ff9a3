"""Turn a claimed outbox row into the email that leaves: fresh context, the person's zone, unsubscribe headers."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from mentorship.accounts.models import User, zone_named
from mentorship.notifications.emails import one_line, render_email
from mentorship.notifications.models import Kind, Mode, NotificationSettings, OutboundEmail
from mentorship.notifications.preferences import preferences_url, unsubscribe_url
from mentorship.notifications.providers import Provided
from mentorship.notifications.selectors import settings_for


def message_id_for(key: str) -> str:
    # The same key gives the same Message-ID, so a rare second copy after a crash is folded by mail clients.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "mentorship.local"
    return f"<{digest}@{domain}>"


def build_message(
    row: OutboundEmail,
    *,
    connection: Any = None,
    prefs: dict[int, NotificationSettings] | None = None,
    provided: Provided | None = None,
) -> EmailMultiAlternatives | None:
    """The email for a claimed row, or None when it is no longer wanted.

    `prefs` and `provided` may hold what was read for the whole batch; without them this row's are read.
    """
    provided = provided if provided is not None else Provided.for_rows([row])
    subject, text, html = row.subject, row.body_text, row.body_html
    headers = {"Message-ID": message_id_for(row.key), **(row.headers or {})}
    if row.kind in Kind.values and row.recipient_id:
        found = prefs.get(row.recipient_id) if prefs is not None else None
        mine = found or settings_for([row.recipient_id])[row.recipient_id]
        if mine.mode_for(row.kind) != Mode.ON:
            return None  # unsubscribed or switched to the digest after the scan
        url = unsubscribe_url(user_id=row.recipient_id, kind=row.kind)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if row.template and not row.body_text:
        rendered = _render_row(row, provided, unsubscribe=headers.get("List-Unsubscribe", "").strip("<>"))
        if rendered is None:
            return None
        subject, text, html = rendered
    message = EmailMultiAlternatives(
        subject=one_line(subject),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.to],
        headers=headers,
        connection=connection,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in row.attachments or []:
        content = attachment.get("content")
        if content is None:
            content = provided.file(attachment)
            if content is None:
                continue
        message.attach(attachment["filename"], content, attachment.get("mimetype", "application/octet-stream"))
    return message


def _render_row(row: OutboundEmail, provided: Provided, *, unsubscribe: str = "") -> tuple[str, str, str] | None:
    user: User | None = row.recipient
    context: dict[str, Any] = dict(row.context or {})
    if row.context_provider:
        fresh = provided.context(row)
        if fresh is None:
            return None
        context.update(fresh)
    context["person"] = user
    if user is not None and row.kind in Kind.values:
        context["unsubscribe_url"] = unsubscribe or unsubscribe_url(user_id=user.pk, kind=row.kind)
        context["preferences_url"] = preferences_url()
    zone = user.zone if user is not None else zone_named(None)
    with timezone.override(zone):
        context.setdefault("time_zone", str(zone))
        rendered = render_email(row.template, context)
    return rendered.subject, rendered.text, rendered.html
