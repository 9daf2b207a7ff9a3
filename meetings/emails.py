"""Emails about meetings, queued in the notifications outbox."""

from __future__ import annotations

from django.utils import timezone

from meetings.models import Meeting, MeetingSeries
from meetings.reminders import MEETING_ICS
from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.notices import notice_add
from mentorship.notifications.outbox import email_queue

# The planned dates listed in the email; the attached calendar file holds them all.
DATES_IN_EMAIL = 6


def _ics_attachment(first: Meeting, *, series: bool) -> dict[str, object]:
    """The calendar file, built when the email leaves by the provider the reminders use (an occurrence brings
    its whole series); the outbox row keeps only the meeting's id."""
    return {
        "provider": MEETING_ICS,
        "args": [first.pk],
        "filename": "mentoring-meetings.ics" if series else "mentoring-meeting.ics",
        "mimetype": "text/calendar",
    }


def meeting_scheduled(*, actor: User, series: MeetingSeries | None = None, meeting: Meeting | None = None) -> None:
    """Tell the other person a meeting or a series was planned: the dates in their own zone, and the .ics."""
    subject = series or meeting
    assert subject is not None
    relationship = subject.relationship
    other = relationship.other_person(actor.pk)
    kind = "series" if series else "meeting"
    if series is not None:
        planned = list(series.meetings.filter(status=Meeting.Status.SCHEDULED).order_by("start")[: DATES_IN_EMAIL + 1])
    else:
        planned = [meeting]
    shown = planned[:DATES_IN_EMAIL]
    zone = other.zone
    with timezone.override(zone):  # the date filter shows each time in the recipient's zone
        email = email_queue(
            key=f"meeting-scheduled:{kind}:{subject.pk}:{other.pk}",
            kind="meeting_scheduled",
            to=other.email,
            template="meeting-scheduled",
            context={
                "series": series,
                "meeting": meeting,
                "actor": actor,
                "person": other,
                "dates": shown,
                "more_dates": len(planned) > len(shown),
                "time_zone": str(zone),
                "link": absolute_url(relationship.get_absolute_url() + "#meetings"),
            },
            attachments=[_ics_attachment(shown[0], series=series is not None)] if shown else [],
        )
    url = meeting.get_absolute_url() if meeting else relationship.get_absolute_url() + "#meetings"
    notice_add(user_id=other.pk, key=email.key, kind=email.kind, title=email.subject, url=url)


def meeting_thanks(*, meeting: Meeting, author: User, recipient: User, message: str) -> None:
    email = email_queue(
        key=f"meeting-thanks:{meeting.pk}:{author.pk}",
        kind="meeting_thanks",
        to=recipient.email,
        template="meeting-thanks",
        context={"meeting": meeting, "author": author, "person": recipient, "message": message},
    )
    notice_add(
        user_id=recipient.pk, key=email.key, kind=email.kind, title=email.subject, url=meeting.get_absolute_url()
    )
