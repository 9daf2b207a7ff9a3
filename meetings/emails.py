"""Emails about meetings, queued in the notifications outbox."""

from __future__ import annotations

from meetings.models import Meeting, MeetingSeries
from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.notices import notice_add
from mentorship.notifications.outbox import email_queue


def meeting_scheduled(*, actor: User, series: MeetingSeries | None = None, meeting: Meeting | None = None) -> None:
    """Tell the other person a meeting or a series was planned, with the link to add it to their calendar."""
    subject = series or meeting
    assert subject is not None
    relationship = subject.relationship
    other = relationship.other_person(actor.pk)
    kind = "series" if series else "meeting"
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
            "link": absolute_url(relationship.get_absolute_url() + "#meetings"),
        },
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
