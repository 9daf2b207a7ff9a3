"""Read and validate configuration from environment variables.

Every setting an operator may change comes through here, so that a bad value stops start-up with one line
that names the variable, instead of a traceback deep inside Django.
"""

from __future__ import annotations

import os
import sys
import zoneinfo
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed."""

    def __init__(self, variable: str, problem: str) -> None:
        self.variable = variable
        self.problem = problem
        super().__init__(f"{variable}: {problem}")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(name, f"expected 1/0, true/false, yes/no or on/off, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    return value


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_required(name: str, why: str) -> str:
    value = env_str(name)
    if not value:
        raise ConfigError(name, f"must be set {why}")
    return value


def env_url(name: str, default: str, *, schemes: set[str]) -> str:
    value = env_str(name, default)
    scheme = urlsplit(value).scheme
    if scheme not in schemes or "://" not in value:
        allowed = ", ".join(sorted(f"{s}://" for s in schemes))
        raise ConfigError(name, f"expected a URL starting with one of {allowed}, got {value!r}")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    if value not in zoneinfo.available_timezones():
        raise ConfigError(name, f"{value!r} is not an IANA time zone name such as Europe/Berlin")
    return value


_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}


def database_from_env(default: str) -> dict[str, Any]:
    url = env_url("DATABASE_URL", default, schemes=_DATABASE_SCHEMES)
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ConfigError("DATABASE_URL", str(exc)) from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ConfigError("DATABASE_URL", "names no database (postgres://user@host:5432/DBNAME)")
    if config["ENGINE"].endswith("sqlite3"):
        # SQLite cannot share persistent connections across threads safely.
        config["CONN_MAX_AGE"] = 0
        # The web server, the worker and beat write to one file. A transaction that starts reading and then
        # writes cannot wait for another writer ("database is locked" at once); taking the write lock at BEGIN
        # makes it wait up to the timeout instead.
        config.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    return config


_EMAIL_SCHEMES = {"console", "file", "smtp", "smtps", "submission", "memory", "dummy"}


def email_from_env(default: str) -> dict[str, Any]:
    url = env_url("EMAIL_URL", default, schemes=_EMAIL_SCHEMES)
    try:
        config = dj_email_url.parse(url)
    except (ValueError, KeyError) as exc:
        raise ConfigError("EMAIL_URL", f"could not be read: {exc}") from None
    if urlsplit(url).scheme == "file":
        # dj-email-url drops the leading slash of an absolute path; keep the path as written.
        config["EMAIL_FILE_PATH"] = urlsplit(url).path or "var/mail"
    return config


def exit_on_bad_config() -> None:
    """Load settings now and turn a configuration error into one clear line and exit status 2."""
    from django.conf import settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - touching a setting imports the settings module
    except ConfigError as exc:
        sys.stderr.write(f"Mentorship cannot start: configuration error in {exc}\n")
        raise SystemExit(2) from None
