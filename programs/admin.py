from django.contrib import admin

from programs.models import ApplicationQuestion, Enrollment, Invitation, Job, Program


class QuestionInline(admin.TabularInline):
    model = ApplicationQuestion
    extra = 0


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "status", "access", "matching_mode", "starts_on", "ends_on"]
    list_filter = ["kind", "status", "access", "matching_mode"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["administrators"]
    inlines = [QuestionInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ["user", "program", "role", "status", "capacity", "created_at"]
    list_filter = ["role", "status", "program"]
    search_fields = ["user__email", "user__full_name", "program__name"]
    list_select_related = ["user", "program"]
    autocomplete_fields = ["user", "growth_areas", "offers"]
    raw_id_fields = ["program", "decided_by", "invited_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "program", "role", "is_external", "created_at", "accepted_at"]
    list_filter = ["role", "is_external", "program"]
    search_fields = ["email", "full_name", "program__name"]
    list_select_related = ["program"]
    readonly_fields = ["token_hash", "enrollment", "invited_by"]


@admin.register(ApplicationQuestion)
class ApplicationQuestionAdmin(admin.ModelAdmin):
    list_display = ["prompt", "program", "kind", "required", "position"]
    list_filter = ["kind", "required"]
    search_fields = ["prompt", "program__name"]
    list_select_related = ["program"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Long administrator actions, for operators following up a failure; the workers write them, nobody edits."""

    list_display = ["created_at", "kind", "program", "owner", "status", "progress", "total", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["program__name", "owner__email", "error"]
    list_select_related = ["program", "owner"]
    exclude = ["payload"]
    readonly_fields = [f.name for f in Job._meta.fields if f.name != "payload"]

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False
