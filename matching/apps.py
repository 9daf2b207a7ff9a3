from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Matching"

    def ready(self) -> None:
        from matching.jobs import MATCHING_RUN, matching_run_job
        from matching.reminders import PROPOSAL_REMINDER, proposal_reminder_context
        from matching.selectors import choose_mentor_link
        from mentorship.notifications.providers import context_providers
        from programs.plugins import JobKind, ManageTab, enrollment_links, job_kinds, manage_tabs

        manage_tabs.register("matching", ManageTab(_("Matching"), "matching:review", 30))
        manage_tabs.register("relationships", ManageTab(_("Relationships"), "matching:relationships", 40))
        enrollment_links.register("choose-mentor", choose_mentor_link)
        context_providers.register(PROPOSAL_REMINDER, proposal_reminder_context)
        job_kinds.register(MATCHING_RUN, JobKind(_("Matching run"), matching_run_job, "matching/_job_result.html"))
