"""Two-factor authentication is required of administrators before any management page answers.

Program administrators and superusers (operators) reach other people's data, so in production they must have
an authenticator app (TOTP) set up, or have signed in through the organisation's single sign-on (which applies
the organisation's own second factor). Until then every management page sends them to set one up, with
recovery codes. What counts as a management page is one rule: the Django admin, and every path with a
"/manage/" segment; new management pages go under such a path.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.accounts.models import User


def is_management_path(path: str) -> bool:
    return path.startswith("/admin/") or "/manage/" in path


def needs_second_factor(user: User) -> bool:
    return user.is_authenticated and user.is_active and (user.is_superuser or user.is_program_admin)


def has_second_factor(request: HttpRequest, user: User) -> bool:
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        return True
    return any(record.get("method") == "socialaccount" for record in get_authentication_records(request, user))


class AdminTwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            getattr(settings, "MFA_REQUIRED_FOR_ADMINS", False)
            and user is not None
            and is_management_path(request.path)
            and needs_second_factor(user)
            and not has_second_factor(request, user)
        ):
            messages.warning(
                request,
                _(
                    "Administrators need two-factor sign-in. Set up an authenticator app (and keep the recovery "
                    "codes somewhere safe); then you can continue."
                ),
            )
            target = reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(target)
        return self.get_response(request)
