"""Where higher apps plug into accounts: profile sections, steps at sign-in, and how account emails leave.

Accounts is the lowest app and imports no other; apps above fill these registries in their ``AppConfig.ready()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from mentorship.accounts.models import User
from mentorship.common.registry import Registry

# A profile section: called with the person, answers {"template": ..., **what the template shows}.
ProfilePanel = Callable[..., dict[str, Any]]
profile_panels: Registry[ProfilePanel] = Registry("profile panels")

# Called when someone signs up or signs in; answers where to send them next (the first answer wins) or None.
SignInStep = Callable[[HttpRequest, User], str | None]
sign_in_steps: Registry[SignInStep] = Registry("sign-in steps")

# Sends allauth's account emails (confirmations, password resets) given their key, kind, address and parts. The
# notifications app registers its outbox, so an outage of the mail server delays these emails instead of losing
# them; with nothing registered allauth sends them itself.
AccountMailSender = Callable[..., Any]
account_mail_senders: Registry[AccountMailSender] = Registry("account mail senders")

# Called once an address is confirmed as the person's own.
EmailConfirmed = Callable[[User, str], None]
email_confirmed_steps: Registry[EmailConfirmed] = Registry("email-confirmed steps")


def run_sign_in_steps(request: HttpRequest, user: User) -> str | None:
    """Every step runs (each may record something); the first place one of them names is where to go."""
    destinations = [step(request, user) for step in sign_in_steps]
    return next((place for place in destinations if place), None)
