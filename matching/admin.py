from django.contrib import admin

from matching.models import MatchProposal, PairRule


@admin.register(PairRule)
class PairRuleAdmin(admin.ModelAdmin):
    list_display = ["program", "mentee", "mentor", "rule", "created_at"]
    list_filter = ["rule"]
    list_select_related = ["program"]
    raw_id_fields = ["program", "mentee", "mentor", "created_by"]


@admin.register(MatchProposal)
class MatchProposalAdmin(admin.ModelAdmin):
    list_display = ["program", "mentee", "mentor", "origin", "status", "score", "respond_by"]
    list_filter = ["status", "origin"]
    search_fields = ["mentee__user__email", "mentor__user__email", "program__name"]
    list_select_related = ["program", "mentee__user", "mentor__user"]
    raw_id_fields = ["program", "mentee", "mentor", "created_by"]
