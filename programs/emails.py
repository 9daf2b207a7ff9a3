"""The emails programs send. Each is queued in the outbox and leaves after the transaction commits."""

from __future__ import annotations

from django.urls import reverse

from mentorship.notifications.emails import absolute_url
from mentorship.notifications.notices import notice_add
from mentorship.notifications.outbox import email_queue
from programs.models import Enrollment, Invitation


def invitation(*, invitation: Invitation, token: str, has_account: bool) -> None:
    email = email_queue(
        key=f"program-invitation:{invitation.pk}",
        kind="program_invitation",
        to=invitation.email,
        template="program-invitation",
        context={
            "invitation": invitation,
            "program": invitation.program,
            "has_account": has_account,
            "link": absolute_url(reverse("programs:invitation", args=[token])),
        },
    )
    if invitation.enrollment is not None:
        # The bell leads to the application form the invitation is accepted with, never to the secret link.
        apply_url = reverse("programs:apply", args=[invitation.program.slug, invitation.role])
        notice_add(
            user_id=invitation.enrollment.user_id, key=email.key, kind=email.kind, title=email.subject, url=apply_url
        )


def application_received(*, enrollment: Enrollment) -> None:
    program = enrollment.program
    path = reverse("programs:roster", args=[program.slug]) + "?status=applied"
    link = absolute_url(path)
    for admin in program.administrators.filter(is_active=True):
        email = email_queue(
            key=f"application-received:{enrollment.pk}:{enrollment.updated_at.timestamp():.0f}:{admin.pk}",
            kind="application_received",
            to=admin.email,
            template="application-received",
            context={"enrollment": enrollment, "program": program, "recipient": admin, "link": link},
        )
        notice_add(user_id=admin.pk, key=email.key, kind=email.kind, title=email.subject, url=path)


def enrollment_decided(*, enrollment: Enrollment) -> None:
    """Tell the person their application was approved, declined or waitlisted."""
    email = email_queue(
        key=f"enrollment-{enrollment.status}:{enrollment.pk}:{enrollment.updated_at.timestamp():.0f}",
        kind=f"enrollment_{enrollment.status}",
        to=enrollment.user.email,
        template=f"enrollment-{enrollment.status}",
        context={
            "enrollment": enrollment,
            "program": enrollment.program,
            "link": absolute_url(enrollment.program.get_absolute_url()),
        },
    )
    notice_add(
        user_id=enrollment.user_id,
        key=email.key,
        kind=email.kind,
        title=email.subject,
        url=enrollment.program.get_absolute_url(),
    )
