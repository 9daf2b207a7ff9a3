"""Print the health of background work as one JSON object; exit 1 when there is a problem, for a monitor."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.core.management.base import BaseCommand

from mentorship.notifications import health


class Command(BaseCommand):
    help = (
        "Report the outbox (pending, sending with the oldest claim, failed and missed in the last day) and beat's "
        "heartbeat as JSON. Exits 1 when something needs an operator."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--max-wait",
            type=int,
            default=int(health.WAIT_TOO_LONG_AFTER.total_seconds()),
            help="seconds an email may be due without leaving (default %(default)s)",
        )
        parser.add_argument(
            "--max-claim-age",
            type=int,
            default=int(health.CLAIM_STALE_AFTER.total_seconds()),
            help="seconds a claim may go unrenewed (default %(default)s, twice the lease)",
        )
        parser.add_argument(
            "--max-beat-age",
            type=int,
            default=int(health.BEAT_STALE_AFTER.total_seconds()),
            help="seconds since beat's last heartbeat (default %(default)s)",
        )
        parser.add_argument(
            "--max-failed", type=int, default=None, help="failed emails allowed in the last day (default: any)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = health.health_report(
            max_wait=datetime.timedelta(seconds=options["max_wait"]),
            max_claim_age=datetime.timedelta(seconds=options["max_claim_age"]),
            max_beat_age=datetime.timedelta(seconds=options["max_beat_age"]),
            max_failed=options["max_failed"],
        )
        self.stdout.write(json.dumps(report.as_dict()))
        if not report.healthy:
            raise SystemExit(1)
