"""The signed-in home page: what each person has going on and what needs doing next.

It sits in the project package because it gathers from every app; each app supplies its part through
its selectors, and a section without data explains honestly what will appear there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from meetings.selectors import open_action_items, upcoming_meetings
from mentorship.accounts.models import User
from mentorship.accounts.services import profile_ensure
from programs.selectors import my_enrollments, programs_administered_by
from relationships.selectors import relationships_of


@dataclass
class HomeSection:
    key: str
    title: str
    empty_text: str
    items: list[Any] = field(default_factory=list)
    template: str = ""


def home_sections(*, user: User) -> list[HomeSection]:
    sections = []
    if user.is_program_admin:
        sections.append(
            HomeSection(
                key="administered",
                title=_("Programs you run"),
                empty_text=_("You do not run a program yet. Create one from Manage programs."),
                items=list(programs_administered_by(user)[:10]),
                template="programs/_home_administered.html",
            )
        )
    return [
        *sections,
        HomeSection(
            key="programs",
            title=_("My programs"),
            empty_text=_("You have not joined a program yet. Browse the open programs to find one that fits."),
            items=list(my_enrollments(user=user)),
            template="programs/_home_enrollments.html",
        ),
        HomeSection(
            key="relationships",
            title=_("My relationships"),
            empty_text=_("Once you are matched with a mentor, mentee or sponsor, the relationship appears here."),
            items=relationships_of(user=user),
            template="relationships/_home_relationships.html",
        ),
        HomeSection(
            key="meetings",
            title=_("Upcoming meetings"),
            empty_text=_("No meetings scheduled. Meetings you plan with your match will be listed here."),
            items=upcoming_meetings(user=user),
            template="meetings/_home_meetings.html",
        ),
        HomeSection(
            key="actions",
            title=_("Open action items"),
            empty_text=_("Nothing to follow up on. Action items agreed in meetings show up here, overdue first."),
            items=open_action_items(user=user),
            template="meetings/_action_items.html",
        ),
    ]


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    profile = profile_ensure(user=request.user)
    return render(request, "home.html", {"profile": profile, "sections": home_sections(user=request.user)})
