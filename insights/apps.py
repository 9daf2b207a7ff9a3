from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Program health for administrators: reads every app below it, writes little."""

    name = "insights"
    verbose_name = "Insights"
