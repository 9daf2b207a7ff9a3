"""Notifications' part of a person's data: their notices, choices, emails and the audit entries about them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from mentorship.accounts.models import User
from mentorship.common.plain import plain_rows
from mentorship.notifications.models import AuditEvent, Notice, NotificationSettings, OutboundEmail


def export_for(user: User) -> dict[str, Any]:
    settings = NotificationSettings.objects.filter(user=user).first()
    return {
        "notification_choices": None
        if settings is None
        else {"modes": settings.modes, "reminder_lead_minutes": settings.lead_minutes},
        "notices": plain_rows(Notice.objects.filter(user=user), "kind", "title", "url", "created_at", "read_at"),
        "emails_sent_to_you": plain_rows(
            OutboundEmail.objects.filter(recipient=user), "kind", "subject", "status", "created_at", "sent_at"
        ),
        "audit_entries": plain_rows(
            AuditEvent.objects.filter(Q(actor=user) | Q(subject=user)),
            "at",
            "action",
            "outcome",
            "ip",
            "object_type",
            "object_id",
            "summary",
        ),
    }


def _mentioning(names: list[str]) -> QuerySet[OutboundEmail]:
    found = Q(pk__in=[])
    for name in names:
        found |= Q(subject__icontains=name) | Q(body_text__icontains=name) | Q(body_html__icontains=name)
        found |= Q(context_text__icontains=name)
    return OutboundEmail.objects.annotate(context_text=Cast("context", TextField())).filter(found)


def erase(user: User, *, erased_email: str, former_name: str) -> None:
    names = [name for name in {user.full_name, user.email} if name]
    Notice.objects.filter(user=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
    # Mail to the person not sent yet is dropped; what was sent keeps its kind and dates, not its content.
    OutboundEmail.objects.filter(recipient=user).exclude(status=OutboundEmail.Status.SENT).delete()
    OutboundEmail.objects.filter(Q(recipient=user) | Q(to__iexact=user.email)).update(
        to=erased_email, subject="", body_text="", body_html="", context={}, headers={}
    )
    # Other people's mail about them: what is still waiting is no longer about anyone; what left keeps no copy.
    OutboundEmail.objects.filter(
        pk__in=_mentioning(names).exclude(status=OutboundEmail.Status.SENT).values("pk")
    ).delete()
    OutboundEmail.objects.filter(pk__in=_mentioning(names).values("pk")).update(
        subject="", body_text="", body_html="", context={}, headers={}
    )
    mentions = Q(pk__in=[])
    for name in names:
        mentions |= Q(title__icontains=name)
    for notice in Notice.objects.filter(mentions):
        title = notice.title
        for name in names:
            title = title.replace(name, former_name)
        Notice.objects.filter(pk=notice.pk).update(title=title)
    # The log keeps what happened; the address it showed becomes the erased one, and addresses are removed.
    AuditEvent.objects.filter(actor=user).update(actor_email=erased_email, ip=None)
    AuditEvent.objects.filter(actor_email__iexact=user.email).update(actor_email=erased_email, ip=None)
