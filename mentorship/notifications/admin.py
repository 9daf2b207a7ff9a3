from typing import Any

from django.contrib import admin
from django.utils.text import Truncator

from mentorship.notifications.models import AuditEvent, Heartbeat, Notice, NotificationSettings, OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "next_attempt_at", "sent_at", "why"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    date_hierarchy = "created_at"

    @admin.display(description="Reason / last error")
    def why(self, email: OutboundEmail) -> str:
        # Why a row failed, waits or was missed, short enough for the list; the full text is on the row's page.
        return Truncator(email.last_error).chars(120)


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["name", "at"]
    readonly_fields = ["name", "at"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "title", "read_at"]
    list_filter = ["kind"]
    search_fields = ["key", "title", "user__email"]
    raw_id_fields = ["user"]
    readonly_fields = ["key", "created_at"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "updated_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The log is append-only: nobody edits or deletes an entry from here."""

    list_display = ["at", "action", "outcome", "actor_email", "subject", "ip", "object_type", "object_id"]
    list_filter = ["action", "outcome"]
    search_fields = ["actor_email", "summary", "object_id"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
