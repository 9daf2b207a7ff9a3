"""Who reaches what, over every URL of the project: GET and POST as anonymous, strangers and the rightful user.

The URLs are not listed here: each one has an entry in tests/access/inventory.py (sample arguments, the rightful
user, who else may use it), and a URL without one fails ``test_every_url_has_an_entry``. For every URL:

* anonymous is sent to the login page (public and secret-link URLs aside, see ``Audience``);
* strangers (an employee with no part in it, the administrator of another program, the other side of a pair
  where the URL is one person's own, a participant for management pages) get 404, so they cannot tell an
  object exists from one that does not; 403 only where the entry says the existence is no secret;
* the rightful user (and those the entry allows) get in;
* a refused POST changes nothing, and no GET by anyone writes anything (row counts and a checksum of every
  table, see tests/sweep/state.py for the two tables left out and why);
* every URL refuses a POST without a CSRF token, but for the few views listed in ``CSRF_EXEMPT``.

A POST is sent with the form the rightful user's page shows, filled in as a person would, so a view that saved
before checking who asks would be caught. Every request runs in a savepoint that is rolled back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access.inventory import URLS, Audience, Url, missing_and_gone
from tests.sweep.state import State, changed_tables, fingerprint, writes_so_far
from tests.sweep.test_every_form import SCENES, filled, forms_for
from tests.sweep.world import NOW, World

# Views that take a POST without a CSRF token. The calendar feed is not among them: calendar apps read it
# without a session, but only with GET (it answers a POST with 403 like every other view).
CSRF_EXEMPT = {
    # RFC 8058 one-click unsubscribe: the mail client posts "List-Unsubscribe=One-Click" with no session and no
    # token; the secret in the URL is what authorises it, and all it can do is switch one kind of email off.
    "notifications:unsubscribe": "one-click unsubscribe (RFC 8058)",
}
# Where 403 is right rather than 404: whoever asks already knows the thing exists.
REFUSED_WITH_403 = {
    # The invitation link's holder read whose invitation it is on the page itself; only that account may accept.
    "programs:invitation": "another account holding the invitation link",
}
# What answers without a session. allauth's login and signup pages are allauth's (not project URLs).
PUBLIC = {
    "healthz": "the load balancer's health check",
    "favicon": "browsers ask for /favicon.ico before anyone signs in",
}
# What answers to the secret in the URL, with or without a session; a made-up secret is refused.
SECRET_LINKS = {
    "calendar_feed": "calendar apps read the feed without a session",
    "notifications:unsubscribe": "the unsubscribe link in every email",
    "programs:invitation": "the invitation email's link, opened before signing up",
}
LOGIN = "/accounts/login/"
MADE_UP_TOKEN = "made-up-token-0000000000000000"
DOOR_SHUT = (403, 404)


def test_every_url_has_an_entry() -> None:
    missing, gone = missing_and_gone()
    assert not missing, (
        f"no access expectations for {missing}: add an entry to URLS in tests/access/inventory.py saying who may "
        "use the URL, with which sample arguments"
    )
    assert not gone, f"URLS names URLs that no longer exist: {gone}"


def _exempt_views() -> set[str]:
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "csrf_exempt", False):
                found.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return found


def test_only_the_listed_views_are_exempt_from_csrf() -> None:
    """Every view of the whole URL map (allauth's and the admin's too), found by its csrf_exempt mark."""
    assert _exempt_views() == set(CSRF_EXEMPT)


def test_the_exceptions_to_login_and_404_are_the_listed_ones() -> None:
    """Opening a URL to anonymous, or answering 403, is a decision made here, with its reason, not in passing."""
    assert {name for name, url in URLS.items() if url.refused_with == 403} == set(REFUSED_WITH_403)
    assert {name for name, url in URLS.items() if url.audience == Audience.PUBLIC} == set(PUBLIC)
    assert {name for name, url in URLS.items() if url.audience == Audience.TOKEN} == set(SECRET_LINKS)


# -- sending -------------------------------------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    location: str
    changed: list[str]
    error: str = ""


def ask(client: Client, method: str, path: str, data: dict[str, Any], before: State) -> Answer:
    """One request in a savepoint that is rolled back, with the tables it changed."""
    writes = writes_so_far()
    with transaction.atomic():
        try:
            response = client.get(path) if method == "GET" else client.post(path, data)
        except Exception as exc:  # noqa: BLE001 - a server error is what the test reports
            transaction.set_rollback(True)
            return Answer(500, "", [], f"{type(exc).__name__}: {str(exc)[:200]}")
        after = before if writes is not None and writes_so_far() == writes else fingerprint()
        transaction.set_rollback(True)
    return Answer(response.status_code, response.get("Location", ""), changed_tables(before, after))


def post_data(name: str, world: World, clients: dict[str, Client]) -> dict[str, Any]:
    """The form the rightful user's page shows for this URL, filled in as they would; empty for a bare POST."""
    scene = SCENES[name]
    if not scene.has_form:
        return {}
    forms = [form for _persona, form in forms_for(name, scene, world, clients) if form.method == "post"]
    if not forms:
        return {}
    data = filled(forms[0])
    data.update({key: value(world) if callable(value) else value for key, value in scene.base.items()})
    return data


def _client(clients: dict[str, Client], persona: str) -> Client:
    return clients[persona]


def _with_made_up_token(name: str, url: Url, world: World) -> str:
    args = [arg(world) for arg in url.args]
    return reverse(name, args=[MADE_UP_TOKEN if isinstance(arg, str) else arg for arg in args])


# -- the matrix ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(URLS))
def test_access(name: str, world: World, clients: dict[str, Client]) -> None:
    url = URLS[name]
    problems: list[str] = []
    with time_machine.travel(NOW, tick=False):
        path = url.path(name, world)
        data = post_data(name, world, clients)
        before = fingerprint()

        def send(persona: str, method: str, where: str = path) -> Answer:
            answer = ask(_client(clients, persona), method, where, data, before)
            what = f"{persona} {method} {where}"
            if answer.error:
                problems.append(f"{what}: server error {answer.error}")
            elif method == "GET" and answer.changed:
                problems.append(f"{what} wrote to {answer.changed}: a GET must never write")
            return answer

        # The rightful user gets in; a 405 tells which methods the URL takes.
        rightful = {method: send(url.who, method) for method in ("GET", "POST")}
        takes = {method for method, answer in rightful.items() if answer.status != 405}
        assert takes, f"{name} answers 405 to both GET and POST for {url.who}"
        if "GET" in takes and rightful["GET"].status != url.status:
            problems.append(f"{url.who} GET {path}: {rightful['GET'].status}, expected {url.status}")
        if "POST" in takes and rightful["POST"].status in DOOR_SHUT:
            problems.append(f"{url.who} POST {path}: {rightful['POST'].status}, expected to get past the door")
        for persona in url.allowed:
            for method in takes:
                answer = send(persona, method)
                if answer.status in DOOR_SHUT:
                    problems.append(f"{persona} {method} {path}: {answer.status}, but the entry allows them")

        # Anonymous.
        if url.audience == Audience.TOKEN:
            for method in takes:
                answer = send("anonymous", method, _with_made_up_token(name, url, world))
                if answer.status not in (400, 404) or answer.changed:
                    problems.append(f"anonymous {method} with a made-up secret: {answer.status}, {answer.changed}")
        elif url.audience != Audience.PUBLIC:
            for method in ("GET", "POST"):
                answer = send("anonymous", method)
                to_login = answer.status == 302 and answer.location.startswith(LOGIN)
                # The admin's pages send anonymous to the admin's login, which sends them on to allauth's.
                to_login = to_login or (answer.status == 302 and answer.location.startswith(reverse("admin:login")))
                if not (to_login or (answer.status == 405 and method not in takes)):
                    problems.append(f"anonymous {method} {path}: {answer.status} {answer.location}, expected login")
                if answer.changed:
                    problems.append(f"anonymous {method} {path} changed {answer.changed}")

        # Strangers.
        for persona in url.strangers():
            for method in ("GET", "POST"):
                answer = send(persona, method)
                expected = url.refused_with
                if method == "GET" and url.readable_by_strangers:
                    expected = 200
                if answer.status != expected and not (answer.status == 405 and method not in takes):
                    problems.append(f"{persona} {method} {path}: {answer.status}, expected {expected}")
                if answer.changed:
                    problems.append(f"{persona} {method} {path} (refused) changed {answer.changed}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(URLS))
def test_a_post_without_a_csrf_token_is_refused(name: str, world: World, clients: dict[str, Client]) -> None:
    url = URLS[name]
    with time_machine.travel(NOW, tick=False):
        path = url.path(name, world)
        data = post_data(name, world, clients)
        before = fingerprint()
        client = Client(enforce_csrf_checks=True)
        if url.who != "anonymous":
            client.force_login(world.people[url.who])
        answer = ask(client, "POST", path, data, before)
    assert not answer.error, answer.error
    if name in CSRF_EXEMPT:
        assert answer.status == 200, f"{name} is exempt from CSRF and should work without a token: {answer.status}"
        return
    assert answer.status == 403, f"POST {path} without a CSRF token: {answer.status}"
    assert not answer.changed, f"POST {path} without a CSRF token changed {answer.changed}"
