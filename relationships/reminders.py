"""Agreement reminders: the latest version of an agreement that one side has not accepted after some days."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from mentorship.common.paging import pages_by_pk
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import Kind
from mentorship.notifications.providers import ProviderRequest
from mentorship.notifications.reminders import QueueResult, Reminder, reminders_queue
from relationships.models import Agreement, Relationship

# The key under which agreement_pending_context is registered with the outbox (stored in queued rows).
AGREEMENT_PENDING = "agreement_pending"


def agreement_pending_days() -> int:
    return int(getattr(settings, "NOTIFICATIONS_AGREEMENT_PENDING_DAYS", 3))


def pending_agreements_due(*, now: datetime.datetime | None = None) -> QueueResult:
    """The latest version of an agreement that one side has not accepted after N days: to that side."""
    now = now or timezone.now()
    latest = Agreement.objects.filter(relationship=OuterRef("relationship")).order_by("-version").values("pk")[:1]
    agreements = Agreement.objects.filter(
        Q(mentee_accepted_at__isnull=True) | Q(mentor_accepted_at__isnull=True),
        pk=Subquery(latest),
        relationship__status__in=Relationship.OPEN_STATUSES,
        updated_at__lte=now - datetime.timedelta(days=agreement_pending_days()),
    )
    fields = (
        "pk",
        "version",
        "updated_at",
        "relationship_id",
        "mentee_accepted_at",
        "mentor_accepted_at",
        "relationship__mentee_id",
        "relationship__mentee__email",
        "relationship__mentor_id",
        "relationship__mentor__email",
    )
    result = QueueResult()
    for rows in pages_by_pk(agreements, fields=fields):
        reminders = []
        for row in rows:
            waiting = []
            if row["mentee_accepted_at"] is None:
                waiting.append((row["relationship__mentee_id"], row["relationship__mentee__email"]))
            if row["mentor_accepted_at"] is None:
                waiting.append((row["relationship__mentor_id"], row["relationship__mentor__email"]))
            for user_id, email in waiting:
                reminders.append(
                    Reminder(
                        key=f"agreement-pending:{row['pk']}:{int(row['updated_at'].timestamp())}:{user_id}",
                        kind=Kind.AGREEMENT_PENDING,
                        user_id=user_id,
                        email=email,
                        title=f"Your agreement (version {row['version']}) is waiting for you",
                        url=f"/relationships/{row['relationship_id']}/",
                        template="agreement-pending",
                        context={"agreement_id": row["pk"], "version": row["version"]},
                        context_provider=AGREEMENT_PENDING,
                    )
                )
        result.add(reminders_queue(reminders=reminders))
    return result


def scan(*, now: datetime.datetime | None = None) -> QueueResult:
    return pending_agreements_due(now=now)


def agreement_pending_context(requests: list[ProviderRequest]) -> list[dict | None]:
    """Fresh when sent: nothing if the person accepted meanwhile or a newer version replaced this one."""
    agreements = Agreement.objects.select_related("relationship__mentee", "relationship__mentor").in_bulk(
        {request.context["agreement_id"] for request in requests}
    )
    latest = dict(
        Agreement.objects.filter(relationship_id__in={a.relationship_id for a in agreements.values()})
        .values_list("relationship_id")
        .annotate(version=Max("version"))
        .order_by()
    )
    answers: list[dict | None] = []
    for request in requests:
        agreement = agreements.get(request.context["agreement_id"])
        user = request.user
        if agreement is None or user is None:
            answers.append(None)
            continue
        relationship = agreement.relationship
        side = relationship.side_of(user.pk)
        if side is None or agreement.accepted_by(side) or not relationship.is_open:
            answers.append(None)
            continue
        if latest.get(relationship.pk, agreement.version) > agreement.version:
            answers.append(None)
            continue
        answers.append(
            {
                "agreement": agreement,
                "relationship": relationship,
                "other": relationship.other_person(user.pk),
                "link": absolute_url(relationship.get_absolute_url()),
            }
        )
    return answers
