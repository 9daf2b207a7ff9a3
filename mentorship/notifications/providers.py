"""Context and attachment providers: functions of higher apps that the outbox asks when an email leaves.

A reminder is rendered when it is sent, not when it is scanned, so that it shows the current agenda and open
items and can be dropped when it is no longer needed. The row names its provider by a short stable key (never
a dotted path, so renaming a function strands no queued mail); the app that owns the data registers the
function under that key in its ``AppConfig.ready()``. An unknown key fails the row for good, with the key in
the error an administrator reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from mentorship.accounts.models import User
from mentorship.common.registry import Registry
from mentorship.notifications.models import OutboundEmail


class PermanentError(Exception):
    """The email can never be sent as it is (bad template, unknown provider, rejected address)."""


class TooLate(Exception):
    """The moment the email was about has passed before it could leave (a reminder after its meeting began).

    A provider answers an instance of it, with the reason for the administrator, in place of a context: the row is
    then kept as missed instead of being sent or silently skipped.
    """


@dataclass(frozen=True)
class ProviderRequest:
    """One email's question to a context provider: who receives it and the context the scan stored.

    A provider takes the list of requests of a whole claimed batch and answers with a list of the same length
    (a dict to add to the context, None to drop that email as no longer needed, or a TooLate to record it as
    missed), so it reads its data once per batch, not once per email. Attachment providers likewise take a list
    of argument lists and answer with a list of contents.
    """

    user: User | None
    context: dict[str, Any]


ContextProvider = Callable[[list[ProviderRequest]], list[dict[str, Any] | TooLate | None]]
AttachmentProvider = Callable[[list[list[Any]]], list[str | bytes | None]]

context_providers: Registry[ContextProvider] = Registry("notification context providers")
attachment_providers: Registry[AttachmentProvider] = Registry("notification attachment providers")


def _ask(registry: Registry[Any], key: str, questions: list[Any]) -> list[Any]:
    """A provider's answers for a batch; an exception in place of an answer fails only that email."""
    provider = registry.get(key)
    if provider is None:
        return [PermanentError(f"no {registry.name} is registered as {key!r}")] * len(questions)
    try:
        answers = list(provider(questions))
    except Exception as exc:  # noqa: BLE001 - a provider's failure becomes that email's recorded failure
        if len(questions) == 1:
            return [exc]
        # One broken row must not hold back the rest: ask again one at a time, so only that one fails.
        return [answer for question in questions for answer in _ask(registry, key, [question])]
    if len(answers) != len(questions):
        return [PermanentError(f"{key} answered {len(answers)} of {len(questions)} requests")] * len(questions)
    return answers


@dataclass
class Provided:
    """What the providers answered for a claimed batch: fresh contexts per row and attachment contents."""

    contexts: dict[int, Any] = field(default_factory=dict)
    files: dict[tuple[str, str], Any] = field(default_factory=dict)

    @classmethod
    def for_rows(cls, rows: Iterable[OutboundEmail]) -> Provided:
        requests: dict[str, list[OutboundEmail]] = {}
        files: dict[str, dict[str, list[Any]]] = {}
        for row in rows:
            if row.template and not row.body_text and row.context_provider:
                requests.setdefault(row.context_provider, []).append(row)
            for attachment in row.attachments or []:
                if attachment.get("content") is None:
                    args = list(attachment.get("args", []))
                    files.setdefault(attachment["provider"], {})[_file_key(args)] = args
        provided = cls()
        for key, asking in requests.items():
            answers = _ask(
                context_providers,
                key,
                [ProviderRequest(user=row.recipient, context=dict(row.context or {})) for row in asking],
            )
            provided.contexts.update((row.pk, answer) for row, answer in zip(asking, answers, strict=True))
        for key, by_args in files.items():
            # Two people reminded of one meeting share its calendar file: it is built once.
            answers = _ask(attachment_providers, key, list(by_args.values()))
            provided.files.update(((key, args), answer) for args, answer in zip(by_args, answers, strict=True))
        return provided

    def context(self, row: OutboundEmail) -> dict[str, Any] | None:
        return _answer(self.contexts[row.pk])

    def file(self, attachment: dict[str, Any]) -> Any:
        return _answer(self.files[attachment["provider"], _file_key(list(attachment.get("args", [])))])


def _file_key(args: list[Any]) -> str:
    return json.dumps(args, cls=DjangoJSONEncoder, sort_keys=True)


def _answer(answer: Any) -> Any:
    if isinstance(answer, BaseException):
        raise answer
    return answer
