"""The audit log for operators (superusers): filter it, page through it, download it as CSV."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from mentorship.common.spreadsheets import csv_download
from mentorship.common.widgets import DateInput
from mentorship.notifications.audit import Action, audit_record
from mentorship.notifications.models import AuditEvent

PAGE_SIZE = 50
EARLIEST = datetime.date(2000, 1, 1)


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label=_("What"), required=False, choices=[("", _("Anything")), *Action.choices])
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *AuditEvent.Outcome.choices]
    )
    who = forms.CharField(label=_("Who (email contains)"), required=False, max_length=254)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput)
    until = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name in ("since", "until"):
            day = data.get(name)
            if day is not None and not (EARLIEST <= day <= timezone.localdate() + datetime.timedelta(days=1)):
                self.add_error(name, _("Pick a date between 2000 and today."))
        return data

    def events(self) -> QuerySet[AuditEvent]:
        events = AuditEvent.objects.select_related("actor", "subject").order_by("-at", "-pk")
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["who"]:
            events = events.filter(actor_email__icontains=data["who"].strip())
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
        return events


def _operator(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.is_superuser):
        raise Http404("No such page")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    _operator(request)
    form = AuditFilterForm(request.GET or None)
    page = Paginator(form.events(), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "notifications/audit_log.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
@require_POST
def audit_export(request: HttpRequest) -> HttpResponse:
    """A download of the filtered log. A POST, because the download itself is recorded in the log."""
    _operator(request)
    form = AuditFilterForm(request.POST)
    events = form.events()
    audit_record(action=Action.EXPORT, request=request, summary="Audit log downloaded as CSV")
    rows = (
        [
            event.at.astimezone(datetime.UTC).isoformat(),
            event.action,
            event.outcome,
            event.actor_email,
            event.subject.email if event.subject else "",
            event.ip or "",
            event.object_type,
            event.object_id,
            event.summary,
        ]
        for event in events.iterator(chunk_size=2000)
    )
    header = ["when_utc", "action", "outcome", "who", "about", "ip", "object_type", "object_id", "summary"]
    return csv_download(filename="audit-log.csv", header=header, rows=rows)
