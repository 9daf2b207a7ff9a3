"""The emails programs send. Each is queued in the outbox and leaves after the transaction commits."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.urls import reverse

from mentorship.notifications.services import email_queue
from programs.models import Enrollment, Invitation, MatchProposal


def _digest(text: str) -> str:
    """A short stable fingerprint, so the same question is emailed once and a new one again."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def invitation(*, invitation: Invitation, token: str, has_account: bool) -> None:
    email_queue(
        key=f"program-invitation:{invitation.pk}",
        kind="program_invitation",
        to=invitation.email,
        template="program-invitation",
        context={
            "invitation": invitation,
            "program": invitation.program,
            "has_account": has_account,
            "link": _url(reverse("programs:invitation", args=[token])),
        },
    )


def application_received(*, enrollment: Enrollment) -> None:
    program = enrollment.program
    link = _url(reverse("programs:roster", args=[program.slug]) + "?status=applied")
    for admin in program.administrators.filter(is_active=True):
        email_queue(
            key=f"application-received:{enrollment.pk}:{enrollment.updated_at.timestamp():.0f}:{admin.pk}",
            kind="application_received",
            to=admin.email,
            template="application-received",
            context={"enrollment": enrollment, "program": program, "recipient": admin, "link": link},
        )


def enrollment_decided(*, enrollment: Enrollment) -> None:
    """Tell the person their application was approved, declined or waitlisted."""
    email_queue(
        key=f"enrollment-{enrollment.status}:{enrollment.pk}:{enrollment.updated_at.timestamp():.0f}",
        kind=f"enrollment_{enrollment.status}",
        to=enrollment.user.email,
        template=f"enrollment-{enrollment.status}",
        context={
            "enrollment": enrollment,
            "program": enrollment.program,
            "link": _url(enrollment.program.get_absolute_url()),
        },
    )


def proposal_received(*, proposal: MatchProposal) -> None:
    """Ask the mentor (or sponsor) to answer a proposed match by its deadline."""
    mentor = proposal.mentor.user
    email_queue(
        key=f"proposal-received:{proposal.pk}",
        kind="proposal_received",
        to=mentor.email,
        template="proposal-received",
        context={"proposal": proposal, "person": mentor, "link": _url(reverse("programs:proposals"))},
    )


def proposal_question(*, proposal: MatchProposal) -> None:
    mentee = proposal.mentee.user
    email_queue(
        key=f"proposal-question:{proposal.pk}:{_digest(proposal.question)}",
        kind="proposal_question",
        to=mentee.email,
        template="proposal-question",
        context={"proposal": proposal, "person": mentee, "link": _url(reverse("programs:proposals"))},
    )


def proposal_answered(*, proposal: MatchProposal) -> None:
    mentor = proposal.mentor.user
    email_queue(
        key=f"proposal-answer:{proposal.pk}:{_digest(proposal.answer)}",
        kind="proposal_answered",
        to=mentor.email,
        template="proposal-answered",
        context={"proposal": proposal, "person": mentor, "link": _url(reverse("programs:proposals"))},
    )
