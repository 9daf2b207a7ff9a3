"""What every view does with a service: run it and show a refusal where the person is, never an error page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from mentorship.common.errors import DomainError, RepeatedSubmission

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """Whether the service went through, and what it returned. True in a condition when it did."""

    ok: bool
    value: T | None = None
    # True when the form had already been saved by an earlier request; ``value`` is then None.
    repeated: bool = False

    def __bool__(self) -> bool:
        return self.ok


def run_service(
    request: HttpRequest, action: Callable[[], T], *, success: str = "", form: forms.BaseForm | None = None
) -> Outcome[T]:
    """Call ``action``; on success flash ``success`` (when given), on a refusal show the service's message.

    With a form, the message goes on the field the error names (or the form as a whole) so that what the
    person typed stays in front of them; without one it becomes a message on the next page. A repeated
    submission counts as done: the person goes where the first one took them.
    """
    try:
        value = action()
    except RepeatedSubmission as exc:
        messages.info(request, str(exc))
        return Outcome(ok=True, repeated=True)
    except DomainError as exc:
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.error(request, str(exc))
        return Outcome(ok=False)
    if success:
        messages.success(request, success)
    return Outcome(ok=True, value=value)


def show_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """Turn a refused form's errors into messages, for forms posted from a page that does not redisplay them."""
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
