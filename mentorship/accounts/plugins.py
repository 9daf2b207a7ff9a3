"""Where higher apps plug into accounts: profile sections, proofs of an address, and how account emails leave.

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

# Asked at signup whether the request itself proves the address is the person's (a program invitation mailed
# to it, whose link they followed); when one says yes, the address is confirmed without another email.
EmailProof = Callable[[HttpRequest, str], bool]
email_proofs: Registry[EmailProof] = Registry("email proofs")

# Sends allauth's account emails (confirmations, password resets) given their key, kind, address and parts. The
# notifications app registers its outbox, so an outage of the mail server delays these emails instead of losing
# them; with nothing registered allauth sends them itself.
AccountMailSender = Callable[..., Any]
account_mail_senders: Registry[AccountMailSender] = Registry("account mail senders")

# Called once an address is confirmed as the person's own.
EmailConfirmed = Callable[[User, str], None]
email_confirmed_steps: Registry[EmailConfirmed] = Registry("email-confirmed steps")
