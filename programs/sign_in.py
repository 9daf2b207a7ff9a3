"""What programs do when someone signs up, signs in or confirms an address (registered in accounts.plugins)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from mentorship.accounts.models import User
from programs.services import (
    INVITATION_SESSION_KEY,
    ProgramError,
    invitation_claim,
    invitation_for_token,
    invitations_claim_for_email,
)


def take_up_invitation(request: HttpRequest, user: User) -> str | None:
    """When the person arrived through an invitation link, enroll them and return where to go next."""
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


def claim_invitations_of_address(user: User, email: str) -> None:
    """A confirmed address proves it is theirs: invitations sent to it join the account."""
    invitations_claim_for_email(user=user, email=email)
