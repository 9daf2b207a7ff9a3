from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
def test_pages_carry_security_headers(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_static_assets_are_served_locally(client: Client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in page
    assert "cdn" not in page.lower()


@pytest.mark.django_db
def test_healthcheck(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
