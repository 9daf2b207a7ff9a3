"""The emails matching sends: proposals to answer, questions and answers about them."""

from __future__ import annotations

import hashlib

from django.urls import reverse

from matching.models import MatchProposal
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import OutboundEmail
from mentorship.notifications.notices import notice_add
from mentorship.notifications.outbox import email_queue


def _anchor(proposal: MatchProposal) -> str:
    """The proposal's card on the proposals page, where it is answered."""
    return f"{reverse('matching:proposals')}#proposal-{proposal.pk}"


def _notice(user_id: int, email: OutboundEmail, proposal: MatchProposal) -> None:
    notice_add(user_id=user_id, key=email.key, kind=email.kind, title=email.subject, url=_anchor(proposal))


def _digest(text: str) -> str:
    """A short stable fingerprint, so the same question is emailed once and a new one again."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def proposal_received(*, proposal: MatchProposal) -> None:
    """Ask the mentor (or sponsor) to answer a proposed match by its deadline."""
    mentor = proposal.mentor.user
    email = email_queue(
        key=f"proposal-received:{proposal.pk}",
        kind="proposal_received",
        to=mentor.email,
        template="proposal-received",
        context={"proposal": proposal, "person": mentor, "link": absolute_url(reverse("matching:proposals"))},
    )
    _notice(mentor.pk, email, proposal)


def proposal_question(*, proposal: MatchProposal) -> None:
    mentee = proposal.mentee.user
    email = email_queue(
        key=f"proposal-question:{proposal.pk}:{_digest(proposal.question)}",
        kind="proposal_question",
        to=mentee.email,
        template="proposal-question",
        context={"proposal": proposal, "person": mentee, "link": absolute_url(reverse("matching:proposals"))},
    )
    _notice(mentee.pk, email, proposal)


def proposal_answered(*, proposal: MatchProposal) -> None:
    mentor = proposal.mentor.user
    email = email_queue(
        key=f"proposal-answer:{proposal.pk}:{_digest(proposal.answer)}",
        kind="proposal_answered",
        to=mentor.email,
        template="proposal-answered",
        context={"proposal": proposal, "person": mentor, "link": absolute_url(reverse("matching:proposals"))},
    )
    _notice(mentor.pk, email, proposal)
