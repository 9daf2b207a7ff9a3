"""Where a meeting happens: a video link, a phone number or a place, checked before it is stored.

Pure Python; no Django. :func:`validate_meeting_link` returns a :class:`MeetingLocation` whose ``href`` is the
only value a template may put in an ``href`` attribute (an https URL or a ``tel:`` URI); everything else is
shown as text.

Host checks compare whole DNS labels (``host == domain`` or ``host.endswith("." + domain)``), so lookalikes such
as ``zoom.us.evil.com`` and ``evilzoom.us`` fail, and URLs with user info (``https://zoom.us@evil.com``),
backslashes (which browsers read as ``/``), ports, non-ASCII hosts (homographs) or any scheme but https are
refused outright.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

__all__ = [
    "PROVIDER_LABELS",
    "MeetingLinkError",
    "MeetingLocation",
    "Provider",
    "is_video_provider",
    "validate_meeting_link",
]

MAX_URL_LENGTH = 2000
MAX_TEXT_LENGTH = 300


class Provider(StrEnum):
    ZOOM = "zoom"
    TEAMS = "teams"
    MEET = "meet"
    FACETIME = "facetime"
    PHONE = "phone"
    IN_PERSON = "in_person"
    OTHER = "other"


PROVIDER_LABELS: dict[Provider, str] = {
    Provider.ZOOM: "Zoom",
    Provider.TEAMS: "Microsoft Teams",
    Provider.MEET: "Google Meet",
    Provider.FACETIME: "FaceTime",
    Provider.PHONE: "Phone call",
    Provider.IN_PERSON: "In person",
    Provider.OTHER: "Other",
}

# (exact hosts, parent domains whose subdomains also count)
_VIDEO_HOSTS: dict[Provider, tuple[frozenset[str], tuple[str, ...]]] = {
    Provider.ZOOM: (frozenset({"zoom.us"}), ("zoom.us",)),
    Provider.TEAMS: (frozenset({"teams.microsoft.com", "teams.live.com"}), ()),
    Provider.MEET: (frozenset({"meet.google.com"}), ()),
    Provider.FACETIME: (frozenset({"facetime.apple.com"}), ()),
}

_EXAMPLES: dict[Provider, str] = {
    Provider.ZOOM: "https://zoom.us/j/1234567890 or https://yourcompany.zoom.us/j/1234567890",
    Provider.TEAMS: "https://teams.microsoft.com/l/meetup-join/…",
    Provider.MEET: "https://meet.google.com/abc-defg-hij",
    Provider.FACETIME: "https://facetime.apple.com/join#v=1&p=…",
}

_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")
_PHONE_CHARS_RE = re.compile(r"^\+?[0-9 ()\-]+$")
# Schemes that run code or read local data when a browser opens them; text that starts with one is refused even
# for "other", where plain text is otherwise fine, so it can never be mistaken for a link.
_DANGEROUS_SCHEME_RE = re.compile(r"^\s*(javascript|vbscript|data|file)\s*:", re.IGNORECASE)


class MeetingLinkError(ValueError):
    """A meeting location that cannot be stored; ``str(error)`` is a sentence fit for a form."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, slots=True)
class MeetingLocation:
    """A checked location. ``value`` is what to store; ``href`` is safe to link to, or None for plain text."""

    provider: Provider
    value: str
    href: str | None


def is_video_provider(provider: Provider | str) -> bool:
    return Provider(provider) in _VIDEO_HOSTS


def _has_control_chars(text: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _check_https_url(value: str, label: str) -> SplitResult:
    """Structural checks shared by every link: https only, plain ASCII host, nothing that hides the real host."""
    if len(value) > MAX_URL_LENGTH:
        raise MeetingLinkError(f"That {label} link is too long.", code="too_long")
    if any(ch.isspace() for ch in value) or _has_control_chars(value) or "\\" in value:
        raise MeetingLinkError(f"A {label} link cannot contain spaces or backslashes.", code="invalid_url")
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as exc:
        raise MeetingLinkError(f"That does not look like a {label} link.", code="invalid_url") from exc
    if parts.scheme.lower() != "https":
        raise MeetingLinkError(f"A {label} link must start with https://.", code="not_https")
    if "@" in parts.netloc:
        raise MeetingLinkError(f"A {label} link cannot contain a user name or “@” before the host.", code="userinfo")
    if port is not None:
        raise MeetingLinkError(f"A {label} link cannot name a port.", code="port")
    host = parts.hostname or ""
    if not _HOST_RE.match(host):
        raise MeetingLinkError(f"That does not look like a {label} link.", code="invalid_host")
    return parts


def _host_matches(host: str, exact: frozenset[str], parents: tuple[str, ...]) -> bool:
    return host in exact or any(host.endswith("." + parent) for parent in parents)


def _validate_video(provider: Provider, value: str) -> MeetingLocation:
    label = PROVIDER_LABELS[provider]
    parts = _check_https_url(value, label)
    exact, parents = _VIDEO_HOSTS[provider]
    if not _host_matches(parts.hostname or "", exact, parents):
        raise MeetingLinkError(
            f"This is not a {label} link. It should look like {_EXAMPLES[provider]}.", code="wrong_domain"
        )
    if provider == Provider.FACETIME:
        # Apple puts the whole invitation in the fragment of /join; anything else is not a FaceTime link.
        if parts.path != "/join" or not parts.fragment:
            raise MeetingLinkError(
                f"This is not a FaceTime link. It should look like {_EXAMPLES[provider]}.", code="wrong_path"
            )
    elif parts.path in ("", "/"):
        raise MeetingLinkError(
            f"This is the {label} home page, not a meeting link. It should look like {_EXAMPLES[provider]}.",
            code="missing_path",
        )
    return MeetingLocation(provider, value, value)


def _validate_phone(value: str) -> MeetingLocation:
    digits = re.sub(r"\D", "", value)
    if not _PHONE_CHARS_RE.match(value) or value.count("(") != value.count(")"):
        raise MeetingLinkError(
            "A phone number may contain digits, spaces, a leading +, dashes and brackets, for example +49 30 1234567.",
            code="invalid_phone",
        )
    if not 5 <= len(digits) <= 15:  # E.164 allows at most 15 digits; fewer than 5 is no number at all
        raise MeetingLinkError("That phone number has too few or too many digits.", code="invalid_phone")
    href = "tel:" + ("+" if value.startswith("+") else "") + digits
    return MeetingLocation(Provider.PHONE, value, href)


def _validate_text(provider: Provider, value: str, what: str) -> MeetingLocation:
    if len(value) > MAX_TEXT_LENGTH:
        raise MeetingLinkError(f"Keep the {what} under {MAX_TEXT_LENGTH} characters.", code="too_long")
    if _has_control_chars(value.replace("\n", " ")):
        raise MeetingLinkError(f"The {what} contains characters we cannot show.", code="invalid_text")
    if _DANGEROUS_SCHEME_RE.match(value):
        raise MeetingLinkError(f"The {what} cannot be a script or data link.", code="dangerous_scheme")
    return MeetingLocation(provider, value, None)


def _validate_other(value: str) -> MeetingLocation:
    # Anything that looks like a link must be a proper https link; the rest is text (a room, a dial-in note...).
    if "://" in value or value.lower().startswith(("http:", "https:")):
        _check_https_url(value, "meeting")
        return MeetingLocation(Provider.OTHER, value, value)
    return _validate_text(Provider.OTHER, value, "meeting details")


def validate_meeting_link(provider: Provider | str, value: str) -> MeetingLocation:
    """Check a location for a provider; raise MeetingLinkError with a form-ready message if it is unusable.

    Surrounding whitespace is trimmed; the returned ``value`` is what to store.
    """
    try:
        kind = Provider(provider)
    except ValueError as exc:
        raise MeetingLinkError("Pick how you will meet.", code="unknown_provider") from exc
    text = (value or "").strip()
    if not text:
        raise MeetingLinkError(_EMPTY_MESSAGES[kind], code="required")
    if kind in _VIDEO_HOSTS:
        return _validate_video(kind, text)
    if kind == Provider.PHONE:
        return _validate_phone(text)
    if kind == Provider.IN_PERSON:
        return _validate_text(kind, text, "place")
    return _validate_other(text)


_EMPTY_MESSAGES: dict[Provider, str] = {
    Provider.ZOOM: "Paste the Zoom meeting link.",
    Provider.TEAMS: "Paste the Teams meeting link.",
    Provider.MEET: "Paste the Google Meet link.",
    Provider.FACETIME: "Paste the FaceTime link.",
    Provider.PHONE: "Enter the number to call.",
    Provider.IN_PERSON: "Say where you will meet, for example a room or a café.",
    Provider.OTHER: "Add a link or a short note on how you will meet.",
}
