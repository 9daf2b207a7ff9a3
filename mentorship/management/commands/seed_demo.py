"""Fill the database with a small demo organisation. Safe to run again: it updates, never duplicates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorship.demo import DEMO_PASSWORD, seed_everything


class Command(BaseCommand):
    help = "Create demo people, programs and relationships, and print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        seeded, lines = seed_everything()
        for line in lines:
            self.stdout.write(f"  + {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account uses the password: {DEMO_PASSWORD}"))
        for person, user in seeded:
            self.stdout.write(f"  {person.role:<18} {user.email:<34} {person.name}")
