"""The one error type services raise when the rules refuse a request."""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse; the message is written for the person who asked.

    ``field`` names the form field the message belongs to, when there is one, so a view can show it there.
    Each app's services raise a subclass of their own (``ProgramError``, ``MeetingError``...), and views show
    any of them the same way (see ``mentorship.common.views.run_service``).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class RepeatedSubmission(DomainError):
    """The same form arrived a second time: what the first one did stands, and nothing else happens.

    ``run_service`` reports it as a success, so the second click lands where the first one did.
    """
