"""Download everything about a person; ask for, withdraw and (as an operator) carry out its deletion."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from matching import personal_data as matching_data
from meetings import personal_data as meetings_data
from mentorship.accounts import personal_data as account_data
from mentorship.accounts.models import DeletionRequest, User
from mentorship.common.errors import DomainError
from mentorship.notifications import personal_data as notification_data
from mentorship.notifications.audit import Action, audit_record
from programs import personal_data as programs_data
from relationships import personal_data as relationships_data


class PrivacyError(DomainError):
    """A request about personal data the rules refuse."""


def personal_data(*, user: User) -> dict[str, Any]:
    """Everything the product holds about the person, section by section, as one JSON-ready document."""
    document: dict[str, Any] = {"generated_at": timezone.now(), "about": user.email}
    for part in (account_data, programs_data, relationships_data, meetings_data, matching_data, notification_data):
        document.update(part.export_for(user))
    return document


def personal_data_download(*, user: User, request: HttpRequest) -> bytes:
    """The JSON file a person downloads about themselves; the download is recorded in the audit log."""
    document = personal_data(user=user)
    audit_record(action=Action.EXPORT, request=request, subject=user, summary="Personal data downloaded")
    return json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()


@transaction.atomic
def erasure_request(*, user: User, password: str, request: HttpRequest | None = None) -> DeletionRequest:
    if not user.has_usable_password() or not user.check_password(password):
        raise PrivacyError(_("That is not your password."), field="password")
    try:
        with transaction.atomic():
            asked = DeletionRequest.objects.create(user=user)
    except IntegrityError:
        raise PrivacyError(_("You already asked; an operator will confirm it.")) from None
    audit_record(action=Action.DELETION_REQUESTED, request=request, subject=user, target=asked)
    return asked


@transaction.atomic
def erasure_withdraw(*, user: User, request: HttpRequest | None = None) -> None:
    withdrawn = DeletionRequest.objects.filter(user=user, status=DeletionRequest.Status.PENDING).update(
        status=DeletionRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not withdrawn:
        raise PrivacyError(_("There is no deletion request to withdraw."))
    audit_record(action=Action.DELETION_CANCELLED, request=request, subject=user)


@transaction.atomic
def erasure_confirm(*, request_id: int, operator: User, request: HttpRequest | None = None) -> DeletionRequest:
    """Erase the person's data across every app. Counts and outcomes stay; names, words and addresses go."""
    asked = (
        DeletionRequest.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(pk=request_id, status=DeletionRequest.Status.PENDING)
        .first()
    )
    if asked is None:
        raise PrivacyError(_("This request was already handled."))
    person = asked.user
    if person.pk == operator.pk:
        raise PrivacyError(_("Another operator has to confirm the deletion of your own account."))
    erased_email = account_data.erased_email(person)
    # Apps above first, while the person's name and address are still there to be found and replaced.
    matching_data.erase(person)
    meetings_data.erase(person)
    relationships_data.erase(person, former_name=account_data.ERASED_NAME)
    programs_data.erase(person, erased_email=erased_email)
    notification_data.erase(person, erased_email=erased_email, former_name=account_data.ERASED_NAME)
    account_data.erase(person)
    asked.status = DeletionRequest.Status.DONE
    asked.decided_at = timezone.now()
    asked.decided_by = operator
    asked.save(update_fields=["status", "decided_at", "decided_by"])
    audit_record(action=Action.DELETION_DONE, actor=operator, request=request, subject=person, target=asked)
    return asked


def pending_requests() -> Any:
    return DeletionRequest.objects.filter(status=DeletionRequest.Status.PENDING).select_related("user")
