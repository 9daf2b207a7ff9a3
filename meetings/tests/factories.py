"""Builders for meeting tests.

Series and one-offs that tests reason about go through the services (so occurrences are materialised as the
app does it); the factory_boy factories below make rows in bulk for query-count tests.
"""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

import factory
from factory.django import DjangoModelFactory

from meetings import services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingFeedback, MeetingSeries
from meetings.recurrence import Ending, Frequency, ScheduleChoice
from mentorship.accounts.models import User
from mentorship.accounts.tests.factories import UserFactory
from programs import services as program_services
from programs.models import Enrollment, Program
from relationships import services as relationship_services
from relationships.models import Relationship

ZOOM = "https://acme.zoom.us/j/1234567890"
UTC = datetime.UTC


# -- people and relationships --------------------------------------------------------------------------------------


def person(email: str, name: str, *, zone: str = "Europe/Berlin") -> User:
    user = UserFactory(email=email, full_name=name)
    user.profile.time_zone = zone
    user.profile.save(update_fields=["time_zone"])
    return user


def running_program(admin: User, name: str) -> Program:
    return program_services.program_create(created_by=admin, name=name, status="running")


def pair(program: Program, mentee: User, mentor: User, *, created_by: User | None = None) -> Relationship:
    """Approve both in the program and pair them through the service, as HR would."""
    Enrollment.objects.get_or_create(
        program=program, user=mentee, role=Enrollment.Role.MENTEE, defaults={"status": Enrollment.Status.APPROVED}
    )
    Enrollment.objects.get_or_create(
        program=program,
        user=mentor,
        role=Enrollment.Role.MENTOR,
        defaults={"status": Enrollment.Status.APPROVED, "capacity": 10},
    )
    return relationship_services.relationship_create(
        program=program, mentee=mentee, mentor=mentor, created_by=created_by
    )


# -- series and meetings through the services ----------------------------------------------------------------------


def place(provider: str = "zoom", location: str = ZOOM, title: str = "Mentoring meeting") -> services.Place:
    return services.Place(title=title, provider=provider, location=location)


def choice(**changes: Any) -> ScheduleChoice:
    values: dict[str, Any] = {
        "frequency": Frequency.WEEKLY,
        "first_date": datetime.date(2027, 1, 11),  # a Monday, a week after the tests' "now"
        "start_time": datetime.time(9, 30),
        "zone": "Europe/Berlin",
        "duration_minutes": 45,
        "ending": Ending.NEVER,
    }
    values.update(changes)
    return ScheduleChoice(**values)


def schedule_series(relationship: Relationship, actor: User | None = None, **changes: Any) -> MeetingSeries:
    actor = actor or relationship.mentee
    where = changes.pop("place", None) or place()
    return services.series_create(
        relationship=relationship,
        side=relationship.side_of(actor.pk),
        actor=actor,
        choice=choice(**changes),
        place=where,
    )


def schedule_once(
    relationship: Relationship,
    start_local: datetime.datetime,
    *,
    zone: str = "Europe/Berlin",
    actor: User | None = None,
    duration_minutes: int = 60,
    where: services.Place | None = None,
) -> Meeting:
    actor = actor or relationship.mentee
    return services.meeting_create(
        relationship=relationship,
        side=relationship.side_of(actor.pk),
        actor=actor,
        start_local=start_local,
        zone=zone,
        duration_minutes=duration_minutes,
        place=where or place(),
    )


def occurrences(series: MeetingSeries) -> list[Meeting]:
    return list(series.meetings.order_by("original_start"))


def local(moment: datetime.datetime, zone: str) -> datetime.datetime:
    """The naive wall-clock time of an instant in a zone."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# -- POST data for the forms ---------------------------------------------------------------------------------------


def schedule_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Mentoring meeting",
        "frequency": "weekly",
        "first_date": "2027-01-11",
        "start_time": "09:30",
        "zone": "Europe/Berlin",
        "duration_minutes": "45",
        "ending": "never",
        "until_date": "",
        "count": "",
        "custom_rule": "",
        "provider": "zoom",
        "location": ZOOM,
    }
    return {**data, **overrides}


def meeting_form(**overrides: str) -> dict[str, str]:
    data = {
        "title": "Mentoring meeting",
        "date": "2027-01-13",
        "start_time": "14:00",
        "zone": "Europe/Berlin",
        "duration_minutes": "45",
        "provider": "zoom",
        "location": ZOOM,
    }
    return {**data, **overrides}


def wrap_up_form(**overrides: str) -> dict[str, str]:
    data = {
        "status": "held",
        "shared_notes": "",
        "private_note": "",
        "rating": "",
        "comment": "",
        "thank_you": "",
    }
    return {**data, **overrides}


def action_item_form(relationship: Relationship, **overrides: str) -> dict[str, str]:
    data = {
        "description": "Read the architecture guide",
        "owner": str(relationship.mentee_id),
        "due_on": "2027-02-01",
        "resource_url": "",
    }
    return {**data, **overrides}


# -- rows in bulk --------------------------------------------------------------------------------------------------


class MeetingFactory(DjangoModelFactory):
    """A one-off meeting row straight in the database. Pass relationship=..."""

    class Meta:
        model = Meeting

    start = factory.Sequence(lambda n: datetime.datetime(2027, 2, 1, 9, tzinfo=UTC) + datetime.timedelta(days=n))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(minutes=45))
    zone = "Europe/Berlin"
    title = "Mentoring meeting"
    provider = "zoom"
    location = ZOOM


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    author = factory.LazyAttribute(lambda o: o.meeting.relationship.mentee)
    text = factory.Sequence(lambda n: f"Topic {n}")
    position = factory.Sequence(lambda n: n + 1)


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = ActionItem

    owner = factory.LazyAttribute(lambda o: o.relationship.mentee)
    created_by = factory.LazyAttribute(lambda o: o.relationship.mentee)
    description = factory.Sequence(lambda n: f"Action {n}")
    due_on = factory.Sequence(lambda n: datetime.date(2027, 1, 1) + datetime.timedelta(days=n))


class FeedbackFactory(DjangoModelFactory):
    class Meta:
        model = MeetingFeedback

    rating = 4
