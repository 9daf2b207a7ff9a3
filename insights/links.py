"""Links insights offers on the "Programs you run" page (registered in InsightsConfig.ready)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from insights.selectors import programs_for_insights
from mentorship.accounts.models import User
from programs.plugins import Link


def overview_link(user: User) -> Link | None:
    """For superusers and people who run more than one program: all their programs side by side."""
    if user.is_superuser or programs_for_insights(user)[:2].count() > 1:
        return Link(_("Overview of all your programs"), reverse("insights:overview"))
    return None


def at_risk_link(user: User) -> Link | None:
    if user.is_superuser or programs_for_insights(user).exists():
        return Link(_("Pairs that need attention"), reverse("insights:at_risk"))
    return None
