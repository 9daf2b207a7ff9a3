"""The scheduling assistant's reads: both people's weeks and meetings, turned into proposals for the form.

Two queries whatever the data: the working hours of both people, and the meetings either of them has in the
coming weeks (in any relationship). The search itself is ``meetings.slots``, which knows nothing of Django.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from meetings.models import Meeting
from meetings.slots import Busy, Cadence, SlotSearch, find_slots, slot_label
from mentorship.accounts.models import User
from mentorship.accounts.selectors import weeks_of
from relationships.models import Relationship

# How far ahead the assistant looks for a first meeting.
DAYS_AHEAD = 42
# The busy meetings read cover the first meetings checked of a monthly series too.
BUSY_READ_DAYS = DAYS_AHEAD + 3 * 31


@dataclass(frozen=True)
class Proposal:
    start: datetime.datetime  # aware, UTC
    label: str  # "Tue 2 Dec 16:00 for you, 09:00 for Kenji"
    param: str  # the value of ``?slot=`` that picks it


def slot_param(start: datetime.datetime) -> str:
    return start.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%MZ")


def parse_slot(text: str | None) -> datetime.datetime | None:
    """The instant a ``?slot=`` value names, or None for anything else (never an error: it only pre-fills)."""
    if not text or len(text) > 40 or not text.isascii():
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or not 1900 <= moment.year <= 2200:
        return None
    return moment.astimezone(datetime.UTC)


def busy_of(users: list[User], *, since: datetime.datetime, until: datetime.datetime) -> Busy:
    """The scheduled meetings of these people between the two instants, in one query."""
    ids = [u.pk for u in users]
    rows = (
        Meeting.objects.filter(status=Meeting.Status.SCHEDULED, start__lt=until, end__gt=since)
        .filter(Q(relationship__mentee_id__in=ids) | Q(relationship__mentor_id__in=ids))
        .values_list("start", "end")
    )
    return Busy.of(rows)


def proposals_for(
    *,
    relationship: Relationship,
    viewer: User,
    frequency: str,
    duration_minutes: int,
    until: datetime.date | None,
    earliest: datetime.date | None = None,
    count: int = 5,
) -> list[Proposal]:
    """The next starts that suit the viewer and the other person of the pair, labelled on both clocks."""
    # The pair as the relationship loaded them (profiles included), so their zones cost no query.
    me = relationship.mentee if viewer.pk == relationship.mentee_id else relationship.mentor
    other = relationship.mentor if me.pk == relationship.mentee_id else relationship.mentee
    weeks = weeks_of([me, other])
    now = timezone.now()
    busy = busy_of([me, other], since=now, until=now + datetime.timedelta(days=BUSY_READ_DAYS))
    search = SlotSearch(
        duration=datetime.timedelta(minutes=duration_minutes),
        cadence=Cadence.of(frequency),
        count=count,
        days_ahead=DAYS_AHEAD,
        earliest=earliest,
        until=until,
    )
    slots = find_slots(organiser=weeks[me.pk], guest=weeks[other.pk], busy=busy, now=now, search=search)
    name = other.get_short_name()
    mine, theirs = weeks[me.pk], weeks[other.pk]
    return [
        Proposal(start=s, label=slot_label(s, viewer=mine, other=theirs, other_name=name), param=slot_param(s))
        for s in slots
    ]
