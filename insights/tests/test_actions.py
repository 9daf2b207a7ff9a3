"""What HR does from a pair's summary: nudge (once a week), pause, end, re-match; each recorded with who and when."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from insights import services
from insights.models import HRAction
from insights.services import InsightsError
from insights.tests.conftest import NOW, Known
from matching.models import MatchProposal, PairRule
from mentorship.accounts.models import User
from mentorship.notifications.models import Kind, Notice, NotificationSettings, OutboundEmail
from programs.models import Enrollment
from relationships.models import Relationship
from relationships.services import RelationshipError

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(user_of: Any) -> User:
    return user_of("program_admin")


def pair(known: Known, name: str) -> Relationship:
    return Relationship.objects.select_related("program", "mentee", "mentor").get(pk=known.pairs[name])


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def flashed(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- nudges ------------------------------------------------------------------------------------------------


def test_a_nudge_reaches_both_under_the_bell_and_by_email(known: Known, admin: User) -> None:
    bea = pair(known, "B")
    action = services.pair_nudge(relationship=bea, actor=admin, note="Shall we talk?")
    assert (action.kind, action.actor, action.week, action.note) == ("nudge", admin, "2027-W11", "Shall we talk?")
    notices = Notice.objects.filter(key__startswith=f"checkin-nudge:{bea.pk}:")
    assert sorted(notices.values_list("user_id", flat=True)) == sorted([bea.mentee_id, bea.mentor_id])
    assert {notice.url for notice in notices} == {bea.get_absolute_url()}
    assert "Known Mentoring" in notices[0].title
    emails = OutboundEmail.objects.filter(key__startswith=f"checkin-nudge:{bea.pk}:2027-W11:")
    assert sorted(emails.values_list("to", flat=True)) == ["bea@example.com", "rex@example.com"]


def test_one_nudge_a_week_at_most(known: Known, admin: User, clock: Any) -> None:
    bea = pair(known, "B")
    services.pair_nudge(relationship=bea, actor=admin)
    clock.shift(datetime.timedelta(days=6, hours=23))  # Monday next week: another ISO week, not yet seven days
    with pytest.raises(InsightsError, match="The next one can go on 22 March 2027"):
        services.pair_nudge(relationship=bea, actor=admin)
    clock.shift(datetime.timedelta(hours=1))
    services.pair_nudge(relationship=bea, actor=admin)
    assert HRAction.objects.filter(relationship=bea, kind="nudge").count() == 2
    assert Notice.objects.filter(key__startswith=f"checkin-nudge:{bea.pk}:").count() == 4


def test_the_database_holds_a_pair_to_one_nudge_a_week(known: Known, admin: User) -> None:
    bea = pair(known, "B")
    HRAction.objects.create(relationship=bea, actor=admin, kind="nudge", week="2027-W11")
    with pytest.raises(IntegrityError), transaction.atomic():
        HRAction.objects.create(relationship=bea, actor=admin, kind="nudge", week="2027-W11")
    with pytest.raises(IntegrityError), transaction.atomic():
        HRAction.objects.create(relationship=bea, actor=admin, kind="pause", week="2027-W11")


def test_someone_who_switched_these_emails_off_gets_the_notice_only(known: Known, admin: User) -> None:
    bea = pair(known, "B")
    NotificationSettings.objects.create(user_id=bea.mentee_id, modes={Kind.RELATIONSHIP_STALLED: "off"})
    services.pair_nudge(relationship=bea, actor=admin)
    assert Notice.objects.filter(user_id=bea.mentee_id, key__startswith="checkin-nudge:").exists()
    assert list(OutboundEmail.objects.filter(key__startswith="checkin-nudge:").values_list("to", flat=True)) == [
        "rex@example.com"
    ]


def test_nobody_to_nudge_in_a_closed_relationship(known: Known, admin: User) -> None:
    with pytest.raises(InsightsError, match="has ended"):
        services.pair_nudge(relationship=pair(known, "E"), actor=admin)
    assert not HRAction.objects.exists()


def test_only_the_programs_administrators_act(known: Known, user_of: Any) -> None:
    for name in ("other_program_admin", "Bea", "outsider"):
        with pytest.raises(InsightsError, match="administrators"):
            services.pair_nudge(relationship=pair(known, "B"), actor=user_of(name))
    assert not Notice.objects.exists()


def test_nudging_from_the_page(known: Known, admin: User) -> None:
    client = signed_in(admin)
    url = reverse("insights:pair_nudge", args=[known.pairs["B"]])
    response = client.post(url, {"nudge-note": "Line one\r\nLine two"}, follow=True)
    assert "Check-in sent" in response.content.decode()
    assert HRAction.objects.get().note == "Line one\r\nLine two"
    again = client.post(url, {"nudge-note": ""})
    assert flashed(again) == ["This pair already had a check-in nudge this week. The next one can go on 22 March 2027."]
    page = client.get(reverse("insights:pair", args=[known.pairs["B"]])).content.decode()
    assert "The next one can go on 22 March 2027" in page
    assert "Check-in nudge sent" in page  # the log of what the program team did
    assert "Hannah Resources" in page


def test_an_overlong_message_is_refused_where_the_person_is(known: Known, admin: User) -> None:
    response = signed_in(admin).post(
        reverse("insights:pair_nudge", args=[known.pairs["B"]]), {"nudge-note": "x" * 100_000}
    )
    assert response.status_code == 302
    assert any("at most 1000 characters" in message for message in flashed(response))
    assert not HRAction.objects.exists()


# -- pause and end -----------------------------------------------------------------------------------------


def test_pausing_tells_the_pair_and_is_recorded(known: Known, admin: User) -> None:
    cem = pair(known, "C")
    action = services.pair_pause(relationship=cem, actor=admin, reason="Cem is on leave")
    cem.refresh_from_db()
    assert (cem.status, cem.paused_reason) == ("paused", "Cem is on leave")
    assert (action.kind, action.note, action.actor) == ("pause", "Cem is on leave", admin)
    assert OutboundEmail.objects.filter(key__startswith=f"relationship-paused:{cem.pk}:").count() == 2
    with pytest.raises(RelationshipError, match="under way"):
        services.pair_pause(relationship=cem, actor=admin, reason="Again")
    with pytest.raises(RelationshipError, match="Say why"):
        services.pair_pause(relationship=pair(known, "D"), actor=admin, reason="  ")
    assert HRAction.objects.count() == 1


def test_ending_early_needs_a_reason(known: Known, admin: User) -> None:
    dan = pair(known, "D")
    client = signed_in(admin)
    url = reverse("insights:pair_end", args=[dan.pk])
    refused = client.post(url, {"end-outcome": "early", "end-note": ""})
    assert flashed(refused) == ["Say why the relationship ends early; it helps the program improve."]
    assert Relationship.objects.get(pk=dan.pk).status == "active"
    client.post(url, {"end-outcome": "completed", "end-note": ""})
    dan.refresh_from_db()
    assert (dan.status, dan.ended_by) == ("completed", admin)
    assert HRAction.objects.get().kind == "end"


def test_a_made_up_outcome_is_refused(known: Known, admin: User) -> None:
    response = signed_in(admin).post(
        reverse("insights:pair_end", args=[known.pairs["D"]]), {"end-outcome": "vanished", "end-note": "x"}
    )
    assert flashed(response)
    assert Relationship.objects.get(pk=known.pairs["D"]).status == "active"


# -- re-matching -------------------------------------------------------------------------------------------


def test_rematching_ends_the_pair_and_asks_the_next_best_mentor(known: Known, admin: User) -> None:
    bea = pair(known, "B")
    response = signed_in(admin).post(
        reverse("insights:pair_rematch", args=[bea.pk]), {"rematch-note": "They never found a rhythm"}
    )
    assert flashed(response) == ["The relationship ended and Ray R. was asked to take Bea B. on."]
    bea.refresh_from_db()
    assert (bea.status, bea.end_reason) == ("ended", "They never found a rhythm")
    action = HRAction.objects.get()
    assert (action.kind, action.actor, action.proposal.mentor.user.full_name) == ("rematch", admin, "Ray R.")
    assert action.proposal.status == MatchProposal.Status.PROPOSED
    assert action.proposal.respond_by == NOW + datetime.timedelta(days=3)
    assert OutboundEmail.objects.filter(key=f"proposal-received:{action.proposal.pk}", to="ray@example.com").exists()


def test_without_a_free_mentor_nothing_changes(known: Known, admin: User) -> None:
    bea = pair(known, "B")
    MatchProposal.objects.filter(status="proposed").update(status="withdrawn")
    # Ray is the only mentor with room; forbid him for Bea and the pair must stay together.
    enrollment = Enrollment.objects.get(program=bea.program, user=bea.mentee, role="mentee")
    ray = Enrollment.objects.get(program=bea.program, user__email="ray@example.com")
    PairRule.objects.create(program=bea.program, mentee=enrollment, mentor=ray, rule="forbid")
    with pytest.raises(InsightsError, match=r"No other mentor with a free place fits Bea B\."):
        services.pair_rematch(relationship=bea, actor=admin, reason="Not a fit")
    assert Relationship.objects.get(pk=bea.pk).status == "active"
    assert not HRAction.objects.exists()
    assert not OutboundEmail.objects.filter(key__startswith="relationship-ended").exists()


def test_no_rematch_while_a_proposal_waits_or_without_a_reason(known: Known, admin: User) -> None:
    with pytest.raises(InsightsError, match="Say why"):
        services.pair_rematch(relationship=pair(known, "B"), actor=admin, reason="")
    # Dan already waits for Ray's answer.
    with pytest.raises(InsightsError, match="already waiting"):
        services.pair_rematch(relationship=pair(known, "D"), actor=admin, reason="Not a fit")
    assert Relationship.objects.get(pk=known.pairs["D"]).status == "active"


def test_a_closed_pairs_mentee_can_be_rematched(known: Known, admin: User) -> None:
    services.pair_end(relationship=pair(known, "A"), actor=admin, completed=True, reason="")  # Rex has room now
    action = services.pair_rematch(relationship=pair(known, "F"), actor=admin, reason="Fay wants another try")
    assert action.proposal is not None
    assert (action.proposal.mentee.user.full_name, action.proposal.mentor.user.full_name) == ("Fay F.", "Rex R.")
    assert Relationship.objects.get(pk=known.pairs["F"]).status == "ended"
