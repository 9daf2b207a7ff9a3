"""Proposals still waiting for the mentor's answer: a reminder the day before the deadline, and the digest's count."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from matching.models import MatchProposal
from mentorship.accounts.models import display_name_of, zone_named
from mentorship.common.paging import pages_by_pk
from mentorship.notifications.emails import absolute_url
from mentorship.notifications.models import Kind
from mentorship.notifications.providers import ProviderRequest
from mentorship.notifications.reminders import Reminder

# The mentor hears once more this long before the proposal lapses.
REMIND_BEFORE = datetime.timedelta(days=1)
# The key under which proposal_reminder_context is registered with the outbox (stored in queued rows).
PROPOSAL_REMINDER = "proposal_reminder"
FIELDS = (
    "pk",
    "respond_by",
    "program__name",
    "mentee__user__full_name",
    "mentee__user__email",
    "mentor__user_id",
    "mentor__user__email",
    "mentor__user__profile__time_zone",
)


def unanswered_proposal_reminders(*, now: datetime.datetime) -> list[Reminder]:
    """One reminder per proposal to its mentor once the deadline is less than a day away.

    The key names the proposal alone, so later scans, a second beat or a moved deadline never send another.
    The email is composed from plain values read here (the deadline already in the mentor's zone); its provider
    drops the email if the mentor answered after the scan but before the mail server took it.
    """
    proposals = MatchProposal.objects.filter(
        status=MatchProposal.Status.PROPOSED,
        respond_by__gt=now,
        respond_by__lte=now + REMIND_BEFORE,
        mentor__user__is_active=True,
    )
    link = absolute_url(reverse("matching:proposals"))
    reminders: list[Reminder] = []
    for rows in pages_by_pk(proposals, fields=FIELDS):
        for row in rows:
            mentee = display_name_of(row["mentee__user__full_name"], row["mentee__user__email"])
            local = timezone.localtime(row["respond_by"], zone_named(row["mentor__user__profile__time_zone"]))
            reminders.append(
                Reminder(
                    key=f"match-proposal:{row['pk']}:day-before:{row['mentor__user_id']}",
                    kind=Kind.MATCH_PROPOSAL,
                    user_id=row["mentor__user_id"],
                    email=row["mentor__user__email"],
                    title=f"Please answer the proposal to pair with {mentee}"[:255],
                    url=reverse("matching:proposals"),
                    template="proposal-reminder",
                    context={
                        "proposal_id": row["pk"],
                        "program": row["program__name"],
                        "mentee": mentee,
                        "respond_by": date_format(local, "j F Y, H:i T"),
                        "link": link,
                    },
                    context_provider=PROPOSAL_REMINDER,
                )
            )
    return reminders


def unanswered_proposals_by_program(*, program_ids: list[int], now: datetime.datetime) -> dict[int, int]:
    """{program id: proposals still waiting for the mentor} for the administrators' weekly digest."""
    return dict(
        MatchProposal.objects.filter(program_id__in=program_ids, status=MatchProposal.Status.PROPOSED)
        .values_list("program_id")
        .annotate(n=Count("pk"))
        .order_by()
    )


def proposal_reminder_context(requests: list[ProviderRequest]) -> list[dict | None]:
    """Fresh when sent: nothing once the mentor answered, the proposal was withdrawn or its deadline passed."""
    proposals = MatchProposal.objects.select_related("mentor").in_bulk(
        {request.context["proposal_id"] for request in requests}
    )
    now = timezone.now()
    answers: list[dict | None] = []
    for request in requests:
        proposal = proposals.get(request.context["proposal_id"])
        waiting = (
            proposal is not None
            and request.user is not None
            and proposal.mentor.user_id == request.user.pk
            and proposal.status == MatchProposal.Status.PROPOSED
            and (proposal.respond_by is None or proposal.respond_by > now)
        )
        answers.append({} if waiting else None)
    return answers
