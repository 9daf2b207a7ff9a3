"""Queued emails name their context and attachment providers by short stable keys instead of dotted paths.

Rows written before this change carry the old paths; they are rewritten here, so mail queued before an upgrade
still goes out. Sent, failed and skipped rows keep what they had: nothing reads them for sending any more.
"""

from django.db import migrations

OLD_TO_KEY = {
    "meetings.reminders.meeting_reminder_context": "meeting_reminder",
    "meetings.reminders.meeting_prepare_context": "meeting_prepare",
    "meetings.reminders.meeting_followup_context": "meeting_followup",
    "meetings.reminders.action_item_context": "action_item",
    "meetings.reminders.meeting_ics_for": "meeting_ics",
    "relationships.reminders.agreement_pending_context": "agreement_pending",
    "programs.tasks.proposal_reminder_context": "proposal_reminder",
}
WAITING = ("pending", "sending")


def _rewrite(apps, mapping: dict[str, str]) -> None:
    OutboundEmail = apps.get_model("notifications", "OutboundEmail")
    for old, new in mapping.items():
        OutboundEmail.objects.filter(status__in=WAITING, context_provider=old).update(context_provider=new)
    # Attachment providers sit inside a JSON list; only rows that have any are read.
    rows = OutboundEmail.objects.filter(status__in=WAITING).exclude(attachments=[]).only("pk", "attachments")
    for row in rows.iterator(chunk_size=2000):
        changed = False
        for attachment in row.attachments or []:
            provider = attachment.get("provider") if isinstance(attachment, dict) else None
            if provider in mapping:
                attachment["provider"] = mapping[provider]
                changed = True
        if changed:
            OutboundEmail.objects.filter(pk=row.pk).update(attachments=row.attachments)


def forwards(apps, schema_editor) -> None:
    _rewrite(apps, OLD_TO_KEY)


def backwards(apps, schema_editor) -> None:
    _rewrite(apps, {key: old for old, key in OLD_TO_KEY.items()})


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_outbox_fewer_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
