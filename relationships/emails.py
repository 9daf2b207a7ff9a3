"""The emails relationships send, through the notifications outbox, after the transaction commits."""

from __future__ import annotations

from mentorship.accounts.models import User
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import OutboundEmail
from mentorship.notifications.notices import notice_add
from mentorship.notifications.outbox import email_queue
from relationships.models import Agreement, Reflection, Relationship


def _link(relationship: Relationship) -> str:
    return absolute_url(relationship.get_absolute_url())


def _notice(person: User, email: OutboundEmail, url: str) -> None:
    notice_add(user_id=person.pk, key=email.key, kind=email.kind, title=email.subject, url=url)


def relationship_started(*, relationship: Relationship) -> None:
    for person, other in ((relationship.mentee, relationship.mentor), (relationship.mentor, relationship.mentee)):
        email = email_queue(
            key=f"relationship-started:{relationship.pk}:{person.pk}",
            kind="relationship_started",
            to=person.email,
            template="relationship-started",
            context={"relationship": relationship, "person": person, "other": other, "link": _link(relationship)},
        )
        _notice(person, email, relationship.get_absolute_url())


def agreement_to_accept(*, agreement: Agreement, recipient_id: int) -> None:
    relationship = agreement.relationship
    recipient = User.objects.get(pk=recipient_id)
    email = email_queue(
        key=f"agreement-drafted:{agreement.pk}:{agreement.updated_at.timestamp():.0f}:{recipient.pk}",
        kind="agreement_to_accept",
        to=recipient.email,
        template="agreement-to-accept",
        context={
            "agreement": agreement,
            "relationship": relationship,
            "person": recipient,
            "link": _link(relationship),
        },
    )
    _notice(recipient, email, relationship.get_absolute_url() + "#agreement")


def status_changed(*, relationship: Relationship, actor: User) -> None:
    """Tell the people in the relationship, other than the one who acted, that it was paused, resumed or ended."""
    for person in (relationship.mentee, relationship.mentor):
        if person.pk == actor.pk:
            continue
        # The key names this change: pausing, resuming and pausing again within a second are three notices.
        changed_at = relationship.updated_at.isoformat()
        email = email_queue(
            key=f"relationship-{relationship.status}:{relationship.pk}:{changed_at}:{person.pk}",
            kind="relationship_status",
            to=person.email,
            template="relationship-status",
            context={"relationship": relationship, "person": person, "actor": actor, "link": _link(relationship)},
        )
        _notice(person, email, relationship.get_absolute_url())


def thank_you(*, reflection: Reflection, recipient_id: int) -> None:
    recipient = User.objects.get(pk=recipient_id)
    email = email_queue(
        key=f"thank-you:{reflection.pk}",
        kind="thank_you",
        to=recipient.email,
        template="thank-you",
        context={"reflection": reflection, "person": recipient, "author": reflection.author},
    )
    _notice(recipient, email, reflection.relationship.get_absolute_url())
