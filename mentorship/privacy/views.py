"""Pages for personal data: the person's own (download, ask for deletion) and the operators' confirmation list."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mentorship.accounts.models import DeletionRequest
from mentorship.common.fields import parse_id
from mentorship.common.views import run_service
from mentorship.privacy import services


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm it is you"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


@login_required
@require_GET
def my_data(request: HttpRequest) -> HttpResponse:
    pending = DeletionRequest.objects.filter(user=request.user, status=DeletionRequest.Status.PENDING).first()
    return render(request, "privacy/my_data.html", {"pending": pending, "form": ErasureForm()})


@login_required
@require_POST
def my_data_download(request: HttpRequest) -> HttpResponse:
    content = services.personal_data_download(user=request.user, request=request)
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-mentorship-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def erasure_request(request: HttpRequest) -> HttpResponse:
    form = ErasureForm(request.POST)
    if form.is_valid():
        asked = run_service(
            request,
            lambda: services.erasure_request(
                user=request.user, password=form.cleaned_data["password"], request=request
            ),
            success=_("Your request is recorded. An operator confirms it; until then you can withdraw it here."),
            form=form,
        )
        if asked:
            return redirect("privacy:my_data")
    pending = DeletionRequest.objects.filter(user=request.user, status=DeletionRequest.Status.PENDING).first()
    return render(request, "privacy/my_data.html", {"pending": pending, "form": form}, status=400)


@login_required
@require_POST
def erasure_withdraw(request: HttpRequest) -> HttpResponse:
    run_service(
        request,
        lambda: services.erasure_withdraw(user=request.user, request=request),
        success=_("Your deletion request is withdrawn. Nothing was deleted."),
    )
    return redirect("privacy:my_data")


def _operator(request: HttpRequest) -> None:
    if not (request.user.is_active and request.user.is_superuser):
        raise Http404("No such page")


@login_required
@require_GET
def erasure_queue(request: HttpRequest) -> HttpResponse:
    _operator(request)
    return render(request, "privacy/erasure_queue.html", {"requests": list(services.pending_requests())})


@login_required
@require_POST
def erasure_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    _operator(request)
    request_id = parse_id(pk)
    if request_id is None:
        raise Http404("No such request")
    run_service(
        request,
        lambda: services.erasure_confirm(request_id=request_id, operator=request.user, request=request),
        success=_("The person's data is deleted. Program figures keep their counts, without the name."),
    )
    return redirect("privacy:queue")
