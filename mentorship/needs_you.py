"""What needs each person now: one list, most urgent first, each thing with its one-click action and its deadline.

The list sits in the project package because it reads every app. Each app hands over its part as rows of one
shape (``mentorship.common.needs``); they are read with one UNION query, so the home page and the bell cost the
same number of queries whether five things wait or two hundred. The words, links and deadlines of each kind are
here, in one place; times are shown in the person's own zone.
"""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from matching.selectors import needs_you_rows as matching_rows
from meetings.selectors import needs_you_rows as meeting_rows
from mentorship.accounts.models import User, display_name_of
from mentorship.common.needs import unprefixed
from mentorship.notifications.plugins import BellSection, bell_sections, bell_version
from programs.models import Enrollment, Program
from programs.selectors import needs_you_rows as program_rows
from relationships.reminders import agreement_pending_days
from relationships.selectors import needs_you_rows as relationship_rows

TEMPLATE = "needs_you/_list.html"


@dataclass(frozen=True)
class Need:
    """One thing waiting for the person, ready to show: what, the action that settles it, and by when."""

    kind: str
    title: str
    action: str
    url: str
    detail: str = ""
    # The deadline (an instant) when there is one; the list is ordered by it, overdue first.
    deadline: datetime.datetime | None = None
    # For things without a deadline: since when they wait, to order them among themselves.
    since: datetime.datetime | None = None
    when: str = ""
    overdue: bool = False
    # Hidden fields of a one-click POST (marking an item done); empty for an action that is a link.
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def is_post(self) -> bool:
        return bool(self.fields)

    def sort_key(self) -> tuple[int, datetime.datetime, str]:
        moment = self.deadline or self.since or datetime.datetime.max.replace(tzinfo=datetime.UTC)
        return (0 if self.deadline else 1, moment, self.title)


@dataclass(frozen=True)
class Moment:
    """The person's now: the instant, their zone and their date, for deadlines in their own terms."""

    now: datetime.datetime
    zone: zoneinfo.ZoneInfo

    @property
    def today(self) -> datetime.date:
        return self.now.astimezone(self.zone).date()

    def at(self, instant: datetime.datetime) -> str:
        return date_format(instant.astimezone(self.zone), "D j M, H:i")

    def end_of(self, day: datetime.date) -> datetime.datetime:
        """The instant a day ends in the person's zone: what "due on that day" means for ordering."""
        return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(), tzinfo=self.zone)


def _day(day: datetime.date) -> str:
    return date_format(day, "D j M")


def _person(row: dict[str, Any]) -> str:
    return display_name_of(row["name"], row["email"])


def _helper(row: dict[str, Any]) -> str:
    return _("sponsor") if row["tag"] == Program.Kind.SPONSORSHIP else _("mentor")


def _proposal_url(row: dict[str, Any]) -> str:
    return f"{reverse('matching:proposals')}#proposal-{row['ref']}"


def _relationship_url(row: dict[str, Any], anchor: str = "") -> str:
    return reverse("relationships:detail", args=[row["parent"]]) + anchor


# -- one presenter per kind ----------------------------------------------------------------------------------


def _lapses(row: dict[str, Any], at: Moment, *, title: str, action: str, verb: str) -> Need:
    due = row["due"]
    return Need(
        kind=row["kind"],
        title=title,
        detail=row["label"],
        action=action,
        url=_proposal_url(row),
        deadline=due,
        when=(verb % {"when": at.at(due)}) if due else "",
        overdue=bool(due and due <= at.now),
    )


def _proposal(row: dict[str, Any], at: Moment) -> Need:
    title = _("Would you %(role)s %(name)s?") % {"role": _helper(row), "name": _person(row)}
    return _lapses(row, at, title=title, action=_("Answer"), verb=_("The proposal lapses %(when)s"))


def _mentee_request(row: dict[str, Any], at: Moment) -> Need:
    title = _("%(name)s asked you to be their %(role)s") % {"name": _person(row), "role": _helper(row)}
    return _lapses(row, at, title=title, action=_("Answer"), verb=_("The request lapses %(when)s"))


def _proposal_question(row: dict[str, Any], at: Moment) -> Need:
    title = _("%(name)s has a question before saying yes") % {"name": _person(row)}
    return _lapses(row, at, title=title, action=_("Reply"), verb=_("Reply before %(when)s"))


def _choose_mentor(row: dict[str, Any], at: Moment) -> Need:
    return Need(
        kind=row["kind"],
        title=_("Choose your mentor"),
        detail=row["label"],
        action=_("See recommendations"),
        url=reverse("matching:choose", args=[row["slug"]]),
        since=row["due"],
        when=_("You are in: the mentors who fit you best are waiting"),
    )


def _agreement(row: dict[str, Any], at: Moment) -> Need:
    deadline = row["due"] + datetime.timedelta(days=agreement_pending_days())
    return Need(
        kind=row["kind"],
        title=_("Accept the agreement with %(name)s") % {"name": _person(row)},
        action=_("Read and accept"),
        url=_relationship_url(row, "#agreement"),
        deadline=deadline,
        when=_("Please accept by %(when)s") % {"when": at.at(deadline)},
        overdue=deadline <= at.now,
    )


def _agreement_review(row: dict[str, Any], at: Moment) -> Need:
    day = row["day"]
    return Need(
        kind=row["kind"],
        title=_("Review your agreement with %(name)s") % {"name": _person(row)},
        action=_("Review"),
        url=reverse("relationships:agreement_edit", args=[row["parent"]]),
        deadline=at.end_of(day),
        when=_("You planned to review it on %(day)s") % {"day": _day(day)},
        overdue=day < at.today,
    )


def _meeting_prepare(row: dict[str, Any], at: Moment) -> Need:
    return Need(
        kind=row["kind"],
        title=_("Add your topics for %(title)s with %(name)s") % {"title": row["label"], "name": _person(row)},
        action=_("Add a topic"),
        url=reverse("meetings:detail", args=[row["ref"]]) + "#agenda",
        deadline=row["due"],
        when=_("Starts %(when)s; the agenda is still empty") % {"when": at.at(row["due"])},
    )


def _wrap_up(row: dict[str, Any], at: Moment) -> Need:
    return Need(
        kind=row["kind"],
        title=_("Wrap up %(title)s with %(name)s") % {"title": row["label"], "name": _person(row)},
        action=_("Wrap up"),
        url=reverse("meetings:wrap_up", args=[row["ref"]]),
        deadline=row["due"],
        when=_("Ended %(when)s: note what you agreed and the next steps") % {"when": at.at(row["due"])},
        overdue=True,
    )


def _action_item(row: dict[str, Any], at: Moment) -> Need:
    day = row["day"]
    if day < at.today:
        when = _("Overdue: it was due %(day)s") % {"day": _day(day)}
    elif day == at.today:
        when = _("Due today")
    else:
        when = _("Due %(day)s") % {"day": _day(day)}
    return Need(
        kind=row["kind"],
        title=row["label"],
        detail=_("with %(name)s") % {"name": _person(row)},
        action=_("Mark done"),
        url=reverse("meetings:action_item_status", args=[row["ref"]]),
        deadline=at.end_of(day),
        when=when,
        overdue=day < at.today,
        fields={"status": "done"},
    )


def _invitation(row: dict[str, Any], at: Moment) -> Need:
    role = Enrollment.Role(row["tag"]).label.lower()
    # An invitation holds past the enrollment window; only a closing date still ahead is a deadline.
    day = row["day"] if row["day"] and row["day"] >= at.today else None
    return Need(
        kind=row["kind"],
        title=_("You are invited to %(program)s as %(role)s") % {"program": row["label"], "role": role},
        action=_("Accept the invitation"),
        url=reverse("programs:apply", args=[row["slug"], row["tag"]]),
        deadline=at.end_of(day) if day else None,
        when=(_("Enrollment closes %(day)s") % {"day": _day(day)}) if day else "",
    )


OUTCOME_TITLES = {
    Enrollment.Status.APPROVED: gettext_noop("Your application to %(program)s was approved"),
    Enrollment.Status.DECLINED: gettext_noop("Your application to %(program)s was not accepted this time"),
    Enrollment.Status.WAITLISTED: gettext_noop("You are on the waiting list of %(program)s"),
}


def _application_outcome(row: dict[str, Any], at: Moment) -> Need:
    return Need(
        kind=row["kind"],
        title=_(OUTCOME_TITLES[row["tag"]]) % {"program": row["label"]},
        action=_("See the details"),
        url=reverse("programs:detail", args=[row["slug"]]),
        since=row["due"],
        when=_("Decided %(when)s") % {"when": at.at(row["due"])},
    )


def _applications(row: dict[str, Any], at: Moment) -> Need:
    count = row["count"]
    return Need(
        kind=row["kind"],
        title=ngettext("%(n)s application waits for your decision", "%(n)s applications wait for your decision", count)
        % {"n": count},
        detail=row["label"],
        action=_("Review applications"),
        url=reverse("programs:roster", args=[row["slug"]]) + "?status=applied",
        since=row["due"],
        when=_("The first came in %(when)s") % {"when": at.at(row["due"])},
    )


PRESENTERS: dict[str, Callable[[dict[str, Any], Moment], Need]] = {
    "proposal": _proposal,
    "mentee_request": _mentee_request,
    "proposal_question": _proposal_question,
    "choose_mentor": _choose_mentor,
    "agreement": _agreement,
    "agreement_review": _agreement_review,
    "meeting_prepare": _meeting_prepare,
    "wrap_up": _wrap_up,
    "action_item": _action_item,
    "invitation": _invitation,
    "application_outcome": _application_outcome,
    "applications": _applications,
}


# -- the list ------------------------------------------------------------------------------------------------


class NeedList(Sequence[Need]):
    """The fetched rows, put into words only when someone reads them: the bell's badge only counts them."""

    def __init__(self, rows: list[dict[str, Any]], at: Moment) -> None:
        self._rows = rows
        self._at = at
        self._needs: list[Need] | None = None

    def _present(self) -> list[Need]:
        if self._needs is None:
            needs = (PRESENTERS[row["kind"]](row, self._at) for row in self._rows)
            self._needs = sorted(needs, key=Need.sort_key)
        return self._needs

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Need: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Need]: ...
    def __getitem__(self, index: int | slice) -> Need | Sequence[Need]:
        return self._present()[index]


# Rows read for a page are kept this long (or until something of the person's changes, see bell_changed): the
# badge is on every page, and building the query costs more than running it.
ROWS_FRESH_FOR = 60


def _rows(user: User, at: Moment) -> list[dict[str, Any]]:
    parts = [
        *program_rows(user=user, now=at.now),
        *relationship_rows(user=user, today=at.today),
        *meeting_rows(user=user, now=at.now, today=at.today),
        *matching_rows(user=user),
    ]
    return [unprefixed(row) for row in parts[0].union(*parts[1:], all=True)]


def needs_you(*, user: User, now: datetime.datetime | None = None) -> NeedList:
    """Everything waiting for this person's action, most urgent first, read in one query.

    Without ``now`` (a page), rows read less than a minute ago are reused unless something of the person's changed
    since; with it (a test, a caller that pins the moment), they are read for that moment.
    """
    at = Moment(now=now or timezone.now(), zone=user.zone)
    if now is not None:
        return NeedList(_rows(user, at), at)
    key = f"needs-you:{user.pk}:{bell_version(user.pk)}"
    rows = cache.get(key)
    if rows is None:
        rows = _rows(user, at)
        cache.set(key, rows, ROWS_FRESH_FOR)
    return NeedList(rows, at)


def bell_section(request: HttpRequest) -> BellSection:
    """What the bell shows and counts above the notices (registered in MentorshipConfig.ready())."""
    return BellSection(template=TEMPLATE, items=needs_you(user=request.user))


def needs_you_for_request(request: HttpRequest) -> Sequence[Need]:
    """The person's list as the bell read it for this request, so the home page reads it only once."""
    for section in bell_sections(request):
        if section.template == TEMPLATE:
            return section.items
    return needs_you(user=request.user)
