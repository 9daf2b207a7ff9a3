"""Fill the database with a small demo organisation. Safe to run again: it updates, never duplicates."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from mentorship.accounts.demo import DEMO_PASSWORD, seed_people


class Command(BaseCommand):
    help = "Create demo people (HR admin, mentors, sponsors, mentees) and print their logins."

    def handle(self, *args: Any, **options: Any) -> None:
        seeded = seed_people()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Every demo account uses the password: {DEMO_PASSWORD}"))
        for person, user in seeded:
            self.stdout.write(f"  {person.role:<18} {user.email:<34} {person.name}")
