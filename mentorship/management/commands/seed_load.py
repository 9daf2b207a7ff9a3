"""The demo data scaled up for the load test (`make load`): the demo, then thousands of people."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mentorship.demo import seed_everything
from mentorship.scaled_demo import seed_scaled


class Command(BaseCommand):
    help = "Load the demo data, then add --people people and --relationships running relationships."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=2000)
        parser.add_argument("--relationships", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        seed_everything()
        written = seed_scaled(people=options["people"], relationships=options["relationships"])
        self.stdout.write(json.dumps(written))
