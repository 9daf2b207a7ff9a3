"""The Django admin, for operators only: active superusers, signed in through allauth like everyone else.

The admin's own login form would skip two-factor authentication and allauth's rate limits, so it only ever
sends people on to allauth's login page. Program administrators are not staff: they run their programs in the
app, and the admin answers anyone but an active superuser with "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any
from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def is_operator(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


class OperatorAdminSite(AdminSite):
    site_header = "Mentorship administration"
    site_title = "Mentorship admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def admin_view(self, view: Callable[..., HttpResponse], cacheable: bool = False) -> Callable[..., HttpResponse]:
        guarded_by_django = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Signed in but not an operator: the admin does not exist for them, as any other page they may not see.
            if request.user.is_authenticated and not self.has_permission(request):
                raise Http404("No such page")
            return guarded_by_django(request, *args, **kwargs)

        return update_wrapper(inner, guarded_by_django)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Never a password form here: on to allauth, which asks for the second factor and counts failures."""
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get("next") or request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}) or not wanted.startswith(
            index
        ):
            wanted = index
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise Http404("No such page")
            return HttpResponseRedirect(wanted)
        return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': wanted})}")

    def password_change(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # allauth's page asks for the current password and applies the same rules as for everyone.
        return HttpResponseRedirect(reverse("account_change_password"))

    def password_change_done(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("account_change_password"))


class OperatorAdminConfig(AdminConfig):
    default_site = "mentorship.accounts.operators.OperatorAdminSite"
