"""The signed-in home page: one section per thing a person may need to act on.

Each app contributes its section through a selector; until an app has data to show, its section
explains honestly what will appear there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from mentorship.accounts.models import User


@dataclass
class HomeSection:
    key: str
    title: str
    empty_text: str
    items: list[Any] = field(default_factory=list)
    template: str = ""


def home_sections(*, user: User) -> list[HomeSection]:
    return [
        HomeSection(
            key="programs",
            title=_("My programs"),
            empty_text=_("You have not joined a program yet. Programs you are invited to or can join appear here."),
        ),
        HomeSection(
            key="relationships",
            title=_("My relationships"),
            empty_text=_("Once you are matched with a mentor, mentee or sponsor, the relationship appears here."),
        ),
        HomeSection(
            key="meetings",
            title=_("Upcoming meetings"),
            empty_text=_("No meetings scheduled. Meetings you plan with your match will be listed here."),
        ),
        HomeSection(
            key="actions",
            title=_("Open action items"),
            empty_text=_("Nothing to follow up on. Action items agreed in meetings show up here, overdue first."),
        ),
    ]
