from django.apps import AppConfig


class MentorshipConfig(AppConfig):
    """The project package as an app: it composes the others (demo data, the reminder benchmark)."""

    name = "mentorship"
    verbose_name = "Mentorship"
