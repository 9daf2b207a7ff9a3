"""Whose email address is whose, and which addresses their owners have proved to be theirs.

allauth keeps the addresses (``EmailAddress``, one account may have several); this module is the one place the
rest of the project asks about them, so nothing else reaches into allauth's tables.
"""

from __future__ import annotations

from collections.abc import Iterable

from allauth.account.models import EmailAddress
from django.db import transaction

from mentorship.accounts.models import User


def confirmed_owners(emails: Iterable[str]) -> dict[str, User]:
    """{address in lower case: the account that confirmed it}, for those of ``emails`` someone has confirmed."""
    wanted = {email.strip().lower() for email in emails if email.strip()}
    if not wanted:
        return {}
    rows = EmailAddress.objects.filter(email__in=wanted, verified=True).select_related("user")
    return {row.email.lower(): row.user for row in rows}


def address_belongs_to(*, user: User, email: str) -> bool:
    """The address is this account's own: its sign-in address or one it added, confirmed or not (yet)."""
    email = email.strip().lower()
    return user.email.lower() == email or EmailAddress.objects.filter(user=user, email__iexact=email).exists()


def address_is_confirmed(*, user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email.strip(), verified=True).exists()


@transaction.atomic
def address_confirm(*, user: User, email: str) -> None:
    """Record that the account proved the address is theirs by something that reached only that mailbox.

    The caller has checked that the address belongs to the account (``address_belongs_to``).
    """
    email = email.strip().lower()
    updated = EmailAddress.objects.filter(user=user, email__iexact=email).update(verified=True)
    if not updated:
        EmailAddress.objects.create(
            user=user, email=email, verified=True, primary=not EmailAddress.objects.filter(user=user).exists()
        )
