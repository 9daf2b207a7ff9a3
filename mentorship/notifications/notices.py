"""In-app notices under the bell, and the daily digest that collects the ones a person wants by email once a day."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url, one_line
from mentorship.notifications.models import Notice, OutboundEmail
from mentorship.notifications.outbox import outbox_flush_soon
from mentorship.notifications.plugins import bell_changed
from mentorship.notifications.preferences import preferences_url


def notice_add(*, user_id: int | None, key: str, kind: str, title: str, url: str = "") -> None:
    """An in-app notice about an event that also sends an email (a proposal received, a meeting planned...).

    Every such event reaches the bell, whatever the person chose for emails. The key names the event the way
    the email's outbox key does, so queueing the event again (a retry, a second click) adds no second notice.
    People without an account (an invitation to an address) have no bell: nothing is added for them.
    """
    if user_id is None:
        return
    Notice.objects.bulk_create(
        [Notice(user_id=user_id, key=key[:255], kind=kind[:64], title=one_line(title), url=url[:500])],
        ignore_conflicts=True,
    )
    # The event may be something the person now has to do: their "needs you" list is read afresh.
    transaction.on_commit(lambda: bell_changed(user_id))


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
        local = now.astimezone(user.zone)
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
                    "items": [{"title": n.title, "url": absolute_url(n.url)} for n in notices],
                    "preferences_url": preferences_url(),
                },
            )
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(digest_pending=False)
            queued += 1
    if queued:
        transaction.on_commit(outbox_flush_soon)
    return queued
