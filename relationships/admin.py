from django.contrib import admin

from relationships.models import (
    Activity,
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = ["mentee", "mentor", "program", "kind", "status", "started_on", "ended_on"]
    list_filter = ["kind", "status", "program"]
    search_fields = ["mentee__email", "mentee__full_name", "mentor__email", "mentor__full_name", "program__name"]
    list_select_related = ["mentee", "mentor", "program"]
    raw_id_fields = ["program", "mentee", "mentor", "ended_by"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "relationship", "category", "status", "progress", "target_date"]
    list_filter = ["category", "status"]
    search_fields = ["title", "relationship__mentee__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "goal", "due_on", "done_at"]
    search_fields = ["title", "goal__title"]
    raw_id_fields = ["goal"]


@admin.register(GoalComment)
class GoalCommentAdmin(admin.ModelAdmin):
    list_display = ["goal", "author", "created_at"]
    search_fields = ["goal__title", "author__email"]
    raw_id_fields = ["goal", "author"]


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["relationship", "version", "cadence", "mentee_accepted_at", "mentor_accepted_at"]
    list_filter = ["cadence"]
    search_fields = ["relationship__mentee__email", "relationship__mentor__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship", "drafted_by"]


@admin.register(AdvocacyAction)
class AdvocacyActionAdmin(admin.ModelAdmin):
    list_display = ["relationship", "kind", "happened_on", "status", "outcome"]
    list_filter = ["kind", "status", "outcome"]
    search_fields = ["relationship__mentee__email", "relationship__mentor__email"]
    list_select_related = ["relationship__mentee", "relationship__mentor"]
    raw_id_fields = ["relationship", "created_by"]


@admin.register(PrivateNote)
class PrivateNoteAdmin(admin.ModelAdmin):
    """Listed for completeness (operators only); the contents stay hidden even from them."""

    list_display = ["pk", "relationship", "author", "created_at"]
    search_fields = ["author__email"]
    raw_id_fields = ["relationship", "author"]
    exclude = ["body"]


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["relationship", "author", "rating", "created_at"]
    list_filter = ["rating"]
    search_fields = ["author__email"]
    raw_id_fields = ["relationship", "author"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["created_at", "relationship", "actor", "summary"]
    search_fields = ["summary"]
    raw_id_fields = ["relationship", "actor"]
