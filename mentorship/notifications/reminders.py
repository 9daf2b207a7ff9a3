"""Queue what the periodic scans found due: an in-app notice for each, and an email where the person wants one.

Scans in the apps that own the data (meetings, relationships, matching) build ``Reminder`` records from plain
values and hand them over in batches; the notice table is the ledger of what was produced, so a scan that runs
twice, or two scans at once, queue nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from mentorship.notifications.emails import one_line
from mentorship.notifications.models import Mode, Notice, NotificationSettings, OutboundEmail
from mentorship.notifications.outbox import outbox_flush_soon
from mentorship.notifications.selectors import settings_for

BATCH_SIZE = 1000


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
    # The key of a context provider (see providers.py) asked at send time for the fresh context; it answers None
    # when the email is no longer needed (the meeting was cancelled, the item done).
    context_provider: str = ""
    attachments: tuple[dict[str, Any], ...] = ()


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
        transaction.on_commit(outbox_flush_soon)
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
                    subject=one_line(reminder.title),
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


# Each table's columns are either written by the statement below or left NULL on purpose. A test compares these
# lists with the models, so a column added later cannot be skipped here unnoticed.
NOTICE_COLUMNS = ("user_id", "key", "kind", "title", "url", "created_at", "digest_pending")
NOTICE_LEFT_NULL = ("read_at",)
EMAIL_COLUMNS = (
    "key",
    "kind",
    "to",
    "recipient_id",
    "subject",
    "body_text",
    "body_html",
    "template",
    "context",
    "context_provider",
    "attachments",
    "headers",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "claim_token",
)
EMAIL_LEFT_NULL = ("next_attempt_at", "claimed_at", "sent_at")


def _postgresql_queue_sql() -> str:
    quote = db_connection.ops.quote_name
    key = quote("key")

    def columns(names: tuple[str, ...]) -> str:
        return ", ".join(quote(name) for name in names)

    # Only table and column names from the models are interpolated; every value is a parameter. The SELECT lists
    # follow the order of NOTICE_COLUMNS and EMAIL_COLUMNS.
    return (
        "WITH u AS (SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[], "  # noqa: S608  # nosec B608
        "%s::boolean[], %s::boolean[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[]) "
        "AS u(key, user_id, kind, title, url, digest_pending, send, address, subject, template, context, "
        "context_provider, attachments)), "
        f"ins AS (INSERT INTO {quote(Notice._meta.db_table)} ({columns(NOTICE_COLUMNS)}) "
        "SELECT u.user_id, u.key, u.kind, u.title, u.url, %s, u.digest_pending FROM u "
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}), "
        f"em AS (INSERT INTO {quote(OutboundEmail._meta.db_table)} ({columns(EMAIL_COLUMNS)}) "
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
        [one_line(r.title) for r in reminders],
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
