"""HR pages: a program's dashboard, the at-risk list, one pair's summary and actions, the overview, the CSVs.

Every view goes through a door first: get_program_for_admin for a program's pages, get_relationship_for_admin
for a pair, require_insights_access for the pages across programs. Everyone else gets 404.

Pages read the refreshed health figures and say how old they are. When some are missing or stale they ask the
workers for fresh ones (figures_refresh_soon) rather than compute them, so a GET never writes. Downloads are
POSTs, because every export is recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from insights import exports, selectors, services
from insights.charts import dashboard_charts
from insights.forms import AtRiskFilterForm, EndForm, NudgeForm, PauseForm, RematchForm
from insights.health import HEALTHY, AgreementState, ReasonCode, rhythm_text
from insights.metrics import funnel_of, health_rows, program_dashboard
from mentorship.common.spreadsheets import csv_download
from mentorship.common.views import run_service, show_form_errors
from mentorship.notifications.audit import Action, audit_record
from programs.models import Program
from programs.selectors import get_program_for_admin
from relationships.models import AdvocacyAction, Relationship

PAGE_SIZE = 50


def _hr_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in, and never stored by a browser or proxy: these pages name people and their figures."""
    return login_required(never_cache(view))


def _figures(programs: list[Program] | QuerySet[Program]) -> selectors.Freshness:
    """How fresh the figures of these programs are; the stale or missing ones are asked for again."""
    freshness = selectors.figures_freshness(programs=programs)
    services.figures_refresh_soon(program_ids=freshness.due)
    return freshness


def _export_recorded(request: HttpRequest, what: str, program: Program | None = None) -> None:
    audit_record(
        action=Action.EXPORT,
        request=request,
        target=program,
        summary=f"Insights download: {what}",
        details={"what": what},
    )


# -- one program -------------------------------------------------------------------------------------------


@_hr_page
@require_GET
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(user=request.user, slug=slug)
    freshness = _figures([program])
    data = program_dashboard(program=program)
    context = {
        "freshness": freshness,
        "program": program,
        "d": data,
        "charts": dashboard_charts(data),
        "healthy_from": HEALTHY,
        "at_risk_url": _at_risk_url(program),
        "outcome_labels": AdvocacyAction.Outcome.choices,
    }
    return render(request, "insights/dashboard.html", context)


def _at_risk_url(program: Program) -> str:
    return reverse("insights:at_risk") + "?" + urlencode({"program": program.slug})


@_hr_page
@require_POST
def relationships_csv(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(user=request.user, slug=slug)
    rows = health_rows([program])
    status = request.POST.get("status", "")
    if status:
        if status not in Relationship.Status.values:
            messages.error(request, _("That status is unknown; choose one from the list."))
            return redirect("insights:dashboard", slug=program.slug)
        rows = rows.filter(relationship__status=status)
    _export_recorded(request, "relationships", program)
    return csv_download(
        filename=exports.export_name("relationships", program.slug),
        header=exports.relationship_header(),
        rows=exports.relationship_rows(rows),
        zone=timezone.get_current_timezone(),
    )


@_hr_page
@require_POST
def funnel_csv(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_admin(user=request.user, slug=slug)
    funnel = funnel_of(program)
    _export_recorded(request, "funnel", program)
    return csv_download(
        filename=exports.export_name("funnel", program.slug),
        header=exports.funnel_header(funnel),
        rows=exports.funnel_rows(funnel),
        zone=timezone.get_current_timezone(),
    )


# -- the at-risk list, across the programs a person runs ---------------------------------------------------


def _at_risk_form(request: HttpRequest) -> tuple[AtRiskFilterForm, QuerySet[Program]]:
    """The list's filters, from the query string of the page or the form of its download."""
    selectors.require_insights_access(request.user)
    programs = selectors.programs_for_insights(request.user).order_by("name", "pk")
    data = request.POST if request.method == "POST" else request.GET
    slug = data.get("program", "")
    # Another program's slug is answered as if it did not exist, whoever runs it.
    if slug and not any(program.slug == slug for program in programs):
        raise Http404("No such program")
    return AtRiskFilterForm(data or None, programs=programs), programs


@_hr_page
@require_GET
def at_risk_list(request: HttpRequest) -> HttpResponse:
    form, programs = _at_risk_form(request)
    chosen, filters = form.chosen()
    freshness = _figures(chosen)
    page = Paginator(selectors.at_risk(programs=chosen, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in request.GET.items() if key != "page" and value})
    context = {
        "freshness": freshness,
        "filters": {key: value for key, value in request.GET.items() if key != "page" and value},
        "form": form,
        "page": page,
        "query": query,
        "several_programs": len(programs) > 1,
        "reasons": ReasonCode.choices,
    }
    return render(request, "insights/at_risk.html", context)


@_hr_page
@require_POST
def at_risk_csv(request: HttpRequest) -> HttpResponse:
    form, _programs = _at_risk_form(request)
    chosen, filters = form.chosen()
    rows = selectors.at_risk(programs=chosen, filters=filters)
    slug = chosen[0].slug if len(chosen) == 1 else ""
    _export_recorded(request, "at-risk list", chosen[0] if len(chosen) == 1 else None)
    return csv_download(
        filename=exports.export_name("at-risk", slug),
        header=exports.at_risk_header(),
        rows=(exports.at_risk_row(row) for row in rows.iterator(chunk_size=exports.ROWS_PER_CHUNK)),
        zone=timezone.get_current_timezone(),
    )


# -- the overview of all programs --------------------------------------------------------------------------


@_hr_page
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    selectors.require_insights_access(request.user)
    freshness = _figures(selectors.programs_for_insights(request.user))
    context = {"rows": selectors.overview(user=request.user), "freshness": freshness}
    return render(request, "insights/overview.html", context)


# -- one pair: its summary and what HR can do --------------------------------------------------------------


@_hr_page
@require_GET
def pair(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = selectors.get_relationship_for_admin(user=request.user, pk=pk)
    summary = selectors.pair_summary(relationship=relationship)
    context = {
        "relationship": relationship,
        "program": relationship.program,
        "summary": summary,
        "facts": summary.facts,
        "agreement_label": AgreementState(summary.facts.agreement).label,
        "rhythm": rhythm_text(summary.facts.cadence, summary.facts.cadence_agreed),
        "next_nudge": selectors.next_nudge_from(relationship),
        "nudge_form": NudgeForm(prefix="nudge"),
        "pause_form": PauseForm(prefix="pause"),
        "end_form": EndForm(prefix="end"),
        "rematch_form": RematchForm(prefix="rematch"),
    }
    return render(request, "insights/pair.html", context)


def _act(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    prefix: str,
    action: Callable[[Relationship, dict[str, Any]], Any],
    success: Callable[[Any], str],
) -> HttpResponse:
    relationship = selectors.get_relationship_for_admin(user=request.user, pk=pk)
    form = form_class(request.POST, prefix=prefix)
    if not form.is_valid():
        show_form_errors(request, form)
    else:
        done = run_service(request, lambda: action(relationship, form.cleaned_data))
        if done:
            messages.success(request, success(done.value))
    return redirect("insights:pair", pk=relationship.pk)


@login_required
@require_POST
def pair_nudge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        NudgeForm,
        "nudge",
        lambda rel, data: services.pair_nudge(relationship=rel, actor=request.user, note=data["note"]),
        lambda action: _("Check-in sent: both got a notice, and an email unless they switched those off."),
    )


@login_required
@require_POST
def pair_pause(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        PauseForm,
        "pause",
        lambda rel, data: services.pair_pause(relationship=rel, actor=request.user, reason=data["note"]),
        lambda action: _("The relationship is paused; both have been told."),
    )


@login_required
@require_POST
def pair_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        EndForm,
        "end",
        lambda rel, data: services.pair_end(
            relationship=rel, actor=request.user, completed=data["outcome"] == "completed", reason=data["note"]
        ),
        lambda action: _("The relationship has ended; both have been told."),
    )


@login_required
@require_POST
def pair_rematch(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        RematchForm,
        "rematch",
        lambda rel, data: services.pair_rematch(relationship=rel, actor=request.user, reason=data["note"]),
        lambda action: (
            _("The relationship ended and %(mentor)s was asked to take %(mentee)s on.")
            % {"mentor": action.proposal.mentor.user.display_name, "mentee": action.relationship.mentee.display_name}
        ),
    )
