"""Matching through the pages: draft, lock, forbid, publish, mentor answers, mentee requests, concurrency."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from matching import services as match_services
from matching.models import MatchProposal, PairRule
from mentorship.accounts.models import Skill
from programs.models import Enrollment, Program
from programs.tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def enroll(
    program: Program, user: Any, role: str, *, capacity: int | None = None, skills: list[str] = ()
) -> Enrollment:
    enrollment = EnrollmentFactory(program=program, user=user, role=role, status="approved", capacity=capacity)
    skill_rows = [Skill.objects.get_or_create(key=s.casefold(), defaults={"name": s})[0] for s in skills]
    (enrollment.offers if role != "mentee" else enrollment.growth_areas).set(skill_rows)
    return enrollment


@pytest.fixture
def cast(program: Program, make_user: Any) -> dict[str, Any]:
    program.status = Program.Status.RUNNING
    program.save()
    people = {
        name: make_user(email=f"{name}@example.com", full_name=name.title())
        for name in ["mia", "max", "mo", "meg", "otto"]
    }
    for user in (people["mo"], people["meg"]):
        user.profile.seniority = 6
        user.profile.save()
    return {
        **people,
        "mia_e": enroll(program, people["mia"], "mentee", skills=["Python"]),
        "max_e": enroll(program, people["max"], "mentee", skills=["Negotiation"]),
        "mo_e": enroll(program, people["mo"], "mentor", capacity=1, skills=["Python"]),
        "meg_e": enroll(program, people["meg"], "mentor", capacity=1, skills=["Negotiation"]),
    }


def test_run_proposes_the_best_pairs_with_reasons(program: Program, program_admin: Any, cast: dict[str, Any]) -> None:
    report = match_services.matching_run(program=program, actor=program_admin)
    assert report.summary.startswith("2 of 2 mentees matched")
    pairs = {(p.mentee_id, p.mentor_id) for p in MatchProposal.objects.filter(status="draft")}
    assert pairs == {(cast["mia_e"].pk, cast["mo_e"].pk), (cast["max_e"].pk, cast["meg_e"].pk)}
    mia = MatchProposal.objects.get(mentee=cast["mia_e"])
    assert any("Python" in r["text"] for r in mia.reasons)


def test_locks_survive_reruns_and_forbids_are_respected(
    program: Program, program_admin: Any, cast: dict[str, Any]
) -> None:
    match_services.pair_rule_set(
        program=program, mentee_id=cast["mia_e"].pk, mentor_id=cast["meg_e"].pk, rule="lock", actor=program_admin
    )
    match_services.pair_rule_set(
        program=program, mentee_id=cast["max_e"].pk, mentor_id=cast["mo_e"].pk, rule="forbid", actor=program_admin
    )
    match_services.matching_run(program=program, actor=program_admin)
    match_services.matching_run(program=program, actor=program_admin)
    drafts = {(p.mentee_id, p.mentor_id): p for p in MatchProposal.objects.filter(status="draft")}
    assert set(drafts) == {(cast["mia_e"].pk, cast["meg_e"].pk)}
    assert drafts[(cast["mia_e"].pk, cast["meg_e"].pk)].locked
    assert PairRule.objects.count() == 2


def test_publish_accept_creates_the_relationship_and_tells_both(
    program: Program, program_admin: Any, cast: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    match_services.matching_run(program=program, actor=program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert match_services.matching_publish(program=program, actor=program_admin) == 2
    assert {m.to[0] for m in mail.outbox} == {"mo@example.com", "meg@example.com"}
    proposal = MatchProposal.objects.get(mentor=cast["mo_e"])
    client = Client()
    client.force_login(cast["mo"])
    page = client.get(reverse("matching:proposals")).content.decode()
    assert "Mia" in page and "Python" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("matching:proposal_respond", args=[proposal.pk, "accept"]))
    relationship = program.relationships.get()
    assert response.url == relationship.get_absolute_url()
    assert (relationship.mentee, relationship.mentor) == (cast["mia"], cast["mo"])
    assert any(m.to == ["mia@example.com"] for m in mail.outbox)
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.ACCEPTED


def test_decline_moves_the_mentee_to_the_next_best_mentor(
    program: Program, program_admin: Any, cast: dict[str, Any], make_user: Any
) -> None:
    spare = make_user(email="sam@example.com", full_name="Sam Spare")
    spare.profile.seniority = 6
    spare.profile.save()
    spare_e = enroll(program, spare, "mentor", capacity=1, skills=["Python"])
    match_services.matching_run(program=program, actor=program_admin)
    match_services.matching_publish(program=program, actor=program_admin)
    first = MatchProposal.objects.get(mentee=cast["mia_e"])
    mentor_user = first.mentor.user
    with pytest.raises(match_services.MatchingError):
        match_services.proposal_decline(proposal=first, actor=mentor_user, reason="  ")
    follow_up = match_services.proposal_decline(proposal=first, actor=mentor_user, reason="No time this quarter")
    assert follow_up is not None
    assert follow_up.status == MatchProposal.Status.PROPOSED
    assert follow_up.mentor_id != first.mentor_id
    assert follow_up.mentor_id in {spare_e.pk, cast["mo_e"].pk}


def test_only_the_proposed_mentor_may_answer(program: Program, program_admin: Any, cast: dict[str, Any]) -> None:
    match_services.matching_run(program=program, actor=program_admin)
    match_services.matching_publish(program=program, actor=program_admin)
    proposal = MatchProposal.objects.get(mentor=cast["mo_e"])
    client = Client()
    client.force_login(cast["otto"])
    assert client.post(reverse("matching:proposal_respond", args=[proposal.pk, "accept"])).status_code == 404
    client.force_login(cast["mia"])  # the mentee sees it but cannot accept for the mentor
    client.post(reverse("matching:proposal_respond", args=[proposal.pk, "accept"]))
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PROPOSED


def test_no_mentor_capacity_gives_a_clear_result(program: Program, program_admin: Any, cast: dict[str, Any]) -> None:
    Enrollment.objects.filter(role="mentor").update(capacity=0)
    report = match_services.matching_run(program=program, actor=program_admin)
    assert report.summary == "0 of 2 mentees matched: no mentor has free capacity"
    client = Client()
    client.force_login(program_admin)
    response = client.post(reverse("matching:review", args=[program.slug]), {"action": "run"})
    assert response.status_code == 200
    assert "no mentor has free capacity" in response.content.decode()


def test_matching_pages_are_for_the_program_admins_only(
    program: Program, cast: dict[str, Any], other_program_admin: Any
) -> None:
    client = Client()
    for user in (cast["otto"], other_program_admin):
        client.force_login(user)
        assert client.get(reverse("matching:review", args=[program.slug])).status_code == 404
        assert client.post(reverse("matching:review", args=[program.slug]), {"action": "run"}).status_code == 404
    assert not MatchProposal.objects.exists()


def test_mentee_chooses_from_ranked_recommendations(program: Program, cast: dict[str, Any]) -> None:
    program.matching_mode = Program.MatchingMode.MENTEE_CHOOSES
    program.save()
    client = Client()
    client.force_login(cast["mia"])
    page = client.get(reverse("matching:choose", args=[program.slug])).content.decode()
    assert page.index("Mo") < page.index("Meg")  # Mo offers Python, which Mia wants
    response = client.post(reverse("matching:choose", args=[program.slug]), {"mentor": cast["mo_e"].pk})
    assert response.status_code == 302
    request = MatchProposal.objects.get(mentee=cast["mia_e"])
    assert (request.origin, request.status) == (MatchProposal.Origin.MENTEE, MatchProposal.Status.PROPOSED)
    again = client.post(reverse("matching:choose", args=[program.slug]), {"mentor": cast["mo_e"].pk})
    assert again.status_code == 302
    assert MatchProposal.objects.filter(mentee=cast["mia_e"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_never_exceed_capacity(program_admin: Any, make_user: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this proves; SQLite serialises every write anyway")
    from programs.services import program_create

    program = program_create(created_by=program_admin, name="Race", status=Program.Status.RUNNING)
    mentor = make_user(email="busy@example.com")
    mentor_e = enroll(program, mentor, "mentor", capacity=1)
    proposals = []
    for name in ("a", "b"):
        mentee_e = enroll(program, make_user(email=f"{name}@example.com"), "mentee")
        proposals.append(
            MatchProposal.objects.create(
                program=program, mentee=mentee_e, mentor=mentor_e, origin="engine", status="proposed"
            )
        )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept(proposal: MatchProposal) -> None:
        barrier.wait()
        try:
            match_services.proposal_accept(proposal=proposal, actor=mentor)
            outcomes.append("accepted")
        except match_services.MatchingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(p,)) for p in proposals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["accepted", "refused"]
    assert program.relationships.count() == 1


def test_admin_assigning_by_hand_sees_the_score_and_the_rules(
    program: Program, program_admin: Any, cast: dict[str, Any]
) -> None:
    cast["mia"].profile.manager = cast["meg"]
    cast["mia"].profile.save()
    client = Client()
    client.force_login(program_admin)
    url = reverse("matching:relationships", args=[program.slug])
    good = client.post(url, {"mentee": cast["mia"].pk, "mentor": cast["mo"].pk, "action": "check"}).content.decode()
    assert "wants to grow in Python, which" in good and "No matching rule stands in the way" in good
    bad = client.post(url, {"mentee": cast["mia"].pk, "mentor": cast["meg"].pk, "action": "check"}).content.decode()
    assert "the mentor is the mentee&#x27;s manager" in bad
    assert not program.relationships.exists()
