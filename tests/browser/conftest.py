from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture
def assert_accessible() -> Any:
    """Run axe-core in the page and fail with the rule ids and targets of any WCAG 2.2 AA violation."""
    axe = Axe()

    def check(page: Any) -> None:
        results = axe.run(
            page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
        )
        violations = results.response["violations"]
        details = [f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']][:5]}" for v in violations]
        assert not violations, f"{page.url}: " + "; ".join(details)

    return check


@pytest.fixture
def login(live_server: Any) -> Any:
    from mentorship.accounts.tests.factories import PASSWORD

    def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()

    return sign_in


def signed_in_context(browser: Any, base_url: str, user: Any | None, **options: Any) -> Any:
    """A browser context already signed in as ``user`` (None: anonymous): the session cookie of a forced login,
    so a test that visits many pages does not go through the login form for each person."""
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(base_url=base_url, **options)
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])
    return context
