"""Queue emails and notices in the outbox and deliver them exactly once per key.

Delivery semantics (the trade-off, chosen on purpose):

- A row is claimed (status "sending", a claim token, attempts + 1) before anything leaves, by a conditional
  UPDATE after `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so two workers never hold the same row.
- It is marked "sent" right after the mail server accepted it, one message at a time on one SMTP connection,
  so a crash can leave at most the one message in flight unmarked.
- A claim older than STALE_CLAIM_AFTER belongs to a worker that died. We then choose *at-least-once*: the row
  is sent again, because a reminder that never arrives is worse than a rare second copy. The window is bounded:
  only a worker killed between the server's "250 OK" and our UPDATE causes it, the retry waits
  STALE_CLAIM_AFTER, attempts are capped at MAX_ATTEMPTS, and both copies carry the same Message-ID (derived
  from the key), which mail clients use to fold duplicates. Scans, retries and second workers never resend.
- Transient SMTP failures back off exponentially with jitter (next_attempt_at); permanent ones (5xx) and
  exhausted attempts leave the row "failed" with the error for the admin. A mail server that cannot be reached
  at all costs no attempt: the rows simply wait and go out once it is back.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import random
import secrets
import smtplib
import time
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection as db_connection
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from mentorship.accounts.models import User
from mentorship.notifications.emails import render_email
from mentorship.notifications.models import (
    DEFAULT_LEAD_MINUTES,
    LEAD_TIME_CHOICES,
    Kind,
    Mode,
    Notice,
    NotificationSettings,
    OutboundEmail,
)

logger = logging.getLogger(__name__)

# A row left "sending" this long belongs to a worker that died mid-send; it may be tried again.
STALE_CLAIM_AFTER = timedelta(minutes=15)
MAX_ATTEMPTS = 8
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
UNSUBSCRIBE_SALT = "mentorship.notifications.unsubscribe"
BATCH_SIZE = 1000


class PermanentError(Exception):
    """The email can never be sent as it is (bad template, unknown provider, rejected address)."""


# -- queueing ------------------------------------------------------------------------------------------------


def email_queue(
    *, key: str, kind: str, to: str, template: str, context: dict[str, Any], recipient_id: int | None = None
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
    )


def email_queue_rendered(
    *, key: str, kind: str, to: str, subject: str, text: str, html: str = "", recipient_id: int | None = None
) -> OutboundEmail:
    """Record the email and hand it to a worker once the surrounding transaction commits.

    The key names the notice; queueing the same key again returns the existing row and sends nothing more.
    A subject cannot span lines, so its whitespace is collapsed.
    """
    email, created = OutboundEmail.objects.get_or_create(
        key=key[:255],
        defaults={
            "kind": kind,
            "to": to,
            "recipient_id": recipient_id,
            "subject": _one_line(subject),
            "body_text": text,
            "body_html": html,
        },
    )
    if created:
        transaction.on_commit(lambda: _enqueue_delivery(email.pk))
    return email


def _one_line(subject: str) -> str:
    return " ".join(subject.split())[:255]


def _enqueue_delivery(email_id: int) -> None:
    from mentorship.notifications.tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        # The row stays pending; the periodic outbox scan hands it to a worker later.
        logger.warning("broker unavailable, email %s waits in the outbox", email_id, exc_info=True)


def _enqueue_flush() -> None:
    from mentorship.notifications.tasks import flush_outbox

    try:
        flush_outbox.delay()
    except Exception:
        logger.warning("broker unavailable, reminders wait in the outbox for the next scan", exc_info=True)


@dataclass(frozen=True)
class Reminder:
    """One notice a scan found due. The key names recipient, kind, object, occurrence or date, and lead time."""

    key: str
    kind: str
    user_id: int
    email: str
    title: str
    url: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # A dotted path from settings.NOTIFICATION_PROVIDERS called at send time for the fresh context (see
    # ProviderRequest); it gives None when the email is no longer needed (the meeting was cancelled, the item done).
    context_provider: str = ""
    attachments: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class ProviderRequest:
    """One email's question to a context provider: who receives it and the context the scan stored.

    A provider takes the list of requests of a whole claimed batch and answers with a list of the same length
    (a dict to add to the context, or None to drop that email), so it reads its data once per batch, not once
    per email. Attachment providers likewise take a list of argument lists and answer with a list of contents.
    """

    user: User | None
    context: dict[str, Any]


@dataclass
class QueueResult:
    considered: int = 0
    emails_created: int = 0
    notices_created: int = 0
    queries_batches: int = 0

    def add(self, other: QueueResult) -> None:
        self.considered += other.considered
        self.emails_created += other.emails_created
        self.notices_created += other.notices_created
        self.queries_batches += other.queries_batches


def _batched(items: Iterable[Reminder], size: int) -> Iterator[list[Reminder]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def settings_for(user_ids: Iterable[int]) -> dict[int, NotificationSettings]:
    """Each person's settings in one query, to read only.

    People who never changed anything share one unsaved default: building a model instance per person was a
    large part of a 100,000-reminder scan.
    """
    ids = set(user_ids)
    found = {s.user_id: s for s in NotificationSettings.objects.filter(user_id__in=ids)}
    default = NotificationSettings(modes={}, lead_minutes=[])
    return {uid: found.get(uid, default) for uid in ids}


def reminders_queue(*, reminders: Iterable[Reminder], batch_size: int = BATCH_SIZE) -> QueueResult:
    """Insert the due reminders that are not in the outbox yet, in batches of a constant number of queries.

    Per batch: one query for the recipients' preferences, one for the keys already queued, one bulk insert of
    notices and one of emails (both ignore rows that appeared meanwhile, so a concurrent scan is harmless).
    The send is handed to a worker after commit; if the broker is away, the next flush picks the rows up.
    """
    result = QueueResult()
    for batch in _batched(reminders, batch_size):
        result.add(_queue_batch(batch))
    if result.emails_created:
        transaction.on_commit(_enqueue_flush)
    return result


def _queue_batch(batch: list[Reminder]) -> QueueResult:
    result = QueueResult(considered=len(batch), queries_batches=1)
    unique = {reminder.key[:255]: reminder for reminder in batch}
    prefs = settings_for(r.user_id for r in unique.values())
    if db_connection.vendor == "postgresql":
        result.notices_created, result.emails_created = _insert_postgresql(unique, prefs)
        return result
    existing = set(Notice.objects.filter(key__in=list(unique)).values_list("key", flat=True))
    fresh = [r for key, r in unique.items() if key not in existing]
    if not fresh:
        return result
    notices = []
    emails = []
    for reminder in fresh:
        mode = prefs[reminder.user_id].mode_for(reminder.kind)
        notices.append(
            Notice(
                user_id=reminder.user_id,
                key=reminder.key[:255],
                kind=reminder.kind,
                title=reminder.title[:255],
                url=reminder.url[:500],
                digest_pending=mode == Mode.DIGEST,
            )
        )
        if mode == Mode.ON:
            emails.append(
                OutboundEmail(
                    key=reminder.key[:255],
                    kind=reminder.kind,
                    to=reminder.email,
                    recipient_id=reminder.user_id,
                    subject=_one_line(reminder.title),
                    template=reminder.template,
                    context=_json_safe(reminder.context),
                    context_provider=reminder.context_provider,
                    attachments=list(reminder.attachments),
                )
            )
    # Notices carry the same keys as emails; the notice table is the ledger of what a scan already produced,
    # so a reminder switched off (no email row) is still not reconsidered.
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    OutboundEmail.objects.bulk_create(emails, ignore_conflicts=True)
    result.notices_created = len(notices)
    result.emails_created = len(emails)
    return result


def _postgresql_queue_sql() -> str:
    quote = db_connection.ops.quote_name
    key = quote("key")
    # Only table and column names from the models are interpolated; every value is a parameter.
    return (
        "WITH u AS (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], "  # noqa: S608
        "%s::boolean[], %s::boolean[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
        "AS u(key, user_id, kind, title, url, digest_pending, send, address, subject, template, context, "
        "context_provider, attachments)), "
        f"ins AS (INSERT INTO {quote(Notice._meta.db_table)} "
        f"(user_id, {key}, kind, title, url, created_at, digest_pending) "
        "SELECT u.user_id, u.key, u.kind, u.title, u.url, %s, u.digest_pending FROM u "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}), "
        f"em AS (INSERT INTO {quote(OutboundEmail._meta.db_table)} "
        f"({key}, kind, {quote('to')}, recipient_id, subject, body_text, body_html, template, context, "
        "context_provider, attachments, headers, status, attempts, last_error, created_at, claim_token) "
        "SELECT u.key, u.kind, u.address, u.user_id, u.subject, '', '', u.template, u.context::jsonb, "
        "u.context_provider, u.attachments::jsonb, '{}'::jsonb, %s, 0, '', %s, '' "
        f"FROM u JOIN ins ON ins.{key} = u.key WHERE u.send "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING 1) "
        "SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM em)"
    )


def _insert_postgresql(unique: dict[str, Reminder], prefs: dict[int, NotificationSettings]) -> tuple[int, int]:
    """What the generic path does with a SELECT and two bulk_create calls, in one statement of arrays.

    Only notices that did not exist yet get an email (the notice table is the ledger, see above), and the
    counts are the rows really inserted, so a concurrent scan is counted once. Building 1,000-row VALUES lists
    and model instances was most of the time of a 100,000-reminder scan; arrays leave that work to PostgreSQL.
    """
    reminders = list(unique.values())
    modes = [prefs[r.user_id].mode_for(r.kind) for r in reminders]
    now = timezone.now()
    params = [
        list(unique),
        [r.user_id for r in reminders],
        [r.kind for r in reminders],
        [r.title[:255] for r in reminders],
        [r.url[:500] for r in reminders],
        [mode == Mode.DIGEST for mode in modes],
        [mode == Mode.ON for mode in modes],
        [r.email for r in reminders],
        [_one_line(r.title) for r in reminders],
        [r.template for r in reminders],
        [json.dumps(r.context, cls=DjangoJSONEncoder) for r in reminders],
        [r.context_provider for r in reminders],
        [json.dumps(list(r.attachments), cls=DjangoJSONEncoder) for r in reminders],
        now,
        OutboundEmail.Status.PENDING.value,
        now,
    ]
    with db_connection.cursor() as cursor:
        cursor.execute(_postgresql_queue_sql(), params)
        notices, emails = cursor.fetchone()
    return notices, emails


def _json_safe(context: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder))


# -- claiming and sending ----------------------------------------------------------------------------------


def _due(now: datetime) -> Q:
    pending = Q(status=OutboundEmail.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    stale = Q(status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER)
    return (pending | stale) & Q(attempts__lt=MAX_ATTEMPTS)


def outbox_claim(*, limit: int = 200, ids: list[int] | None = None, now: datetime | None = None) -> list[OutboundEmail]:
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
    retry: int = 0


def email_deliver(*, email_id: int) -> bool:
    """Send one email if it is due and nobody else has it; True when it went out."""
    rows = outbox_claim(limit=1, ids=[email_id])
    return bool(rows) and outbox_send(rows=rows).sent == 1


def outbox_send(*, rows: list[OutboundEmail], connection: Any = None) -> SendResult:
    """Send claimed rows over one SMTP connection, marking each as soon as the server accepted it."""
    result = SendResult()
    if not rows:
        return result
    connection = connection or get_connection()
    try:
        connection.open()
    except Exception as exc:  # noqa: BLE001 - any failure to connect means "the server is away"
        # The server cannot be reached: not the messages' fault, so no attempt is used up; they wait.
        _release_unreachable(rows, exc)
        result.retry = len(rows)
        return result
    # Everyone's preferences and the providers' answers in a few queries per batch, not per email.
    prefs = settings_for(row.recipient_id for row in rows if row.recipient_id and row.kind in Kind.values)
    provided = Provided.for_rows(rows)
    try:
        for row in rows:
            message = _compose(row, connection, result, prefs, provided)
            if message is not None:
                _send_composed(row, message, connection, result)
    finally:
        # A broken connection is closed as far as we are concerned.
        with contextlib.suppress(Exception):
            connection.close()
    return result


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
    except Exception as exc:
        logger.exception("email %s cannot be built", row.pk)
        _mine(row).update(status=OutboundEmail.Status.FAILED, last_error=f"cannot build: {exc}"[:2000], claim_token="")
        result.failed += 1
        return None
    if message is None:
        _mine(row).update(status=OutboundEmail.Status.SKIPPED, claim_token="", last_error="")
        result.skipped += 1
    return message


def _send_composed(row: OutboundEmail, message: EmailMultiAlternatives, connection: Any, result: SendResult) -> None:
    """Hand one message to the mail server and record the answer on the row at once."""
    try:
        connection.send_messages([message])
    except Exception as exc:  # noqa: BLE001 - classified below as transient or permanent, never lost
        if isinstance(exc, smtplib.SMTPServerDisconnected | OSError):
            # The next message opens a fresh connection.
            with contextlib.suppress(Exception):
                connection.close()
        _record_failure(row, exc, result)
        return
    _mine(row).update(status=OutboundEmail.Status.SENT, sent_at=timezone.now(), last_error="", claim_token="")
    result.sent += 1


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


def _release_unreachable(rows: list[OutboundEmail], exc: BaseException) -> None:
    delay = timedelta(seconds=getattr(settings, "NOTIFICATIONS_SMTP_DOWN_RETRY_SECONDS", 60))
    tokens = {row.claim_token for row in rows}
    OutboundEmail.objects.filter(pk__in=[row.pk for row in rows], claim_token__in=tokens).update(
        status=OutboundEmail.Status.PENDING,
        attempts=F("attempts") - 1,
        claim_token="",
        last_error=f"mail server unreachable: {type(exc).__name__}: {exc}"[:2000],
        next_attempt_at=timezone.now() + delay * random.uniform(0.5, 1.0),  # noqa: S311
    )
    logger.warning("mail server unreachable, %d emails wait: %s", len(rows), exc)


def outbox_flush(*, batch: int = 200, max_seconds: float = 50.0) -> tuple[int, bool]:
    """Send due rows batch by batch for up to max_seconds; returns (sent, more_waiting)."""
    outbox_fail_abandoned()
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < max_seconds:
        rows = outbox_claim(limit=batch)
        if not rows:
            return sent, False
        outcome = outbox_send(rows=rows)
        sent += outcome.sent
        if outcome.retry == len(rows):
            # The mail server is away; trying more rows now would only burn time.
            return sent, False
    return sent, True


def outbox_fail_abandoned(*, now: datetime | None = None) -> int:
    """Rows whose workers died on every attempt end as failed, so an admin sees them."""
    now = now or timezone.now()
    return OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, claimed_at__lt=now - STALE_CLAIM_AFTER, attempts__gte=MAX_ATTEMPTS
    ).update(status=OutboundEmail.Status.FAILED, last_error="the worker stopped while sending, on every attempt")


def outbox_pending_ids(*, limit: int = 500) -> list[int]:
    return list(
        OutboundEmail.objects.filter(_due(timezone.now())).order_by("created_at").values_list("pk", flat=True)[:limit]
    )


# -- composing ---------------------------------------------------------------------------------------------


def _allowed(path: str) -> Any:
    if path not in getattr(settings, "NOTIFICATION_PROVIDERS", ()):
        raise PermanentError(f"{path} is not listed in settings.NOTIFICATION_PROVIDERS")
    return import_string(path)


def _ask(path: str, questions: list[Any]) -> list[Any]:
    """A provider's answers for a batch; an exception in place of an answer fails only that email."""
    try:
        provider = _allowed(path)
    except PermanentError as exc:
        return [exc] * len(questions)
    try:
        answers = list(provider(questions))
    except Exception as exc:  # noqa: BLE001 - a provider's failure becomes that email's recorded failure
        if len(questions) == 1:
            return [exc]
        # One broken row must not hold back the rest: ask again one at a time, so only that one fails.
        return [answer for question in questions for answer in _ask(path, [question])]
    if len(answers) != len(questions):
        return [PermanentError(f"{path} answered {len(answers)} of {len(questions)} requests")] * len(questions)
    return answers


@dataclass
class Provided:
    """What the providers answered for a claimed batch: fresh contexts per row and attachment contents."""

    contexts: dict[int, Any] = field(default_factory=dict)
    files: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def for_rows(cls, rows: Iterable[OutboundEmail]) -> Provided:
        requests: dict[str, list[OutboundEmail]] = {}
        files: dict[str, dict[str, list[Any]]] = {}
        for row in rows:
            if row.template and not row.body_text and row.context_provider:
                requests.setdefault(row.context_provider, []).append(row)
            for attachment in row.attachments or []:
                if attachment.get("content") is None:
                    args = list(attachment.get("args", []))
                    files.setdefault(attachment["provider"], {})[_file_key(args)] = args
        provided = cls()
        for path, asking in requests.items():
            answers = _ask(
                path, [ProviderRequest(user=row.recipient, context=dict(row.context or {})) for row in asking]
            )
            provided.contexts.update((row.pk, answer) for row, answer in zip(asking, answers, strict=True))
        for path, by_key in files.items():
            # Two people reminded of one meeting share its calendar file: it is built once.
            answers = _ask(path, list(by_key.values()))
            provided.files.update(((path, key), answer) for key, answer in zip(by_key, answers, strict=True))
        return provided

    def context(self, row: OutboundEmail) -> dict[str, Any] | None:
        return _answer(self.contexts[row.pk])

    def file(self, attachment: dict[str, Any]) -> Any:
        return _answer(self.files[attachment["provider"], _file_key(list(attachment.get("args", [])))])


def _file_key(args: list[Any]) -> str:
    return json.dumps(args, cls=DjangoJSONEncoder, sort_keys=True)


def _answer(answer: Any) -> Any:
    if isinstance(answer, BaseException):
        raise answer
    return answer


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
        subject=_one_line(subject),
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
        context["preferences_url"] = f"{settings.SITE_URL}{reverse('notifications:preferences')}"
    zone = _zone_of(user)
    with timezone.override(zone):
        context.setdefault("time_zone", str(zone))
        rendered = render_email(row.template, context)
    return rendered.subject, rendered.text, rendered.html


def _zone_of(user: User | None) -> zoneinfo.ZoneInfo:
    name = "UTC"
    if user is not None:
        profile = getattr(user, "profile", None)
        name = getattr(profile, "time_zone", None) or "UTC"
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


# -- preferences and unsubscribe ---------------------------------------------------------------------------


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    token = unsubscribe_token(user_id=user_id, kind=kind)
    return f"{settings.SITE_URL}{reverse('notifications:unsubscribe', args=[token])}"


def unsubscribe_read(*, token: str) -> tuple[User, str] | None:
    """The person and kind a token names, or None when it was tampered with or names nobody."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        return None
    user = User.objects.filter(pk=data.get("u"), is_active=True).first()
    return (user, data["k"]) if user else None


@transaction.atomic
def preference_set(*, user: User, kind: str, mode: str) -> NotificationSettings:
    if kind not in Kind.values or mode not in Mode.values:
        raise ValueError("unknown kind or mode")
    prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.modes = {**prefs.modes, kind: mode}
    prefs.save(update_fields=["modes", "updated_at"])
    return prefs


@transaction.atomic
def preferences_update(*, user: User, modes: dict[str, str], lead_minutes: list[int]) -> NotificationSettings:
    allowed_leads = {value for value, _label in LEAD_TIME_CHOICES}
    if any(kind not in Kind.values or mode not in Mode.values for kind, mode in modes.items()):
        raise ValueError("unknown kind or mode")
    if any(lead not in allowed_leads for lead in lead_minutes):
        raise ValueError("unknown lead time")
    prefs, _created = NotificationSettings.objects.select_for_update().get_or_create(user=user)
    prefs.modes = {**prefs.modes, **modes}
    prefs.lead_minutes = sorted(set(lead_minutes), reverse=True) or list(DEFAULT_LEAD_MINUTES)
    prefs.save(update_fields=["modes", "lead_minutes", "updated_at"])
    return prefs


# -- in-app notices ----------------------------------------------------------------------------------------


def notice_open(*, user: User, pk: int) -> Notice:
    """Mark the person's own notice read (404 for anyone else's, via the caller's getter)."""
    notice = Notice.objects.get(pk=pk, user=user)
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    return notice


def notices_mark_all_read(*, user: User) -> int:
    return Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# -- daily digest ------------------------------------------------------------------------------------------

DIGEST_LOCAL_HOUR = 8


def digests_send_due(*, now: datetime | None = None) -> int:
    """One email per person whose digest notices wait and whose local morning has come; once per local day."""
    now = now or timezone.now()
    user_ids = set(Notice.objects.filter(digest_pending=True).values_list("user_id", flat=True).distinct())
    queued = 0
    users = User.objects.filter(pk__in=user_ids, is_active=True).select_related("profile")
    for user in users:
        local = now.astimezone(_zone_of(user))
        if local.hour < DIGEST_LOCAL_HOUR:
            continue
        with transaction.atomic():
            notices = list(Notice.objects.select_for_update().filter(user=user, digest_pending=True).order_by("pk"))
            if not notices:
                continue
            key = f"digest:{user.pk}:{local.date().isoformat()}"
            if OutboundEmail.objects.filter(key=key).exists():
                continue  # today's digest went out already; these wait for tomorrow's
            OutboundEmail.objects.create(
                key=key,
                kind="daily_digest",
                to=user.email,
                recipient=user,
                subject="",
                template="daily-digest",
                context={
                    "items": [{"title": n.title, "url": f"{settings.SITE_URL}{n.url}"} for n in notices],
                    "preferences_url": f"{settings.SITE_URL}{reverse('notifications:preferences')}",
                },
            )
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(digest_pending=False)
            queued += 1
    if queued:
        transaction.on_commit(_enqueue_flush)
    return queued
