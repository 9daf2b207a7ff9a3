"""Every page each persona can reach, checked by axe-core at WCAG 2.2 AA: no violation anywhere.

The pages are not listed here: they are the GET pages of the URL inventory (tests/access/inventory.py) that a
persona may open, in the sweep's organisation (tests/sweep/world.py). A page added to the inventory is checked
here too. Downloads, JSON answers and feeds are left out (they are not HTML), and so are URLs that only take a
POST. Each persona has one browser context, signed in once by handing it a session cookie.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser, Page

from relationships.tests.conftest import FAST_HASHERS
from tests.access.inventory import URLS, Audience
from tests.browser.conftest import WCAG_22_AA, signed_in_context
from tests.sweep.world import NOW, World, build_world, reset_sequences

pytestmark = pytest.mark.browser

# The people whose pages are checked: the main pair (the mentor is also a sponsor), the program administrator and
# the operator see the pages every signed-in person has; the others only the pages that are theirs alone.
MAIN = ("mentee", "mentor", "admin", "operator")
# Pages that must be among those checked, lest a change of the inventory or the organisation drop them unseen.
MUST_CHECK = {
    "insights:dashboard", "insights:pair", "insights:at_risk", "matching:relationships", "matching:review",
    "programs:manage", "programs:roster", "relationships:detail", "relationships:agreement_edit",
    "meetings:schedule", "meetings:detail", "privacy:queue", "audit:log", "account_login", "home",
}  # fmt: skip
ANONYMOUS_PAGES = ("account_login", "account_signup", "account_reset_password")


@pytest.fixture
def world(transactional_db: None, settings: Any) -> Iterator[World]:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    # The clock starts at the organisation's date and runs on, so pages and the browser agree on what is due.
    with time_machine.travel(NOW - datetime.timedelta(hours=1), tick=True):
        yield build_world()
    reset_sequences()


def pages_of(persona: str, world: World) -> list[tuple[str, str]]:
    """The HTML pages ``persona`` may open: asked of Django first, so downloads and POST-only URLs stay out."""
    names = [
        name
        for name, url in URLS.items()
        if persona == url.who
        or persona in url.allowed
        or (persona in MAIN and url.audience == Audience.SIGNED_IN)
        or (persona == "admin" and url.audience == Audience.ADMINS)
    ]
    client = Client()
    if persona != "anonymous":
        client.force_login(world.people[persona])
    paths = [(name, URLS[name].path(name, world)) for name in names]
    if persona == "anonymous":
        paths += [(name, reverse(name)) for name in ANONYMOUS_PAGES]
    found = []
    for name, path in paths:
        response = client.get(path)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            found.append((name, path))
    return found


def _ready(page: Page) -> None:
    """Charts drawn where the page has them, so axe reads the page people see."""
    page.wait_for_load_state("load")
    if page.locator("canvas[data-chart]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('canvas[data-chart]')]"
            ".every(c => window.Chart && window.Chart.getChart(c) && c.width > 0)"
        )


def test_every_page_passes_axe_for_every_persona(browser: Browser, live_server: Any, world: World) -> None:
    axe = Axe()
    personas = ["anonymous", *MAIN]
    personas += sorted({url.who for url in URLS.values()} - {*personas})
    problems: list[str] = []
    checked: set[str] = set()
    for persona in personas:
        paths = pages_of(persona, world)
        context = signed_in_context(browser, live_server.url, world.people.get(persona))
        page = context.new_page()
        for name, path in paths:
            page.goto(path)
            _ready(page)
            results = axe.run(
                page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
            )
            checked.add(name)
            for violation in results.response["violations"]:
                targets = [node["target"] for node in violation["nodes"]][:5]
                problems.append(f"{persona} {path}: {violation['id']} ({violation['impact']}) {targets}")
        context.close()
    assert not MUST_CHECK - checked, f"pages left out: {MUST_CHECK - checked}"
    assert len(checked) > 50, f"only {len(checked)} pages were checked"
    assert not problems, f"{len(problems)} violations:\n" + "\n".join(problems)
