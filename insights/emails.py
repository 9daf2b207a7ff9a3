"""The emails insights sends: the program team's check-in nudge to a pair, through the outbox."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import Kind
from mentorship.notifications.reminders import QueueResult, Reminder, reminders_queue
from relationships.models import Relationship


def checkin_nudge(*, relationship: Relationship, actor: User, week: str, note: str) -> QueueResult:
    """A notice under the bell and an email for each of the two, keyed by the ISO week: once a week at most.

    It goes out as the "relationship stopped meeting" kind, so someone who switched those emails off or to the
    daily digest gets the notice (and the digest) only.
    """
    program = relationship.program
    people = ((relationship.mentee, relationship.mentor), (relationship.mentor, relationship.mentee))
    return reminders_queue(
        reminders=[
            Reminder(
                key=f"checkin-nudge:{relationship.pk}:{week}:{person.pk}",
                kind=Kind.RELATIONSHIP_STALLED,
                user_id=person.pk,
                email=person.email,
                title=_("A check-in from the %(program)s team: how are things with %(other)s?")
                % {"program": program.name, "other": other.display_name},
                url=relationship.get_absolute_url(),
                template="checkin-nudge",
                context={
                    "program": program.name,
                    "other": other.display_name,
                    "sender": actor.display_name,
                    "note": note,
                    "link": absolute_url(relationship.get_absolute_url()),
                },
            )
            for person, other in people
        ]
    )
