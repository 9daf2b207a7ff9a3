from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.models import FormSubmission, Profile, Skill, User


class ProfileInline(admin.StackedInline):
    model = Profile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["manager", "skills_offered", "growth_areas"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "department", "is_active", "is_staff", "date_joined", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups", "profile__is_external"]
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


# Issue 12: single-use form tokens, read-only; they are pruned after a day.
@admin.register(FormSubmission)
class FormSubmissionAdmin(admin.ModelAdmin):
    list_display = ["user", "token", "created_at"]
    search_fields = ["user__email"]
    readonly_fields = ["user", "token", "created_at"]
