from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Program health for administrators: reads every app below it, writes little."""

    name = "insights"
    verbose_name = "Insights"

    def ready(self) -> None:
        from insights.links import at_risk_link, overview_link
        from programs.plugins import ManageTab, manage_list_links, manage_tabs

        manage_tabs.register("insights", ManageTab(_("Insights"), "insights:dashboard", 15))
        manage_list_links.register("insights-overview", overview_link)
        manage_list_links.register("insights-at-risk", at_risk_link)
