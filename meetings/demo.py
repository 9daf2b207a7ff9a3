"""Demo meetings for `seed_demo`: past meetings with notes and action items (some overdue), one waiting to be
wrapped up, upcoming ones, and a first meeting tomorrow with an empty agenda."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from meetings.models import ActionItem, AgendaItem, Meeting, MeetingFeedback, MeetingSeries
from meetings.recurrence import Ending, Frequency, ScheduleChoice, build_rrule
from meetings.services import HORIZON, series_materialise
from relationships.models import Relationship

TEAMS = "https://teams.microsoft.com/l/meetup-join/19%3ademo-meeting%40thread.v2/0"
ZOOM = "https://zoom.us/j/5550001234"


def _series(
    relationship: Relationship, *, frequency: Frequency, weeks_ago: int, at: datetime.time, provider: str, location: str
) -> MeetingSeries:
    zone = relationship.mentor.profile.time_zone
    first = timezone.localdate() - datetime.timedelta(weeks=weeks_ago)
    choice = ScheduleChoice(
        frequency=frequency, first_date=first, start_time=at, zone=zone, duration_minutes=60, ending=Ending.NEVER
    )
    series = MeetingSeries.objects.create(
        relationship=relationship,
        organiser=relationship.mentor,
        title="Mentoring meeting" if not relationship.is_sponsorship else "Sponsorship check-in",
        zone=zone,
        first_date=first,
        start_time=at,
        duration_minutes=60,
        rrule=build_rrule(choice),
        provider=provider,
        location=location,
    )
    series_materialise(series=series, until=timezone.now() + HORIZON)
    return series


@transaction.atomic
def seed_meetings() -> list[str]:
    lines = []
    today = timezone.localdate()
    active = Relationship.objects.filter(status=Relationship.Status.ACTIVE).select_related("mentee", "mentor__profile")
    for relationship in active:
        if relationship.series.exists():
            continue
        if relationship.is_sponsorship:
            series = _series(
                relationship,
                frequency=Frequency.BIWEEKLY,
                weeks_ago=5,
                at=datetime.time(16, 0),
                provider="zoom",
                location=ZOOM,
            )
        else:
            series = _series(
                relationship,
                frequency=Frequency.MONTHLY_WEEKDAY,
                weeks_ago=9,
                at=datetime.time(10, 0),
                provider="teams",
                location=TEAMS,
            )
        past = list(series.meetings.filter(end__lt=timezone.now()).order_by("start"))
        # The latest meeting is left for the pair to wrap up; the one before it left an item now overdue.
        held = past[:-1]
        for index, meeting in enumerate(held):
            meeting.status = Meeting.Status.HELD
            meeting.shared_notes = "Reviewed progress on the goals and agreed the next steps."
            meeting.wrapped_up_at = meeting.end
            meeting.save()
            MeetingFeedback.objects.create(meeting=meeting, author=relationship.mentee, rating=4 + index % 2)
            ActionItem.objects.create(
                relationship=relationship,
                meeting=meeting,
                description="Draft the outline we discussed" if index % 2 == 0 else "Read the recommended chapter",
                owner=relationship.mentee,
                due_on=meeting.start.date() + datetime.timedelta(days=10),
                status=ActionItem.Status.DONE if index < len(held) - 1 else ActionItem.Status.OPEN,
                created_by=relationship.mentor,
            )
        ActionItem.objects.create(
            relationship=relationship,
            description="Introduce the mentee to a colleague in another team",
            owner=relationship.mentor,
            due_on=today - datetime.timedelta(days=2),
            created_by=relationship.mentee,
        )
        upcoming = series.meetings.filter(start__gt=timezone.now()).order_by("start").first()
        if upcoming:
            AgendaItem.objects.create(
                meeting=upcoming, author=relationship.mentee, text="How to prepare for my review", position=1
            )
            AgendaItem.objects.create(
                meeting=upcoming,
                author=relationship.mentor,
                text="Feedback on the draft",
                needs_extra_time=True,
                position=2,
            )
        lines.append(
            f"meetings for {relationship}: {len(held)} held, one to wrap up, next on {upcoming.start:%d %b}"
            if upcoming
            else ""
        )
    starting = Relationship.objects.filter(status=Relationship.Status.STARTING).first()
    if starting and not starting.meetings.exists():
        # Tomorrow, with an empty agenda: both are asked to prepare it.
        start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
        Meeting.objects.create(
            relationship=starting,
            start=start,
            end=start + datetime.timedelta(minutes=45),
            zone=starting.mentee.profile.time_zone,
            title="Getting to know each other",
            provider="meet",
            location="https://meet.google.com/abc-defg-hij",
        )
        lines.append(f"a first meeting for {starting}")
    return [line for line in lines if line]
