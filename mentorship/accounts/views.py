from __future__ import annotations

import functools
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorship.accounts.forms import ProfileForm
from mentorship.accounts.hours import WeeklyHours, week_of
from mentorship.accounts.hours_forms import AvailabilityForm
from mentorship.accounts.plugins import profile_panels
from mentorship.accounts.selectors import saved_hours_of, skill_search, weeks_of
from mentorship.accounts.services import profile_ensure, profile_update, working_hours_save
from mentorship.common.views import run_service


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers and feed readers ask for /favicon.ico whatever the page links: answer with the SVG icon itself."""
    response = HttpResponse(_favicon_svg(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=86400)
    return response


@functools.cache
def _favicon_svg() -> bytes:
    path = finders.find("favicon.svg")
    return Path(str(path)).read_bytes()


@login_required
@require_GET
def profile_detail(request: HttpRequest) -> HttpResponse:
    profile = profile_ensure(user=request.user)
    panels = [panel(user=request.user) for panel in profile_panels]
    saved = saved_hours_of([request.user.pk]).get(request.user.pk)
    week = week_of(request.user.zone, saved)
    context = {"profile": profile, "panels": panels, "week": week, "hours_saved": saved is not None}
    return render(request, "accounts/profile_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile = profile_ensure(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_update(
            profile=profile,
            full_name=data["full_name"],
            skills_offered=form.skill_names("skills_offered_text"),
            growth_areas=form.skill_names("growth_areas_text"),
            skills_vetted=request.user.is_program_admin,
            manager=data["manager_email"],
            **{name: data[name] for name in ProfileForm.Meta.fields},
        )
        messages.success(request, _("Your profile is saved."))
        return redirect("profile_detail")
    welcome = request.GET.get("welcome") == "1" and not profile.is_complete
    return render(request, "accounts/profile_edit.html", {"form": form, "welcome": welcome})


@login_required
@require_GET
def skill_suggestions(request: HttpRequest) -> JsonResponse:
    skills = skill_search(query=request.GET.get("q", "")[:80])
    return JsonResponse({"skills": [skill.name for skill in skills]})


def _week(request: HttpRequest) -> WeeklyHours:
    return weeks_of([request.user])[request.user.pk]


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit(request: HttpRequest) -> HttpResponse:
    profile_ensure(user=request.user)
    form = AvailabilityForm(request.POST or None, week=_week(request))
    if request.method == "POST" and form.is_valid():
        ranges = form.cleaned_data["ranges"]
        if run_service(
            request,
            lambda: working_hours_save(user=request.user, ranges=ranges),
            success=_("Your availability is saved. Scheduling suggests times inside it."),
            form=form,
        ):
            return redirect("profile_detail")
    return render(request, "accounts/availability_edit.html", {"form": form, "zone": request.user.zone})
