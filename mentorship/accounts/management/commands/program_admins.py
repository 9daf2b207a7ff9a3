"""Operators give or take the program administrator role from the command line, or list who has it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from mentorship.accounts.models import User
from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, grant_program_admin, revoke_program_admin


class Command(BaseCommand):
    help = "Give (grant) or take away (revoke) the program administrator role, or list who has it."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["grant", "revoke", "list"])
        parser.add_argument("emails", nargs="*", help="addresses of existing accounts")

    def handle(self, *args: Any, action: str, emails: list[str], **options: Any) -> None:
        if action == "list":
            for user in User.objects.filter(groups__name=PROGRAM_ADMIN_GROUP).order_by("email"):
                self.stdout.write(user.email)
            return
        if not emails:
            raise CommandError("Name at least one account by its email address.")
        users = {user.email: user for user in User.objects.filter(email__in=[e.strip().lower() for e in emails])}
        missing = [email for email in emails if email.strip().lower() not in users]
        if missing:
            raise CommandError(f"No account with these addresses: {', '.join(missing)}. Nothing was changed.")
        for user in users.values():
            (grant_program_admin if action == "grant" else revoke_program_admin)(user)
            done = "can now run programs" if action == "grant" else "no longer runs programs"
            self.stdout.write(f"{user.email} {done}.")
