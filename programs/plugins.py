"""Where higher apps plug into program pages: management tabs, links above the list of programs a person runs,
links beside an enrollment, and kinds of long job.

Programs sits low in the layers and imports none of the apps above it; they register here in their
``AppConfig.ready()`` (matching adds its tabs and the mentee's "choose your mentor" link, insights its dashboard).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.common.registry import Registry
from programs.models import Enrollment, Job, Program


@dataclass(frozen=True)
class ManageTab:
    """One tab of a program's management area: a URL name taking the program's slug, shown in position order."""

    label: str
    url_name: str
    position: int

    def url(self, program: Program) -> str:
        return reverse(self.url_name, args=[program.slug])


@dataclass(frozen=True)
class Link:
    label: str
    url: str


manage_tabs: Registry[ManageTab] = Registry("program management tabs")

# Given one of the viewer's enrollments, a link to offer beside it on the program page, or None.
EnrollmentLink = Callable[[Enrollment], Link | None]
enrollment_links: Registry[EnrollmentLink] = Registry("enrollment links")


def links_for(enrollment: Enrollment) -> list[Link]:
    return [link for offer in enrollment_links if (link := offer(enrollment)) is not None]


@dataclass(frozen=True)
class JobKind:
    """A long administrator action that runs as a ``Job``: its name, how to run it, and its result page.

    ``run`` does the work for a claimed job, records progress with ``programs.jobs.job_advance`` as it goes and
    returns the summary the result page shows; a ``DomainError`` it raises is shown as the reason it failed.
    ``result_template`` is included in the result page with ``job`` and ``summary`` in its context.
    """

    label: str
    run: Callable[[Job], dict[str, object]]
    result_template: str


# Programs registers its invitation import; matching its runs on big programs.
job_kinds: Registry[JobKind] = Registry("job kinds")


# Given the person looking at "Programs you run", a link to offer above the list (insights' overview), or None.
ManageListLink = Callable[[User], Link | None]
manage_list_links: Registry[ManageListLink] = Registry("links above the programs a person runs")


def manage_links_for(user: User) -> list[Link]:
    return [link for offer in manage_list_links if (link := offer(user)) is not None]
