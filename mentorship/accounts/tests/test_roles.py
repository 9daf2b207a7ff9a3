from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, ensure_program_admin_group

pytestmark = pytest.mark.django_db


def test_program_admin_group_carries_permissions() -> None:
    group = ensure_program_admin_group()
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_profile", "change_profile", "view_user"} <= codenames
    assert Group.objects.filter(name=PROGRAM_ADMIN_GROUP).count() == 1


def test_program_admin_flag(program_admin, member) -> None:
    assert program_admin.is_program_admin
    assert program_admin.is_staff
    assert not member.is_program_admin


def test_navigation_shows_admin_link_to_program_admins_only(client, program_admin, member) -> None:
    client.force_login(program_admin)
    assert "Django admin" in client.get("/").content.decode()
    client.force_login(member)
    assert "Django admin" not in client.get("/").content.decode()
