"""The Celery application. Workers: `celery -A mentorship worker`; exactly one `celery -A mentorship beat`."""

import os
from pathlib import Path

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentorship.settings")

app = Celery("mentorship")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic scans are declared here, in code, so that every deployment runs the same schedule.
# The scan interval can be shortened by NOTIFICATIONS_SCAN_SECONDS (the integration test does); keys make a
# scan that runs twice, or late, harmless.
_SCAN_SECONDS = float(os.environ.get("NOTIFICATIONS_SCAN_SECONDS", "300"))
# Every 30 seconds: a crashed worker's emails are back in the queue once their one-minute lease runs out, and the
# next flush sends them, so none waits more than two minutes for it (see notifications/outbox.py).
_FLUSH_SECONDS = float(os.environ.get("NOTIFICATIONS_FLUSH_SECONDS", "30"))
app.conf.beat_schedule = {
    "flush-outbox": {"task": "notifications.flush_outbox", "schedule": _FLUSH_SECONDS},
    "extend-meeting-horizon": {"task": "meetings.extend_horizon", "schedule": 6 * 3600.0},
    "scan-meeting-reminders": {"task": "meetings.scan_reminders", "schedule": _SCAN_SECONDS},
    "scan-stalled-relationships": {"task": "meetings.scan_stalled", "schedule": 3600.0},
    "scan-relationship-reminders": {"task": "relationships.scan_reminders", "schedule": 3600.0},
    "scan-proposal-reminders": {"task": "matching.scan_reminders", "schedule": 3600.0},
    # Issue 12: a proposal nobody answers lapses at its deadline and the mentee is offered the next-best mentor.
    "expire-match-proposals": {"task": "matching.expire_proposals", "schedule": _SCAN_SECONDS},
    # Issue 12: single-use form tokens are only needed while a second click could still arrive.
    "prune-form-submissions": {"task": "accounts.prune_submissions", "schedule": crontab(minute=30, hour=3)},
    # Hourly, because "8 in the morning" arrives at a different hour in each person's zone.
    "send-daily-digests": {"task": "notifications.send_digests", "schedule": crontab(minute=5)},
    "weekly-admin-digest": {"task": "insights.admin_digests", "schedule": crontab(minute=0, hour=7, day_of_week=1)},
    # Proof of life for `manage.py outbox_health`; a heartbeat that waited in the queue past the next is stale.
    "beat-heartbeat": {"task": "notifications.beat_heartbeat", "schedule": 60.0, "options": {"expires": 55}},
    # Long administrator actions (imports, big matching runs) that the broker lost or whose worker died.
    "resume-jobs": {"task": "programs.resume_jobs", "schedule": 120.0},
    # Insights: the health figures HR pages read (pages refresh figures older than 30 minutes themselves).
    "refresh-insights-figures": {"task": "insights.refresh_figures", "schedule": 600.0},
}


@app.on_after_configure.connect
def _prepare_embedded_broker(sender: Celery, **kwargs: object) -> None:
    # The filesystem transport expects its folders to exist before the first message.
    options = sender.conf.broker_transport_options or {}
    if str(sender.conf.broker_url).startswith("filesystem"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if options.get(key):
                Path(options[key]).mkdir(parents=True, exist_ok=True)
