from django.contrib import admin

from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingFeedback,
    MeetingPrivateNote,
    MeetingSeries,
)


@admin.register(MeetingSeries)
class MeetingSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "relationship", "first_date", "start_time", "zone", "rrule", "sequence", "ended_at"]
    search_fields = ["title", "relationship__mentee__email", "relationship__mentor__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship", "organiser"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "relationship", "start", "zone", "status", "is_override", "sequence"]
    list_filter = ["status", "is_override", "provider"]
    search_fields = ["title", "relationship__mentee__email", "relationship__mentor__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship", "series"]
    date_hierarchy = "start"


@admin.register(AgendaItem)
class AgendaItemAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "author", "needs_extra_time", "position"]
    search_fields = ["text"]
    raw_id_fields = ["meeting", "author"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["description", "owner", "due_on", "status", "relationship"]
    list_filter = ["status"]
    search_fields = ["description", "owner__email"]
    list_select_related = ["owner", "relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship", "meeting", "owner", "created_by"]


@admin.register(MeetingFeedback)
class MeetingFeedbackAdmin(admin.ModelAdmin):
    list_display = ["meeting", "author", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["author__email"]
    raw_id_fields = ["meeting", "author"]


@admin.register(MeetingPrivateNote)
class MeetingPrivateNoteAdmin(admin.ModelAdmin):
    list_display = ["pk", "meeting", "author", "updated_at"]
    search_fields = ["author__email"]
    raw_id_fields = ["meeting", "author"]
    exclude = ["body"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["token_hash"]
    raw_id_fields = ["user"]
