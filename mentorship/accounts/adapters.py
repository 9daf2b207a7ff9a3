"""allauth hooks: every new account gets a profile, and people are asked to complete it once.

What other apps know about an address (a program invitation proves it, a confirmed one takes up the invitations
sent to it) comes from ``accounts.plugins``.
"""

from __future__ import annotations

import uuid
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from mentorship.accounts.plugins import account_mail_senders, email_confirmed_steps, email_proofs
from mentorship.accounts.services import profile_ensure


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        try:
            with transaction.atomic():
                user = super().save_user(request, user, form, commit=commit)
        except IntegrityError:
            # Two signups with one address at the same moment: the form's uniqueness check passed for both and
            # the database let one through. The other is answered as any signup with a taken address.
            raise ImmediateHttpResponse(self._address_taken(request)) from None
        if commit:
            profile_ensure(user=user)
        return user

    def _address_taken(self, request: HttpRequest) -> Any:
        if allauth_settings.PREVENT_ENUMERATION and self._verification_mandatory():
            return self.respond_email_verification_sent(request, None)
        messages.error(request, _("An account with this email address already exists. Sign in instead."))
        return redirect("account_login")

    @staticmethod
    def _verification_mandatory() -> bool:
        return allauth_settings.EMAIL_VERIFICATION == allauth_settings.EmailVerificationMethod.MANDATORY

    def is_email_verified(self, request: HttpRequest, email: str) -> bool:
        # Asked while a signup is saved: an invitation link mailed to this very address proves it is theirs.
        return super().is_email_verified(request, email) or any(proof(request, email) for proof in email_proofs)

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
        # A newcomer is asked to complete their profile, as at a later sign-in.
        if request.user.is_authenticated:
            return self.get_login_redirect_url(request)
        return super().get_signup_redirect_url(request)

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
