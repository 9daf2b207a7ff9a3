from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mentorship.accounts.models import DeletionRequest, FormSubmission, Profile, Skill, User, WorkingHours
from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP, grant_program_admin, revoke_program_admin


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["manager", "skills_offered", "growth_areas"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "full_name",
        "department",
        "is_active",
        "program_administrator",
        "is_superuser",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_active", "is_superuser", "groups", "profile__is_external"]
    search_fields = ["email", "full_name", "profile__department", "profile__job_title"]
    list_select_related = ["profile"]
    inlines = [ProfileInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name",)}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)

    actions = ["grant_program_admin_role", "revoke_program_admin_role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        in_group = User.groups.through.objects.filter(user=OuterRef("pk"), group__name=PROGRAM_ADMIN_GROUP)
        return super().get_queryset(request).annotate(runs_programs=Exists(in_group))

    @admin.display(description=_("program administrator"), boolean=True, ordering="runs_programs")
    def program_administrator(self, obj: User) -> bool:
        return obj.runs_programs

    @admin.action(description=_("Give the program administrator role"))
    def grant_program_admin_role(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            grant_program_admin(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(n)d person can now run programs.", "%(n)d people can now run programs.", count) % {"n": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Remove the program administrator role"))
    def revoke_program_admin_role(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            revoke_program_admin(user)
        count = len(queryset)
        self.message_user(
            request,
            ngettext("%(n)d person no longer runs programs.", "%(n)d people no longer run programs.", count)
            % {"n": count},
            messages.SUCCESS,
        )

    @admin.display(description=_("department"), ordering="profile__department")
    def department(self, obj: User) -> str:
        profile = getattr(obj, "profile", None)
        return profile.department if profile else ""


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "job_title", "department", "seniority", "time_zone", "is_external", "completed_at"]
    list_filter = ["seniority", "is_external", "open_to_outside_mentors"]
    search_fields = ["user__email", "user__full_name", "department", "job_title", "location"]
    list_select_related = ["user"]
    autocomplete_fields = ["user", "manager", "skills_offered", "growth_areas"]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "vetted"]
    list_filter = ["vetted"]
    search_fields = ["name", "key"]


@admin.register(DeletionRequest)
class DeletionRequestAdmin(admin.ModelAdmin):
    """Read here; operators confirm requests on the in-app page, which erases across every app."""

    list_display = ["user", "status", "requested_at", "decided_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = ["user", "status", "requested_at", "decided_at", "decided_by"]

    def has_add_permission(self, request: Any) -> bool:
        return False


# Issue 12: single-use form tokens, read-only; they are pruned after a day.
@admin.register(FormSubmission)
class FormSubmissionAdmin(admin.ModelAdmin):
    list_display = ["user", "token", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "token", "created_at"]


# Weekly availability: operators may look it up when someone reports odd proposals; people edit it themselves.
@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    list_display = ["user", "weekday", "start_minute", "end_minute"]
    search_fields = ["user__email"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
