from django.contrib import admin
from django.http import HttpRequest

from insights.models import HRAction


@admin.register(HRAction)
class HRActionAdmin(admin.ModelAdmin):
    """The record of what the program team did: read-only, so it stays a faithful account."""

    list_display = ["created_at", "kind", "relationship", "actor"]
    list_filter = ["kind"]
    search_fields = ["relationship__mentee__email", "relationship__mentor__email", "actor__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HRAction | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HRAction | None = None) -> bool:
        return False
