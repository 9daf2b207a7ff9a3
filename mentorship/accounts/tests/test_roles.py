from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, ensure_program_admin_group

pytestmark = pytest.mark.django_db


def test_program_admin_group_grants_nothing_in_the_django_admin() -> None:
    group = ensure_program_admin_group()
    assert not group.permissions.exists()
    assert Group.objects.filter(name=PROGRAM_ADMIN_GROUP).count() == 1


def test_program_admin_flag(program_admin, member) -> None:
    assert program_admin.is_program_admin
    assert not program_admin.is_staff
    assert not member.is_program_admin


def test_navigation_shows_admin_link_to_operators_only(client, make_user, program_admin, member) -> None:
    client.force_login(make_user(email="ops@example.com", is_superuser=True, is_staff=True))
    assert "Django admin" in client.get("/").content.decode()
    for person in (program_admin, member):
        client.force_login(person)
        assert "Django admin" not in client.get("/").content.decode()
