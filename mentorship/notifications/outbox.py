"""The outbox: queue an email as a row, claim it for one worker, send it, back off, give up.

Delivery semantics (the trade-off, chosen on purpose):

- A row is claimed (status "sending", a claim token, attempts + 1) before anything leaves, by a conditional
  UPDATE after `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers never hold the same row.
- A claim is a lease of LEASE (a minute). A worker takes a small batch (CLAIM_BATCH) and, while it works through
  it, renews the lease of the rows it still holds every RENEW_AFTER; before each message it checks that the row
  is still its own. So a live worker keeps its batch however slow the mail server is, and the rows of a worker
  that died return to the queue once their lease runs out: the next flush (every 30 seconds) sends them, within
  two minutes of the crash.
- It is marked "sent" right after the mail server accepted it, one message at a time on one SMTP connection,
  so a crash can leave at most the one message in flight unmarked.
- A lease that ran out belongs to a worker that died. We then choose *at-least-once*: the row is sent again,
  because a reminder that never arrives is worse than a rare second copy. The window is bounded: only a worker
  killed between the server's "250 OK" and our UPDATE (or one frozen for longer than the lease in the middle of
  a send) causes it, attempts are capped at MAX_ATTEMPTS, and both copies carry the same Message-ID (derived
  from the key), which mail clients use to fold duplicates. Scans, retries and second workers never resend.
- A worker asked to stop (SIGTERM, see shutdown.py) finishes the message in flight and gives the rest of its
  batch back at once, without using up an attempt, instead of leaving it to the lease.
- Transient SMTP failures back off exponentially with jitter (next_attempt_at); permanent ones (5xx) and
  exhausted attempts leave the row "failed" with the error for the admin. A mail server that cannot be reached
  at all costs no attempt: the rows simply wait and go out once it is back, and a server lost in the middle of
  a batch costs an attempt for the one message in flight only.
- A reminder whose moment passed before it could leave (its provider answers TooLate) is kept as "missed" with
  the reason, never dropped unnoticed.
"""

from __future__ import annotations

import contextlib
import logging
import random
import secrets
import smtplib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from mentorship.notifications import shutdown
from mentorship.notifications.emails import one_line, render_email
from mentorship.notifications.messages import build_message
from mentorship.notifications.models import Kind, NotificationSettings, OutboundEmail
from mentorship.notifications.providers import PermanentError, Provided, TooLate
from mentorship.notifications.selectors import settings_for

logger = logging.getLogger(__name__)

# A claim not renewed for this long belongs to a worker that died; the row may be taken again. It must exceed
# RENEW_AFTER plus the longest single send (EMAIL_TIMEOUT bounds each step of it), or a slow send could be
# taken over and sent twice.
LEASE = timedelta(seconds=60)
RENEW_AFTER = timedelta(seconds=20)
# Rows one worker takes at a time: what a crash can delay by a lease, and what the providers read at once.
CLAIM_BATCH = 50
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)


# -- queueing ------------------------------------------------------------------------------------------------


def email_queue(
    *,
    key: str,
    kind: str,
    to: str,
    template: str,
    context: dict[str, Any],
    recipient_id: int | None = None,
    attachments: Sequence[Mapping[str, Any]] = (),
) -> OutboundEmail:
    """Render templates/emails/<template>-* and queue the result (see email_queue_rendered)."""
    rendered = render_email(template, context)
    return email_queue_rendered(
        key=key,
        kind=kind,
        to=to,
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        recipient_id=recipient_id,
        attachments=attachments,
    )


def email_queue_rendered(
    *,
    key: str,
    kind: str,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    recipient_id: int | None = None,
    attachments: Sequence[Mapping[str, Any]] = (),
) -> OutboundEmail:
    """Record the email and hand it to a worker once the surrounding transaction commits.

    The key names the notice; queueing the same key again returns the existing row and sends nothing more.
    ``attachments`` name a registered attachment provider and its arguments (``{"provider": "meeting_ics",
    "args": [id], "filename": ..., "mimetype": ...}``): the file is built when the email leaves, so the row
    stores a few ids rather than the file.
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:255],
        defaults={
            "kind": kind,
            "to": to,
            "recipient_id": recipient_id,
            "subject": one_line(subject),
            "body_text": text,
            "body_html": html,
            "attachments": [dict(attachment) for attachment in attachments],
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


def outbox_flush_soon() -> None:
    """Ask a worker to send what is due now; if the broker is away, the periodic flush does it later."""
    from mentorship.notifications.tasks import flush_outbox

    try:
        flush_outbox.delay()
    except Exception:
        logger.warning("broker unavailable, emails wait in the outbox for the next flush", exc_info=True)


# -- claiming and sending ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    pending = Q(status=OutboundEmail.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - LEASE)
    return (pending | stale) & Q(attempts__lt=MAX_ATTEMPTS)


def outbox_claim(
    *, limit: int = CLAIM_BATCH, ids: list[int] | None = None, now: datetime | None = None
) -> list[OutboundEmail]:
    """Take up to `limit` due rows for this worker alone and return them.

    PostgreSQL skips rows another worker has locked; the UPDATE re-checks the condition, so even without the
    lock (SQLite serialises writers) a row is claimed by one worker only. The token tells us which rows are ours.
    """
    now = now or timezone.now()
    token = secrets.token_hex(16)
    with transaction.atomic():
        candidates = OutboundEmail.objects.filter(_due(now))
        if ids is not None:
            candidates = candidates.filter(pk__in=ids)
        picked = list(
            candidates.order_by("pk").select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        if not picked:
            return []
        OutboundEmail.objects.filter(pk__in=picked).filter(_due(now)).update(
            status=OutboundEmail.Status.SENDING, claimed_at=now, claim_token=token, attempts=F("attempts") + 1
        )
    return list(OutboundEmail.objects.filter(claim_token=token).select_related("recipient__profile").order_by("pk"))


def email_claim(*, email_id: int) -> OutboundEmail | None:
    """Take one row for this worker alone; None when another worker has it or it is done."""
    rows = outbox_claim(limit=1, ids=[email_id])
    return rows[0] if rows else None


@dataclass
class SendResult:
    sent: int = 0
    skipped: int = 0
    failed: int = 0
    # Back in the queue: the mail server was unreachable, or a transient failure backs off.
    retry: int = 0
    missed: int = 0
    # Given back unsent because the worker is shutting down.
    released: int = 0
    # No longer ours: the lease ran out (the worker was frozen) and another worker took the row.
    taken_over: int = 0


def email_deliver(*, email_id: int) -> bool:
    """Send one email if it is due and nobody else has it; True when it went out."""
    rows = outbox_claim(limit=1, ids=[email_id])
    return bool(rows) and outbox_send(rows=rows).sent == 1


def outbox_send(*, rows: list[OutboundEmail], connection: Any = None) -> SendResult:
    """Send claimed rows over one SMTP connection, marking each as soon as the server accepted it.

    The lease of the rows not sent yet is renewed as the batch goes on; a SIGTERM meanwhile gives them back.
    """
    result = SendResult()
    if not rows:
        return result
    connection = connection or get_connection()
    with shutdown.sending():
        try:
            connection.open()
        except Exception as exc:  # noqa: BLE001 - any failure to connect means "the server is away"
            # The server cannot be reached: not the messages' fault, so no attempt is used up; they wait.
            result.retry = _release_unreachable(rows, exc)
            return result
        try:
            _send_batch(rows, connection, result)
        finally:
            # A broken connection is closed as far as we are concerned.
            with contextlib.suppress(Exception):
                connection.close()
    return result


def _send_batch(rows: list[OutboundEmail], connection: Any, result: SendResult) -> None:
    # Everyone's preferences and the providers' answers in a few queries per batch, not per email.
    prefs = settings_for(row.recipient_id for row in rows if row.recipient_id and row.kind in Kind.values)
    provided = Provided.for_rows(rows)
    lease = Lease(rows)
    connected = True
    for position, row in enumerate(rows):
        if shutdown.requested():
            result.released += outbox_release(rows=lease.held(rows[position:]))
            logger.info("stopping: %d claimed emails given back to the outbox", result.released)
            return
        if not connected:
            try:
                connection.open()
            except Exception as exc:  # noqa: BLE001 - the server went away in the middle of the batch
                result.retry += _release_unreachable(lease.held(rows[position:]), exc)
                return
            connected = True
        if not lease.keep(row, rest=rows[position:]):
            result.taken_over += 1
            continue
        message = _compose(row, connection, result, prefs, provided)
        if message is not None:
            connected = _send_composed(row, message, connection, result)


class Lease:
    """The claims on one batch: renewed every RENEW_AFTER while its rows are worked through."""

    def __init__(self, rows: list[OutboundEmail]) -> None:
        self.tokens = {row.claim_token for row in rows}
        # From the claim itself: reading the providers' context for the batch already took some of the lease.
        self.renewed_at = min((row.claimed_at for row in rows if row.claimed_at), default=timezone.now())
        self.lost: set[int] = set()

    def keep(self, row: OutboundEmail, *, rest: list[OutboundEmail]) -> bool:
        """Whether `row` (the first of `rest`, the rows not handled yet) is still ours, renewing when due."""
        now = timezone.now()
        if not self.renewed_at <= now < self.renewed_at + RENEW_AFTER:
            self.renew(rest, now=now)
        return row.pk not in self.lost

    def renew(self, rest: list[OutboundEmail], *, now: datetime) -> None:
        ids = [row.pk for row in rest if row.pk not in self.lost]
        ours = OutboundEmail.objects.filter(
            pk__in=ids, claim_token__in=self.tokens, status=OutboundEmail.Status.SENDING
        )
        if ours.update(claimed_at=now) < len(ids):
            # Frozen past the lease, and another worker took some: those are theirs to send now.
            still = set(ours.values_list("pk", flat=True))
            self.lost.update(pk for pk in ids if pk not in still)
            logger.warning("lease lost on %d emails; another worker sends them", len(ids) - len(still))
        self.renewed_at = now

    def held(self, rows: list[OutboundEmail]) -> list[OutboundEmail]:
        return [row for row in rows if row.pk not in self.lost]


def _mine(row: OutboundEmail) -> Any:
    return OutboundEmail.objects.filter(pk=row.pk, claim_token=row.claim_token)


def _compose(
    row: OutboundEmail,
    connection: Any,
    result: SendResult,
    prefs: dict[int, NotificationSettings],
    provided: Provided,
) -> EmailMultiAlternatives | None:
    """The message to send for a claimed row; a row that cannot or need not be sent is settled here."""
    try:
        message = build_message(row, connection=connection, prefs=prefs, provided=provided)
    except TooLate as exc:
        _mine(row).update(status=OutboundEmail.Status.MISSED, last_error=str(exc)[:2000], claim_token="")
        result.missed += 1
        logger.warning("email %s missed: %s", row.pk, exc)
        return None
    except Exception as exc:
        logger.exception("email %s cannot be built", row.pk)
        _mine(row).update(status=OutboundEmail.Status.FAILED, last_error=f"cannot build: {exc}"[:2000], claim_token="")
        result.failed += 1
        return None
    if message is None:
        _mine(row).update(status=OutboundEmail.Status.SKIPPED, claim_token="", last_error="")
        result.skipped += 1
    return message


def _send_composed(row: OutboundEmail, message: EmailMultiAlternatives, connection: Any, result: SendResult) -> bool:
    """Hand one message to the mail server and record the answer on the row at once.

    False when the connection broke: the next message needs a new one (or, failing that, the rest waits).
    """
    try:
        connection.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - classified below as transient or permanent, never lost
        broken = isinstance(exc, smtplib.SMTPServerDisconnected | OSError)
        if broken:
            with contextlib.suppress(Exception):
                connection.close()
        _record_failure(row, exc, result)
        return not broken
    _mine(row).update(status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error="", claim_token="")
    result.sent += 1
    return True


def is_permanent(exc: BaseException) -> bool:
    if isinstance(exc, PermanentError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def backoff(attempts: int) -> timedelta:
    """Exponential with full jitter between half and all of the step, capped."""
    step = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(attempts - 1, 0)))
    return step * random.uniform(0.5, 1.0)  # noqa: S311 - spreading retries needs no cryptographic randomness


def _record_failure(row: OutboundEmail, exc: BaseException, result: SendResult) -> None:
    error = f"{type(exc).__name__}: {exc}"[:2000]
    mine = _mine(row)
    if is_permanent(exc) or row.attempts >= MAX_ATTEMPTS:
        mine.update(status=OutboundEmail.Status.FAILED, last_error=error, claim_token="")
        result.failed += 1
        logger.warning("email %s failed for good: %s", row.pk, error)
        return
    mine.update(
        status=OutboundEmail.Status.PENDING,
        last_error=error,
        claim_token="",
        next_attempt_at=timezone.now() + backoff(row.attempts),
    )
    result.retry += 1


def outbox_release(*, rows: list[OutboundEmail], **changes: Any) -> int:
    """Give claimed rows that were not tried back to the queue, without using up an attempt; returns how many."""
    if not rows:
        return 0
    return OutboundEmail.objects.filter(
        pk__in=[row.pk for row in rows],
        claim_token__in={row.claim_token for row in rows},
        status=OutboundEmail.Status.SENDING,
    ).update(status=OutboundEmail.Status.PENDING, attempts=F("attempts") - 1, claim_token="", **changes)


def _release_unreachable(rows: list[OutboundEmail], exc: BaseException) -> int:
    delay = timedelta(seconds=getattr(settings, "NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS", 60))
    released = outbox_release(
        rows=rows,
        last_error=f"mail server unreachable: {type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + delay * random.uniform(0.5, 1.0),  # noqa: S311
    )
    logger.warning("mail server unreachable, %d emails wait: %s", released, exc)
    return released


def outbox_flush(*, batch: int = CLAIM_BATCH, max_seconds: float = 50.0) -> tuple[int, bool]:
    """Send due rows batch by batch for up to max_seconds; returns (sent, more_waiting)."""
    outbox_fail_abandoned()
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < max_seconds:
        if shutdown.requested():
            # Another worker carries on; this one is on its way out.
            return sent, True
        rows = outbox_claim(limit=batch)
        if not rows:
            return sent, False
        outcome = outbox_send(rows=rows)
        sent += outcome.sent
        if outcome.released:
            return sent, True
        if outcome.retry == len(rows):
            # The mail server is away; trying more rows now would only burn time.
            return sent, False
    return sent, True


def outbox_fail_abandoned(*, now: datetime | None = None) -> int:
    """Rows whose workers died on every attempt end as failed, so an admin sees them."""
    now = now or timezone.now()
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - LEASE, attempts__gte=MAX_ATTEMPTS
    ).update(status=OutboundEmail.Status.FAILED, last_error="the worker stopped while sending, on every attempt")


def outbox_pending_ids(*, limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(_due(timezone.now())).order_by("created_at").values_list("pk", flat=True)[:limit]
    )
