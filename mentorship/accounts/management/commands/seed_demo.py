"""Fill the database with a small demo organisation. Safe to run again: it updates, never duplicates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from mentorship.accounts.demo import DEMO_PASSWORD, seed_people


class Command(BaseCommand):
    help = "Create demo people, programs and relationships, and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        seeded = seed_people()
        # Each app adds its part of the demo through settings.DEMO_SEEDERS, in the order data flows.
        for dotted in settings.DEMO_SEEDERS:
            for line in import_string(dotted)():
                self.stdout.write(f"  + {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account uses the password: {DEMO_PASSWORD}"))
        for person, user in seeded:
            self.stdout.write(f"  {person.role:<18} {user.email:<34} {person.name}")
