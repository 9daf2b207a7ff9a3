"""Shared fixtures: personas, Celery run in-process, and Playwright on Debian's Chromium."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from typing import Any

import pytest

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# -- personas ----------------------------------------------------------------------------------------------


@pytest.fixture
def make_user(db: None) -> Any:
    from mentorship.accounts.tests.factories import UserFactory

    return UserFactory


@pytest.fixture
def member(make_user: Any) -> Any:
    """An ordinary employee with a complete profile."""
    return make_user(email="member@example.com", full_name="Mina Member")


@pytest.fixture
def outsider(make_user: Any) -> Any:
    """Someone with an account who has nothing to do with the object under test."""
    return make_user(email="outsider@example.com", full_name="Otto Outsider")


@pytest.fixture
def program_admin(make_user: Any) -> Any:
    from mentorship.accounts.roles import grant_program_admin

    user = make_user(email="hr@example.com", full_name="Hannah Resources")
    grant_program_admin(user)
    return user


@pytest.fixture
def other_program_admin(make_user: Any) -> Any:
    from mentorship.accounts.roles import grant_program_admin

    user = make_user(email="hr2@example.com", full_name="Harald Other")
    grant_program_admin(user)
    return user


# -- environment -------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _celery_in_process(settings: Any) -> Iterator[None]:
    """Tasks run in the test process unless a test starts a real worker."""
    from mentorship.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    # allauth's rate limits live in the cache; one test's failed logins must not lock out the next.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# -- browser -----------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # On a developer's machine a missing browser or Redis skips those tests with the reason. In CI they run
    # regardless, so a missing service fails loudly instead of passing quietly.
    if IN_CI:
        return
    have_chromium = os.path.exists(CHROMIUM)
    redis_ok = _redis_reachable()
    for item in items:
        if "browser" in item.keywords and not have_chromium:
            item.add_marker(pytest.mark.skip(reason=f"Debian's chromium is not installed at {CHROMIUM}"))
        if "redis" in item.keywords and not redis_ok:
            item.add_marker(pytest.mark.skip(reason="REDIS_URL is unset or Redis is not reachable"))


def _redis_reachable() -> bool:
    from urllib.parse import urlsplit

    url = os.environ.get("REDIS_URL")
    if not url:
        return False
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False
