"""HR pages: create and run programs, invite people, review applications, browse the roster.

Every view fetches the program through get_program_for_admin, so only its administrators get past the door.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorship.common.views import run_service, show_form_errors
from programs import selectors, services
from programs.forms import (
    DecisionForm,
    InvitationSearchForm,
    InviteCsvForm,
    InvitePasteForm,
    ProgramForm,
    QuestionFormSet,
    RosterFilterForm,
    questions_of,
)
from programs.invitations_csv import parse_csv, parse_pasted
from programs.models import Enrollment, Program
from programs.plugins import job_kinds, manage_links_for

ROSTER_PAGE_SIZE = 50


def program_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only people with the program administrator role; anyone else is told the page does not exist."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_program_admin:
            raise Http404("No such page")
        return view(request, *args, **kwargs)

    return wrapper


@program_admin_required
@require_GET
def manage_list(request: HttpRequest) -> HttpResponse:
    programs = selectors.programs_administered_by(request.user)
    context = {"programs": programs, "links": manage_links_for(request.user)}
    return render(request, "programs/manage/list.html", context)


@program_admin_required
@require_http_methods(["GET", "POST"])
def program_create(request: HttpRequest) -> HttpResponse:
    # The creator runs the program with the colleagues they tick; the form shows them ticked from the start.
    form = ProgramForm(request.POST or None, initial={"administrators": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        created = run_service(
            request,
            lambda: services.program_create(
                created_by=request.user,
                administrators=form.cleaned_data["administrators"],
                **form.program_fields(),
            ),
            success=_("Program created as a draft. Add application questions, then open enrollment."),
            form=form,
        )
        if created:
            return redirect(created.value.get_manage_url())
    return render(request, "programs/manage/form.html", {"form": form, "program": None})


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        admins = set(form.cleaned_data["administrators"]) or {request.user}
        saved = run_service(
            request,
            lambda: services.program_update(program=program, administrators=admins, **form.program_fields()),
            success=_("Program saved."),
            form=form,
        )
        if saved:
            return redirect(program.get_manage_url())
    return render(request, "programs/manage/form.html", {"form": form, "program": program})


@login_required
@require_GET
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    counts = selectors.program_counts(program=program)
    statuses = Enrollment.Status.choices
    rows = [
        {"role": Enrollment.Role(role).label, "cells": [counts.get(role, {}).get(s, 0) for s, _label in statuses]}
        for role in program.roles
    ]
    transitions = [(status, label) for status, label in Program.Status.choices if program.can_move_to(status)]
    context = {
        "program": program,
        "statuses": statuses,
        "rows": rows,
        "transitions": transitions,
        "waiting": sum(counts.get(role, {}).get(Enrollment.Status.APPLIED, 0) for role in program.roles),
        "questions": program.questions.all(),
    }
    return render(request, "programs/manage/dashboard.html", context)


@login_required
@require_POST
def program_status(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    status = request.POST.get("status", "")
    if status not in Program.Status.values:
        messages.error(request, _("Unknown status."))
        return redirect(program.get_manage_url())
    if run_service(request, lambda: services.program_set_status(program=program, status=status)):
        messages.success(
            request, _("The program is now %(status)s.") % {"status": program.get_status_display().lower()}
        )
    return redirect(program.get_manage_url())


@login_required
@require_http_methods(["GET", "POST"])
def program_questions(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    formset = QuestionFormSet(request.POST or None, queryset=program.questions.all(), prefix="questions")
    if request.method == "POST" and formset.is_valid():
        services.questions_replace(program=program, questions=questions_of(formset))
        messages.success(request, _("Application questions saved."))
        return redirect("programs:questions", slug=program.slug)
    return render(request, "programs/manage/questions.html", {"program": program, "formset": formset})


@login_required
@require_http_methods(["GET", "POST"])
def program_invite(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    paste_form = InvitePasteForm(request.POST if "paste" in request.POST else None, program=program)
    csv_form = InviteCsvForm(
        request.POST if "upload" in request.POST else None,
        request.FILES if "upload" in request.POST else None,
    )
    summary = None
    parsed = None
    if request.method == "POST":
        if "paste" in request.POST and paste_form.is_valid():
            data = paste_form.cleaned_data
            parsed = parse_pasted(data["addresses"], role=data["role"], is_external=data.get("is_external", False))
        elif "upload" in request.POST and csv_form.is_valid():
            parsed = parse_csv(csv_form.cleaned_data["file"])
    if parsed is not None and len(parsed.rows) > services.INVITE_NOW_MAX:
        # A long list outlasts the request: a worker invites it while the administrator watches its progress.
        started = run_service(
            request,
            lambda: services.invitations_import_start(
                program=program, rows=parsed.rows, invited_by=request.user, errors=parsed.errors
            ),
        )
        if started:
            return redirect(started.value.get_absolute_url())
    elif parsed is not None:
        sent = run_service(
            request,
            lambda: services.invitations_send(
                program=program, rows=parsed.rows, invited_by=request.user, errors=parsed.errors
            ),
        )
        if sent:
            summary = sent.value.added_to({})
            if sent.value.sent:
                messages.success(request, _("%(count)s invitations sent.") % {"count": sent.value.sent})
    context = {
        "program": program,
        "paste_form": paste_form,
        "csv_form": csv_form,
        "summary": summary,
        "invitation_count": program.invitations.count(),
    }
    return render(request, "programs/manage/invite.html", context)


@login_required
@require_GET
def program_invitations(request: HttpRequest, slug: str) -> HttpResponse:
    """Who was invited and who accepted: what administrators used to look up in the Django admin."""
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    search = InvitationSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if search.is_bound and not search.is_valid():
        show_form_errors(request, search)
    page = Paginator(selectors.invitations_of(program=program, query=query), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {"program": program, "page": page, "q": query, "query": urlencode({"q": query} if query else {})}
    return render(request, "programs/manage/invitations.html", context)


# -- jobs ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def job_progress(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = selectors.get_job_for_user(user=request.user, slug=slug, pk=pk)
    if job.is_finished:
        return redirect(job.get_result_url())
    context = {"program": job.program, "job": job, "kind": job_kinds.get(job.kind)}
    return render(request, "programs/manage/job_progress.html", context)


@login_required
@require_GET
def job_status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """What the progress page polls (static/js/job-progress.js)."""
    job = selectors.get_job_for_user(user=request.user, slug=slug, pk=pk)
    return JsonResponse(
        {
            "status": job.status,
            "progress": job.progress,
            "total": job.total,
            "percent": job.percent,
            "text": job.progress_text(),
            "finished": job.is_finished,
            "result_url": job.get_result_url(),
        }
    )


@login_required
@require_GET
def job_result(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    job = selectors.get_job_for_user(user=request.user, slug=slug, pk=pk)
    if not job.is_finished:
        return redirect(job.get_absolute_url())
    context = {"program": job.program, "job": job, "kind": job_kinds.get(job.kind), "summary": job.summary}
    return render(request, "programs/manage/job_result.html", context)


@login_required
@require_GET
def program_roster(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    departments = selectors.roster_departments(program=program)
    filter_form = RosterFilterForm(request.GET or None, program=program, departments=departments)
    filters = filter_form.filters()
    page = Paginator(selectors.roster(program=program, filters=filters), ROSTER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "program": program,
        "filter_form": filter_form,
        "page": page,
        "query": urlencode(query),
        "decisions": DecisionForm.DECISIONS,
        "return_to": request.get_full_path(),
    }
    return render(request, "programs/manage/roster.html", context)


@login_required
@require_POST
def program_decide(request: HttpRequest, slug: str) -> HttpResponse:
    program = selectors.get_program_for_admin(user=request.user, slug=slug)
    form = DecisionForm(request.POST, program=program)
    back = request.POST.get("return_to", "")
    if not back.startswith(reverse("programs:roster", args=[program.slug])):
        back = reverse("programs:roster", args=[program.slug])
    if not form.is_valid():
        show_form_errors(request, form)
        return redirect(back)
    decided = run_service(
        request,
        lambda: services.enrollments_decide(
            enrollments=program.enrollments.filter(pk__in=[e.pk for e in form.cleaned_data["selected"]]),
            decision=form.cleaned_data["decision"],
            decided_by=request.user,
            reason=form.cleaned_data["reason"],
        ),
    )
    if not decided:
        return redirect(back)
    report = decided.value
    label = Enrollment.Status(form.cleaned_data["decision"]).label.lower()
    messages.success(request, _("%(count)s marked %(status)s.") % {"count": report.changed, "status": label})
    if report.skipped:
        messages.warning(
            request,
            _("%(count)s left as they were: the decision does not apply to their current status.")
            % {"count": report.skipped},
        )
    return redirect(back)
