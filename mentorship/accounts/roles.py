"""The program administrator role: a group whose members run programs (HR) in the app.

Program administrators are not staff. The Django admin is for operators (active superusers) only, so the
group carries no model permissions: everything a program administrator does goes through the app's pages,
which scope every read and write to the programs they administer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group
from django.db import transaction

if TYPE_CHECKING:
    from mentorship.accounts.models import User

PROGRAM_ADMIN_GROUP = "Program administrators"


def user_is_program_admin(user: User) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_program_admin", None)
    if cached is None:
        cached = user.groups.filter(name=PROGRAM_ADMIN_GROUP).exists()
        user._is_program_admin = cached
    return cached


@transaction.atomic
def ensure_program_admin_group() -> Group:
    """The group exists, grants nothing in the Django admin, and none of its members is staff for its sake.

    Runs after every migrate, so an instance from before the admin became operators-only is tidied up too:
    members who are not superusers lose the staff flag the role used to set.
    """
    group, _created = Group.objects.get_or_create(name=PROGRAM_ADMIN_GROUP)
    group.permissions.clear()
    group.user_set.filter(is_staff=True, is_superuser=False).update(is_staff=False)
    return group


def grant_program_admin(user: User) -> None:
    user.groups.add(ensure_program_admin_group())
    user._is_program_admin = True


def revoke_program_admin(user: User) -> None:
    user.groups.remove(ensure_program_admin_group())
    user._is_program_admin = False
