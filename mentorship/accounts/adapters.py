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
            _take_up_invitation(request, user)
        return user

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        # allauth reads the result: only a confirmed address logs the person in and moves them on.
        confirmed = super().confirm_email(request, email_address)
        if confirmed:
            from programs.services import invitations_claim_for_email

            # A confirmed address proves it is theirs: invitations sent to it join the account.
            invitations_claim_for_email(user=email_address.user, email=email_address.email)
        return confirmed

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

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        # A newcomer who came through an invitation lands in that program, like at any later sign-in.
        if request.user.is_authenticated:
            return self.get_login_redirect_url(request)
        return super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        invited_to = _take_up_invitation(request, user) if user.is_authenticated else None
        if invited_to:
            return invited_to
        if user.is_authenticated and not profile_ensure(user=user).is_complete:
            return reverse("profile_edit") + "?welcome=1"
        return super().get_login_redirect_url(request)


def _take_up_invitation(request: HttpRequest, user: Any) -> str | None:
    """When the person arrived through an invitation link, enroll them and return where to go next."""
    from programs.services import INVITATION_SESSION_KEY, ProgramError, invitation_claim, invitation_for_token

    token = request.session.get(INVITATION_SESSION_KEY)
    invitation = invitation_for_token(token=token) if token else None
    if invitation is None:
        return None
    try:
        invitation_claim(invitation=invitation, user=user)
    except ProgramError:
        request.session.pop(INVITATION_SESSION_KEY, None)
        return None
    if request.user.is_authenticated:
        request.session.pop(INVITATION_SESSION_KEY, None)
    return reverse("programs:apply", args=[invitation.program.slug, invitation.role])


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def save_user(self, request: HttpRequest, sociallogin: Any, form: Any = None) -> Any:
        user = super().save_user(request, sociallogin, form)
        profile_ensure(user=user)
        return user
