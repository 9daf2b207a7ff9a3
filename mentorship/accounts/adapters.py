"""allauth hooks: every new account gets a profile, and people are asked to complete it once.

What other apps do at sign-up and sign-in (taking up a program invitation) comes from ``accounts.plugins``.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from mentorship.accounts.plugins import account_mail_senders, email_confirmed_steps, run_sign_in_steps
from mentorship.accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            profile_ensure(user=user)
            run_sign_in_steps(request, user)
        return user

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        # allauth reads the result: only a confirmed address logs the person in and moves them on.
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            # A confirmed address proves it is theirs: apps above (programs) act on what was sent to it.
            for step in email_confirmed_steps:
                step(email_address.user, email_address.email)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        senders = list(account_mail_senders)
        if not senders:
            super().send_mail(template_prefix, email, context)
            return
        message = self.render_mail(template_prefix, email, context)
        html = next((body for body, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), "")
        senders[0](
            key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            kind="account",
            to=email,
            subject=str(message.subject),
            text=message.body,
            html=html,
        )

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # A newcomer who came through an invitation lands in that program, like at any later sign-in.
        if request.user.is_authenticated:
            return self.get_login_redirect_url(request)
        return super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        next_place = run_sign_in_steps(request, user) if user.is_authenticated else None
        if next_place:
            return next_place
        if user.is_authenticated and not profile_ensure(user=user).is_complete:
            return reverse("profile_edit") + "?welcome=1"
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        profile_ensure(user=user)
        return user
