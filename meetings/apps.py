from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings"

    def ready(self) -> None:
        from meetings import panels, reminders, services
        from mentorship.accounts.plugins import profile_panels
        from mentorship.notifications.providers import attachment_providers, context_providers
        from relationships.plugins import relationship_closed, relationship_panels

        relationship_panels.register("meetings", panels.relationship_panel)
        profile_panels.register("calendar", panels.profile_panel)
        relationship_closed.connect(services.relationship_closed, dispatch_uid="meetings.relationship_closed")
        for key, provider in reminders.CONTEXT_PROVIDERS.items():
            context_providers.register(key, provider)
        attachment_providers.register(reminders.MEETING_ICS, reminders.meeting_ics_for)
