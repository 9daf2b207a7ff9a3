"""The weekly summary each program administrator gets: the pairs at risk first, with a link to the at-risk list,
then stalled relationships, overdue items and open proposals."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from insights.health import Band
from insights.metrics import health_rows
from insights.models import PairHealth
from insights.services import figures_ensure_fresh
from matching.reminders import unanswered_proposals_by_program
from meetings.models import ActionItem
from meetings.reminders import missed_reminders_by_program
from meetings.stalled import stalled_relationships
from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import Kind
from mentorship.notifications.reminders import QueueResult, Reminder, reminders_queue
from programs.models import Program
from relationships.models import Relationship

# The digest names this many of a program's pairs at risk; the link leads to all of them.
DIGEST_AT_RISK = 5


def _at_risk_by_program(programs: list[Program], now: datetime.datetime) -> dict[int, list[PairHealth]]:
    figures_ensure_fresh(programs=programs, now=now)
    rows = health_rows(programs).filter(relationship__status__in=Relationship.OPEN_STATUSES, band=Band.AT_RISK)
    found: dict[int, list[PairHealth]] = {}
    for row in rows.order_by("score", "pk"):
        found.setdefault(row.program_id, []).append(row)
    return found


def admin_digests_due(*, now: datetime.datetime | None = None) -> QueueResult:
    """One email a week per administrator of an open or running program; the key makes it once per ISO week."""
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    programs = list(
        Program.objects.filter(status__in=[Program.Status.OPEN, Program.Status.RUNNING]).prefetch_related(
            "administrators"
        )
    )
    if not programs:
        return QueueResult()
    program_ids = [p.pk for p in programs]
    stalled: dict[int, list[dict[str, Any]]] = {}
    for item in stalled_relationships(now=now, program_ids=program_ids):
        stalled.setdefault(item.program_id, []).append({"pair": item.label, "days": item.days_since})
    overdue = dict(
        ActionItem.objects.filter(
            relationship__status__in=Relationship.OPEN_STATUSES,
            status=ActionItem.Status.OPEN,
            due_on__lt=now.date(),
            relationship__program_id__in=program_ids,
        )
        .values_list("relationship__program_id")
        .annotate(n=Count("pk"))
    )
    proposals = unanswered_proposals_by_program(program_ids=program_ids, now=now)
    missed = missed_reminders_by_program(program_ids=program_ids, since=now - datetime.timedelta(days=7))
    at_risk = _at_risk_by_program(programs, now)
    at_risk_list = reverse("insights:at_risk")
    per_admin: dict[int, tuple[User, list[dict[str, Any]]]] = {}
    for program in programs:
        summary = {
            "name": program.name,
            "url": absolute_url(program.get_manage_url()),
            "at_risk_count": len(at_risk.get(program.pk, [])),
            "at_risk": [
                {"pair": row.pair_label, "score": row.score, "reasons": row.health.summary}
                for row in at_risk.get(program.pk, [])[:DIGEST_AT_RISK]
                if row.health is not None
            ],
            "at_risk_url": absolute_url(f"{at_risk_list}?{urlencode({'program': program.slug})}"),
            "stalled": stalled.get(program.pk, []),
            "overdue_items": overdue.get(program.pk, 0),
            "unanswered_proposals": proposals.get(program.pk, 0),
            "missed_reminders": missed.get(program.pk, 0),
        }
        for admin in program.administrators.all():
            per_admin.setdefault(admin.pk, (admin, []))[1].append(summary)
    reminders = [
        Reminder(
            key=f"admin-digest:{admin.pk}:{year}-W{week:02d}",
            kind=Kind.ADMIN_DIGEST,
            user_id=admin.pk,
            email=admin.email,
            title=f"Your programs this week ({year}-W{week:02d})",
            url=at_risk_list,
            template="admin-digest",
            context={"programs": summaries, "week": f"{year}-W{week:02d}"},
        )
        for admin, summaries in per_admin.values()
        if admin.is_active
    ]
    return reminders_queue(reminders=reminders)
