"""Preferences, one-click unsubscribe and the in-app notice list. Every change is a POST."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mentorship.common.caching import private_no_store
from mentorship.notifications import notices as notice_services
from mentorship.notifications import preferences as preference_services
from mentorship.notifications import selectors
from mentorship.notifications.forms import PreferencesForm
from mentorship.notifications.models import Kind, Mode, Notice
from mentorship.notifications.plugins import bell_sections


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    current = selectors.settings_of(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        preference_services.preferences_update(
            user=request.user, modes=form.modes(), lead_minutes=form.cleaned_data["lead_minutes"]
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# Mail providers send the RFC 8058 one-click POST without cookies or a CSRF token; the signed token is the
# proof instead. A GET (a link preview, a scanner, a person) only ever shows the confirmation page.
@csrf_exempt
@private_no_store
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    found = preference_services.unsubscribe_read(token=token)
    if found is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    user, kind = found
    context = {"kind_label": Kind(kind).label, "token": token}
    if request.method == "POST":
        preference_services.preference_set(user=user, kind=kind, mode=Mode.OFF)
        return render(request, "notifications/unsubscribe_done.html", context)
    return render(request, "notifications/unsubscribe_confirm.html", context)


@login_required
@require_http_methods(["GET"])
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = list(selectors.recent_notices(user=request.user))
    context = {"notices": notices, "sections": bell_sections(request)}
    return render(request, "notifications/notice_list.html", context)


@login_required
@require_POST
def notice_open(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = notice_services.notice_open(user=request.user, pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None
    target = notice.url or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        target = "/"
    return redirect(target)


@login_required
@require_POST
def notices_read_all(request: HttpRequest) -> HttpResponse:
    notice_services.notices_mark_all_read(user=request.user)
    messages.success(request, _("All notices are marked as read."))
    return redirect("notifications:list")
