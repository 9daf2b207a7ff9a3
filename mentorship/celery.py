"""The Celery application. Workers: `celery -A mentorship worker`; exactly one `celery -A mentorship beat`."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic scans are declared here, in code, so that every deployment runs the same schedule.
app.conf.beat_schedule = {
    "flush-outbox": {"task": "notifications.flush_outbox", "schedule": 60.0},
    "extend-meeting-horizon": {"task": "meetings.extend_horizon", "schedule": 6 * 3600.0},
}


@app.on_after_configure.connect
def _prepare_embedded_broker(sender: Celery, **kwargs: object) -> None:
    # The filesystem transport expects its folders to exist before the first message.
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url).startswith("filesystem"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
