"""One form, one save: a hidden single-use token claimed in the same transaction as the write it guards.

Pages put ``{% submission_token %}`` (or a form's ``submission`` field, see :class:`SubmitOnceMixin`) in each
form that creates something. The view wraps its service call in :func:`submitted_once`; a second request with the
same token (a double click, a resend after a slow answer) raises
:class:`~mentorship.common.errors.RepeatedSubmission`, which ``run_service`` reports as "saved once". A refused
save rolls the claim back with it, so the person can correct the form and send it again.

Requests without a token are not guarded (scripts and older pages); a browser always sends one.
"""

from __future__ import annotations

import datetime
import re
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorship.accounts.models import FormSubmission
from mentorship.common.errors import RepeatedSubmission
from mentorship.common.forms import Form

T = TypeVar("T")

FIELD = "submission"
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
# A second click comes within seconds; a day covers a page left open overnight and sent twice in the morning.
KEEP = datetime.timedelta(days=1)


def new_token() -> str:
    return secrets.token_hex(16)


def posted_token(request: HttpRequest) -> str | None:
    """The token the form carried, or None when there is none or it is not one of ours."""
    token = request.POST.get(FIELD, "")
    return token if _TOKEN.fullmatch(token) else None


def submission_claim(*, user: Any, token: str) -> None:
    """Take the token for this user, or raise RepeatedSubmission when a request already took it."""
    try:
        with transaction.atomic():
            FormSubmission.objects.create(user=user, token=token)
    except IntegrityError:
        raise RepeatedSubmission(_("You sent this twice; it is saved once.")) from None


def submitted_once(request: HttpRequest, action: Callable[[], T]) -> Callable[[], T]:
    """``action`` wrapped so that the claim and the write commit (or roll back) together."""
    token = posted_token(request)
    if token is None or not request.user.is_authenticated:
        return action

    def once() -> T:
        with transaction.atomic():
            submission_claim(user=request.user, token=token)
            return action()

    return once


def submissions_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget claims older than KEEP; they only matter while a repeat could still arrive."""
    deleted, _rows = FormSubmission.objects.filter(created_at__lt=(now or timezone.now()) - KEEP).delete()
    return deleted


class SubmitOnceMixin(Form):
    """Adds the hidden token to forms rendered whole (crispy or ``{{ form }}``)."""

    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[FIELD].initial = new_token()
