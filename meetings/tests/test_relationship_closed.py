"""Ending a relationship stops its meetings: series end, what was still to come is cancelled."""

from __future__ import annotations

import datetime

from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from meetings.recurrence import Frequency, ScheduleChoice
from relationships.models import Relationship
from relationships.services import relationship_end


def test_ending_the_relationship_stops_series_and_cancels_future_meetings(relationship: Relationship) -> None:
    series = services.series_create(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        choice=ScheduleChoice(
            frequency=Frequency.WEEKLY,
            first_date=timezone.localdate() + datetime.timedelta(days=1),
            start_time=datetime.time(10, 0),
            zone="Europe/Berlin",
        ),
        place=services.Place(title="Weekly", provider="in_person", location="Room 4"),
    )
    assert series.meetings.filter(status=Meeting.Status.SCHEDULED).exists()
    relationship_end(relationship=relationship, side="mentor", actor=relationship.mentor, completed=True, reason="")
    series.refresh_from_db()
    assert series.ended_at is not None
    assert not Meeting.objects.filter(relationship=relationship, status=Meeting.Status.SCHEDULED).exists()
    # The periodic task creates nothing more for it.
    assert services.horizon_extend(now=timezone.now() + datetime.timedelta(days=30)) == 0
