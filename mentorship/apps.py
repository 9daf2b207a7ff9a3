from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    """The project package as an app: it composes the others (demo data, the reminder benchmark)."""

    name = "mentorship"
    verbose_name = "Mentorship"

    def ready(self) -> None:
        from mentorship.needs_you import bell_section
        from mentorship.notifications.plugins import bell_sources

        # The bell lists what waits for the person above the notices; only this package reads every app.
        bell_sources.register("needs-you", bell_section)
