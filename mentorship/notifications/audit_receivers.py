"""Account events recorded in the audit log, received from Django's and allauth's signals.

Connected in NotificationsConfig.ready(). These are allauth's and Django's own events (sign-in, sign-out,
two-factor changes), not workflows of this project, which call audit_record directly.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models.signals import m2m_changed
from django.http import HttpRequest

from mentorship.accounts.models import User
from mentorship.notifications.audit import Action, Outcome, audit_record

# Only something shaped like an address is kept from a failed sign-in: a password typed into the wrong box
# must not end up in the log.
_ADDRESS = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{1,60}$")


def signed_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.SIGN_IN, actor=user, request=request)


def signed_out(sender: Any, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=Action.SIGN_OUT, actor=user, request=request)


def sign_in_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    typed = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
    address = typed if _ADDRESS.match(typed) else ""
    known = User.objects.filter(email=address).first() if address else None
    audit_record(
        action=Action.SIGN_IN_FAILED,
        outcome=Outcome.REFUSED,
        actor=known,
        actor_email=address,
        request=request,
    )


def mfa_changed(sender: Any, request: HttpRequest, authenticator: Any = None, **kwargs: Any) -> None:
    kind = getattr(authenticator, "type", "")
    audit_record(action=Action.MFA_CHANGED, request=request, details={"authenticator": str(kind)})


def mfa_failed(sender: Any, request: HttpRequest, user: User | None = None, **kwargs: Any) -> None:
    audit_record(action=Action.MFA_FAILED, outcome=Outcome.REFUSED, actor=user, request=request)


def password_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.PASSWORD_CHANGED, actor=user, request=request)


def email_changed(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    audit_record(action=Action.EMAIL_CHANGED, actor=user, request=request)


def groups_changed(sender: Any, instance: Any, action: str, pk_set: set[int] | None, **kwargs: Any) -> None:
    """Role changes made in the Django admin (the program administrator role is a group)."""
    if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, User):
        return
    audit_record(
        action=Action.ROLE_CHANGED,
        subject=instance,
        summary=f"Groups changed: {action.removeprefix('post_')}",
        details={"groups": len(pk_set or ())},
    )


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.contrib.auth import signals as auth_signals

    account_signals.user_logged_in.connect(signed_in, dispatch_uid="audit.signed_in")
    auth_signals.user_logged_out.connect(signed_out, dispatch_uid="audit.signed_out")
    auth_signals.user_login_failed.connect(sign_in_failed, dispatch_uid="audit.sign_in_failed")
    mfa_signals.authenticator_added.connect(mfa_changed, dispatch_uid="audit.mfa_added")
    mfa_signals.authenticator_removed.connect(mfa_changed, dispatch_uid="audit.mfa_removed")
    mfa_signals.authenticator_reset.connect(mfa_changed, dispatch_uid="audit.mfa_reset")
    mfa_signals.authentication_failed.connect(mfa_failed, dispatch_uid="audit.mfa_failed")
    account_signals.password_changed.connect(password_changed, dispatch_uid="audit.password_changed")
    account_signals.password_reset.connect(password_changed, dispatch_uid="audit.password_reset")
    account_signals.email_changed.connect(email_changed, dispatch_uid="audit.email_changed")
    m2m_changed.connect(groups_changed, sender=User.groups.through, dispatch_uid="audit.groups_changed")
