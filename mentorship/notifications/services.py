"""Queue emails in the outbox and deliver them exactly once per key."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from mentorship.notifications.emails import render_email
from mentorship.notifications.models import OutboundEmail

logger = logging.getLogger(__name__)

# A row left "sending" this long belongs to a worker that died mid-send; it may be tried again.
STALE_CLAIM_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 5


def email_queue(*, key: str, kind: str, to: str, template: str, context: dict[str, Any]) -> OutboundEmail:
    """Render templates/emails/<template>-* and queue the result (see email_queue_rendered)."""
    rendered = render_email(template, context)
    return email_queue_rendered(
        key=key, kind=kind, to=to, subject=rendered.subject, text=rendered.text, html=rendered.html
    )


def email_queue_rendered(*, key: str, kind: str, to: str, subject: str, text: str, html: str = "") -> OutboundEmail:
    """Record the email and hand it to a worker once the surrounding transaction commits.

    The key names the notice; queueing the same key again returns the existing row and sends nothing more.
    A subject cannot span lines, so its whitespace is collapsed.
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:255],
        defaults={
            "kind": kind,
            "to": to,
            "subject": " ".join(subject.split())[:255],
            "body_text": text,
            "body_html": html,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue_delivery(email.pk))
    return email


def _enqueue_delivery(email_id: int) -> None:
    from mentorship.notifications.tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        # The row stays pending; the periodic outbox scan hands it to a worker later.
        logger.warning("broker unavailable, email %s waits in the outbox", email_id, exc_info=True)


def email_claim(*, email_id: int) -> OutboundEmail | None:
    """Take the row for this worker alone; None when another worker has it or it is done."""
    now = timezone.now()
    claimable = OutboundEmail.objects.filter(pk=email_id, attempts__lt=MAX_ATTEMPTS).filter(_claimable(now))
    if not claimable.update(status=OutboundEmail.Status.SENDING, claimed_at=now):
        return None
    return OutboundEmail.objects.get(pk=email_id)


def _claimable(now: datetime) -> Q:
    return Q(status=OutboundEmail.Status.PENDING) | Q(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER
    )


def email_deliver(*, email_id: int) -> bool:
    """Send one claimed email; True when it went out."""
    email = email_claim(email_id=email_id)
    if email is None:
        return False
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers=email.headers or None,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:
        attempts = email.attempts + 1
        status = OutboundEmail.Status.FAILED if attempts >= MAX_ATTEMPTS else OutboundEmail.Status.PENDING
        OutboundEmail.objects.filter(pk=email.pk).update(status=status, attempts=attempts, last_error=str(exc)[:2000])
        raise
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT, attempts=email.attempts + 1, sent_at=timezone.now(), last_error=""
    )
    return True


def outbox_pending_ids(*, limit: int = 500) -> list[int]:
    now = timezone.now()
    return list(
        OutboundEmail.objects.filter(attempts__lt=MAX_ATTEMPTS)
        .filter(_claimable(now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
