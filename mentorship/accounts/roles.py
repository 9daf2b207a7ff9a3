"""The program administrator role: a group whose members run programs (HR)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Group, Permission

if TYPE_CHECKING:
    from mentorship.accounts.models import User

PROGRAM_ADMIN_GROUP = "Program administrators"

# Model permissions the role carries, as "app_label.codename". Apps that arrive later add theirs here;
# a missing permission (an app not migrated yet) is skipped and picked up on the next migrate.
PROGRAM_ADMIN_PERMISSIONS = [
    "accounts.view_user",
    "accounts.view_profile",
    "accounts.change_profile",
    "accounts.view_skill",
    "accounts.add_skill",
    "accounts.change_skill",
    "programs.add_program",
    "programs.change_program",
    "programs.view_program",
    "programs.view_enrollment",
    "programs.change_enrollment",
    "programs.view_invitation",
    "programs.add_applicationquestion",
    "programs.change_applicationquestion",
    "programs.delete_applicationquestion",
    "programs.view_applicationquestion",
]


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


def ensure_program_admin_group() -> Group:
    group, _created = Group.objects.get_or_create(name=PROGRAM_ADMIN_GROUP)
    wanted = []
    for dotted in PROGRAM_ADMIN_PERMISSIONS:
        app_label, codename = dotted.split(".")
        wanted.extend(Permission.objects.filter(content_type__app_label=app_label, codename=codename))
    group.permissions.add(*wanted)
    return group


def grant_program_admin(user: User) -> None:
    group = ensure_program_admin_group()
    user.groups.add(group)
    # Program administrators use the Django admin for bulk fixes; every page they need is in the app too.
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user._is_program_admin = True
