"""The Django admin is for operators: active superusers, signed in through allauth with its MFA and rate limits."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, ensure_program_admin_group, grant_program_admin
from mentorship.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture
def operator(make_user: Any) -> User:
    return make_user(email="ops@example.com", full_name="Olga Operator", is_superuser=True, is_staff=True)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_admin_login_sends_people_to_allauth_with_where_they_were_going(client: Client) -> None:
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    onward = client.get(response.url)
    assert onward.status_code == 302
    assert onward.url == f"{LOGIN}?next={quote('/admin/accounts/user/', safe='')}"
    assert client.get("/admin/login/").url == f"{LOGIN}?next={quote('/admin/', safe='')}"


@pytest.mark.parametrize("wanted", ["https://evil.example.net/admin/", "//evil.example.net/", "/programs/"])
def test_admin_login_never_forwards_outside_the_admin(client: Client, wanted: str) -> None:
    response = client.get("/admin/login/", {"next": wanted})
    assert response.url == f"{LOGIN}?next={quote('/admin/', safe='')}"


def test_the_admin_login_form_accepts_no_password(client: Client, operator: User) -> None:
    page = client.get("/admin/login/", follow=True)
    assert 'name="password"' in page.content.decode()  # allauth's form, not the admin's
    assert page.redirect_chain[-1][0].startswith(LOGIN)
    response = client.post("/admin/login/", {"username": operator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not signed_in(client)
    for _attempt in range(30):
        client.post("/admin/login/", {"username": operator.email, "password": "wrong"})
    assert not signed_in(client)


def test_operator_with_totp_needs_the_code_before_the_admin_opens(client: Client, operator: User) -> None:
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)
    response = client.post(LOGIN + "?next=/admin/", {"login": operator.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302  # still on the way to sign in
    code = format_hotp_value(hotp_value(secret, next(counters())))
    done = client.post(reverse("mfa_authenticate"), {"code": code})
    assert done.status_code == 302
    assert done.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_failed_sign_ins_on_the_way_to_the_admin_are_rate_limited(client: Client, operator: User) -> None:
    for _attempt in range(5):
        client.post(LOGIN + "?next=/admin/", {"login": operator.email, "password": "wrong-password"})
    locked = client.post(LOGIN + "?next=/admin/", {"login": operator.email, "password": PASSWORD})
    assert not signed_in(client)
    assert "Too many failed login attempts" in locked.content.decode()


@pytest.mark.parametrize("who", ["program_admin", "member", "legacy_staff"])
def test_the_admin_does_not_exist_for_anyone_but_operators(client: Client, who: str, request: Any) -> None:
    if who == "legacy_staff":
        user = request.getfixturevalue("make_user")(email="staff@example.com", is_staff=True)
    else:
        user = request.getfixturevalue(who)
    client.force_login(user)
    for url in ["/admin/", "/admin/login/", "/admin/accounts/user/", "/admin/accounts/profile/1/change/"]:
        assert client.get(url).status_code == 404, url
    assert client.post("/admin/accounts/profile/add/", {}).status_code == 404


def test_operators_use_the_admin_and_change_their_password_through_allauth(client: Client, operator: User) -> None:
    client.force_login(operator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").url == "/admin/"
    assert client.get("/admin/password_change/").url == reverse("account_change_password")


def test_an_inactive_superuser_is_turned_away(client: Client, operator: User) -> None:
    client.force_login(operator)
    User.objects.filter(pk=operator.pk).update(is_active=False)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert client.get(response.url).url.startswith(LOGIN)


# -- the program administrator role ------------------------------------------------------------------------


def test_program_administrators_are_not_staff_and_the_role_grants_no_admin_permission(program_admin: User) -> None:
    program_admin.refresh_from_db()
    assert program_admin.is_program_admin
    assert not program_admin.is_staff
    assert not Group.objects.get(name=PROGRAM_ADMIN_GROUP).permissions.exists()


def test_migrate_takes_the_old_staff_flag_and_permissions_away(make_user: Any, operator: User) -> None:
    old_hr = make_user(email="old-hr@example.com", is_staff=True)
    grant_program_admin(old_hr)
    grant_program_admin(operator)
    group = Group.objects.get(name=PROGRAM_ADMIN_GROUP)
    group.permissions.add(*Permission.objects.filter(codename__in=["change_profile", "view_user"]))
    ensure_program_admin_group()  # what post_migrate runs
    old_hr.refresh_from_db()
    operator.refresh_from_db()
    assert not old_hr.is_staff
    assert operator.is_staff and operator.is_superuser
    assert not group.permissions.exists()


def test_operators_grant_and_revoke_the_role_from_the_command_line(member: User, outsider: User, capsys: Any) -> None:
    call_command("program_admins", "grant", member.email, outsider.email.upper())
    assert {u.email for u in User.objects.filter(groups__name=PROGRAM_ADMIN_GROUP)} == {member.email, outsider.email}
    call_command("program_admins", "revoke", outsider.email)
    call_command("program_admins", "list")
    assert capsys.readouterr().out.strip().splitlines()[-1] == member.email
    with pytest.raises(CommandError, match=r"nobody@example\.com"):
        call_command("program_admins", "grant", "nobody@example.com", member.email)
    assert not User.objects.get(pk=member.pk).is_staff


def test_operators_grant_the_role_in_the_admin(client: Client, operator: User, member: User) -> None:
    client.force_login(operator)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "grant_program_admin_role", "_selected_action": [member.pk]},
        follow=True,
    )
    assert "1 person can now run programs." in response.content.decode()
    member = User.objects.get(pk=member.pk)
    assert member.is_program_admin and not member.is_staff
