"""What programs know about addresses at signup and confirmation (registered in accounts.plugins)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve

from mentorship.accounts.models import User
from programs.services import invitation_for_token, invitations_claim_for_email


def invitation_proves_address(request: HttpRequest, email: str) -> bool:
    """A signup on its way back to an invitation link, with the very address the invitation was mailed to.

    The link's secret reached only that mailbox, so it proves the address as a confirmation email would. The
    token travels in ``next`` (the invitation page's own URL), never in the session: nothing is stored before
    the person submits the signup form.
    """
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    try:
        match = resolve(urlsplit(wanted).path)
    except Resolver404:
        return False
    if match.view_name != "programs:invitation":
        return False
    invitation = invitation_for_token(token=match.kwargs["token"])
    return invitation is not None and invitation.email.strip().lower() == email.strip().lower()


def claim_invitations_of_address(user: User, email: str) -> None:
    """A confirmed address proves it is theirs: invitations sent to it join the account."""
    invitations_claim_for_email(user=user, email=email)
