from django.contrib import admin

from mentorship.notifications.models import OutboundEmail


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "subject", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "key"]
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    date_hierarchy = "created_at"
