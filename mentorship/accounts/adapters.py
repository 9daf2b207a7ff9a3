"""allauth hooks: every new account gets a profile, and people are asked to complete it once."""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from mentorship.accounts.services import profile_ensure
from mentorship.notifications.services import email_queue_rendered


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # Account emails go through the outbox like every other email, so a mail server outage delays
        # them instead of losing them.
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        email_queue_rendered(
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            kind="account",
            to=email,
            subject=str(message.subject),
            text=message.body,
            html=html,
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        if user.is_authenticated and not profile_ensure(user=user).is_complete:
            return reverse("profile_edit") + "?welcome=1"
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        profile_ensure(user=user)
        return user
