"""Administrators set up two-factor sign-in before any management page answers (when the setting is on)."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from django.test import Client, RequestFactory
from django.urls import reverse

from mentorship.accounts.mfa import has_second_factor, is_management_path

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _required(settings: Any) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = True


def _totp(user: Any) -> None:
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "unused-in-this-test"})


@pytest.mark.parametrize(
    ("path", "managed"),
    [
        ("/admin/", True),
        ("/programs/manage/", True),
        ("/programs/some-program/manage/roster/", True),
        ("/manage/audit/", True),
        ("/programs/", False),
        ("/relationships/3/", False),
        ("/profile/", False),
    ],
)
def test_which_pages_are_management_pages(path: str, managed: bool) -> None:
    assert is_management_path(path) is managed


def test_a_program_administrator_without_an_authenticator_is_sent_to_set_one_up(
    client: Client, program_admin: Any
) -> None:
    client.force_login(program_admin)
    response = client.get(reverse("programs:manage_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    assert "next=%2Fprograms%2Fmanage%2F" in response.url
    # Their own pages as a participant still answer.
    assert client.get(reverse("programs:list")).status_code == 200


def test_with_an_authenticator_the_management_pages_answer(client: Client, program_admin: Any) -> None:
    _totp(program_admin)
    client.force_login(program_admin)
    assert client.get(reverse("programs:manage_list")).status_code == 200


def test_operators_need_it_for_the_django_admin_and_their_pages(client: Client, make_user: Any) -> None:
    root = make_user(email="root@example.com", is_superuser=True, is_staff=True)
    client.force_login(root)
    for url in ("/admin/", reverse("audit:log")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("mfa_activate_totp"))


def test_participants_are_never_asked(client: Client, member: Any) -> None:
    client.force_login(member)
    assert client.get(reverse("programs:manage_list")).status_code == 404


def test_a_single_sign_on_session_counts_as_the_second_factor(program_admin: Any) -> None:
    request = RequestFactory().get("/programs/manage/")
    request.user = program_admin
    request.session = Client().session
    assert not has_second_factor(request, program_admin)
    record_authentication(request, program_admin, method="socialaccount", provider="sso", uid="x")
    assert has_second_factor(request, program_admin)


def test_the_setting_off_leaves_pages_alone(client: Client, program_admin: Any, settings: Any) -> None:
    settings.MFA_REQUIRED_FOR_ADMINS = False
    client.force_login(program_admin)
    assert client.get(reverse("programs:manage_list")).status_code == 200
