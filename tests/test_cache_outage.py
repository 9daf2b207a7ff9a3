"""With Redis unreachable, pages and forms still work: the cache misses instead of failing (see common/cache.py)."""

from __future__ import annotations

import socket

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from meetings.tests.factories import pair, person, running_program
from relationships.models import PrivateNote


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_away() -> object:
    cache = {
        "BACKEND": "mentorship.common.cache.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
    }
    with override_settings(CACHES={"default": cache}):
        yield


def test_pages_and_forms_work_while_redis_is_away(
    client: Client, program_admin: object, redis_away: object, caplog: pytest.LogCaptureFixture
) -> None:
    mentee, mentor = person("ana@example.com", "Ana Mentee"), person("ben@example.com", "Ben Mentor")
    relationship = pair(running_program(program_admin, "Pilot"), mentee, mentor)
    client.force_login(mentee)
    for url in (reverse("home"), relationship.get_absolute_url(), reverse("notifications:list")):
        assert client.get(url).status_code == 200, url
    response = client.post(reverse("relationships:note_add", args=[relationship.pk]), {"body": "Ask about budgets"})
    assert response.status_code == 302
    assert PrivateNote.objects.filter(relationship=relationship, author=mentee).count() == 1
    # Rendered afresh each time, so what was just written shows.
    assert "Ask about budgets" in client.get(relationship.get_absolute_url()).content.decode()
    assert "The Redis cache did not answer" in caplog.text


@pytest.mark.django_db
def test_signing_in_works_while_redis_is_away(client: Client, redis_away: object) -> None:
    user = person("cleo@example.com", "Cleo Person")
    user.set_password("a long enough password")
    user.save()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "a long enough password"})
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
