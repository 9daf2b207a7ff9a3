"""Signed-in pages and personal downloads tell browsers and proxies never to store them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.tests.factories import pair, person, running_program, schedule_once, schedule_series
from mentorship.accounts.roles import grant_program_admin
from programs.tests.factories import InvitationFactory

pytestmark = pytest.mark.django_db


def private_and_never_stored(response: Any) -> bool:
    directives = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives and "public" not in directives


def parameterless_get_urls() -> list[str]:
    """Every URL of the project that takes no argument (new pages are covered without listing them)."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and not pattern.pattern.converters:
                route = prefix + str(pattern.pattern)
                if "(" not in route and "^" not in route:
                    found.append("/" + route)

    walk(get_resolver().url_patterns, "", "")
    return sorted(set(found))


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    admin = person("hr@example.com", "Hana HR")
    grant_program_admin(admin)
    program = running_program(admin, "Cache Program")
    mentee, mentor = person("mia@example.com", "Mia Mentee"), person("max@example.com", "Max Mentor")
    relationship = pair(program, mentee, mentor)
    soon = timezone.localdate() + datetime.timedelta(days=14)
    series = schedule_series(relationship, first_date=soon)
    meeting = schedule_once(
        relationship, datetime.datetime.combine(soon + datetime.timedelta(days=3), datetime.time(10))
    )
    token = meeting_services.calendar_feed_rotate(user=mentee)
    InvitationFactory(program=program, email="pat@example.com", token="cache-invitation-token-0001")
    return {
        "admin": admin,
        "mentee": mentee,
        "pages": [
            reverse("home"),
            reverse("profile_detail"),
            reverse("profile_edit"),
            reverse("programs:list"),
            program.get_absolute_url(),
            reverse("relationships:list"),
            reverse("relationships:detail", args=[relationship.pk]),
            reverse("meetings:detail", args=[meeting.pk]),
            reverse("meetings:ics", args=[meeting.pk]),
            reverse("meetings:series_ics", args=[series.pk]),
            reverse("meetings:calendar_settings"),
            reverse("notifications:list"),
            reverse("notifications:preferences"),
            reverse("matching:proposals"),
            reverse("account_email"),
        ],
        "admin_pages": [
            reverse("programs:manage_list"),
            program.get_manage_url(),
            reverse("programs:roster", args=[program.slug]),
            reverse("programs:invite", args=[program.slug]),
            reverse("programs:invitations", args=[program.slug]),
            reverse("matching:review", args=[program.slug]),
        ],
        "feed": reverse("calendar_feed", args=[token]),
        "invitation": reverse("programs:invitation", args=["cache-invitation-token-0001"]),
    }


def test_every_signed_in_page_and_download_is_private_and_never_stored(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["mentee"])
    for url in world["pages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert private_and_never_stored(response), (url, response.get("Cache-Control"))
    client.force_login(world["admin"])
    for url in world["admin_pages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert private_and_never_stored(response), (url, response.get("Cache-Control"))


def test_every_page_without_arguments_is_private_when_signed_in(client: Client, world: dict[str, Any]) -> None:
    client.force_login(world["admin"])
    checked = 0
    for url in parameterless_get_urls():
        response = client.get(url)
        if response.status_code in {404, 405}:
            continue
        checked += 1
        assert private_and_never_stored(response), (url, response.get("Cache-Control"))
    assert checked > 20


def test_links_with_a_secret_are_never_stored_even_without_a_session(client: Client, world: dict[str, Any]) -> None:
    for url in (world["feed"], world["invitation"]):
        response = client.get(url)
        assert response.status_code == 200, url
        assert private_and_never_stored(response), (url, response.get("Cache-Control"))
