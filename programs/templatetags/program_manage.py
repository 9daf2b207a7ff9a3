"""The tabs of a program's management area: the programs app's own, and those other apps registered."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from programs.models import Program
from programs.plugins import ManageTab, manage_tabs

register = template.Library()

OWN_TABS = (
    ManageTab(_("Overview"), "programs:manage", 10),
    ManageTab(_("Roster"), "programs:roster", 20),
    ManageTab(_("Invite"), "programs:invite", 50),
    ManageTab(_("Questions"), "programs:questions", 60),
    ManageTab(_("Settings"), "programs:edit", 70),
)


@register.inclusion_tag("programs/manage/_tabs.html", takes_context=True)
def program_manage_tabs(context: dict[str, Any], program: Program) -> dict[str, Any]:
    here = context["request"].path
    tabs = sorted([*OWN_TABS, *manage_tabs], key=lambda tab: tab.position)
    return {"tabs": [{"label": tab.label, "url": tab.url(program), "active": tab.url(program) == here} for tab in tabs]}
