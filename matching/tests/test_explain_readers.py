"""Explanations read from each side: the mentor about the mentee, the mentee about the mentor, HR about both;
no ingredient both a plus and a minus; the score on one named scale; pairs against a stated wish flagged."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import services as match_services
from matching.engine.explain import BANDS, Names, Voice, explain_pair, penalty_text, reason_text, score_band, sides
from matching.engine.scoring import ScoringContext, compatibility
from matching.engine.types import KINDS, Ingredient, Mentee, Mentor, ProgramSettings, ScoreItem
from matching.models import MatchProposal
from matching.templatetags.matching_phrases import for_reader, match_band
from matching.tests.test_flow import cast, enroll  # noqa: F401 - the fixture is used by name
from matching.wishes import wish_conflicts
from programs.models import Program

API = 7
ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Adelaide", "Asia/Kolkata", "Nowhere/X"]


def test_the_mentor_reads_about_the_mentee_by_name() -> None:
    names = Names(skills={API: "API design"})
    grace = Voice("mentor", mentee="Grace", mentor="Ada")
    skill = ScoreItem(Ingredient.SKILL, 3.0, skills=(API,))
    senior = ScoreItem(Ingredient.SENIORITY, 2.0, levels=3)
    assert reason_text(skill, names, grace) == "Grace wants to grow in API design, which you offer"
    assert reason_text(senior, names, grace) == "Grace is 3 levels junior to you"
    assert penalty_text(ScoreItem(Ingredient.LANGUAGE, 0), names, grace) == "no shared language with Grace"


def test_the_mentee_reads_about_the_mentor_and_hr_about_both() -> None:
    names = Names(skills={API: "API design"})
    skill = ScoreItem(Ingredient.SKILL, 3.0, skills=(API,))
    senior = ScoreItem(Ingredient.SENIORITY, 2.0, levels=3)
    mentee = Voice("mentee", mentee="Grace", mentor="Ada")
    hr = Voice("hr", mentee="Grace", mentor="Ada")
    assert reason_text(skill, names, mentee) == "Ada offers API design, which you want to grow in"
    assert reason_text(senior, names, mentee) == "Ada is 3 levels more senior than you"
    assert reason_text(skill, names, hr) == "Grace wants to grow in API design, which Ada offers"
    assert reason_text(senior, names, hr) == "Ada is 3 levels more senior than Grace"


mentees = st.builds(
    Mentee,
    id=st.just(1),
    user_id=st.just(1),
    department=st.sampled_from(["", "eng", "sales"]),
    seniority=st.integers(1, 8),
    time_zone=st.sampled_from(ZONES),
    languages=st.frozensets(st.sampled_from(["en", "fr", "de"])),
    growth_areas=st.frozensets(st.integers(1, 5), max_size=3),
    goal_categories=st.frozensets(st.sampled_from(["skills", "career", "culture"])),
    prefers_outside_team=st.booleans(),
    wishes=st.lists(st.integers(1, 4), max_size=5).map(tuple),
)
mentors = st.builds(
    Mentor,
    id=st.integers(1, 4),
    user_id=st.just(2),
    department=st.sampled_from(["", "eng", "sales"]),
    seniority=st.integers(1, 8),
    time_zone=st.sampled_from(ZONES),
    languages=st.frozensets(st.sampled_from(["en", "fr", "de"])),
    skills=st.frozensets(st.integers(1, 5), max_size=3),
    categories=st.frozensets(st.sampled_from(["skills", "career", "culture"])),
)


@settings(max_examples=300, deadline=None)
@given(mentee=mentees, mentor=mentors, kind=st.sampled_from(KINDS))
def test_no_ingredient_is_both_a_plus_and_a_minus(mentee: Mentee, mentor: Mentor, kind: str) -> None:
    context = ScoringContext.build(ProgramSettings(kind=kind, sponsor_min_gap=0), [mentor], [mentee])
    pluses, minuses = sides(compatibility(mentee, mentor, context))
    assert not {i.ingredient for i in pluses} & {i.ingredient for i in minuses}
    explanation = explain_pair(mentee, mentor, context, top=10)
    assert not set(explanation.reasons) & set(explanation.penalties)
    for reader in ("mentee", "mentor", "hr"):
        voice = Voice(reader, "Grace", "Ada")  # type: ignore[arg-type]
        texts = [reason_text(i, voice=voice) for i in pluses] + [penalty_text(i, voice=voice) for i in minuses]
        assert all(texts) and not any(" she " in t or " he " in t or " her " in t or " his " in t for t in texts)


def test_a_short_overlap_is_a_minus_only() -> None:
    mentee = Mentee(id=1, user_id=1, time_zone="Europe/Berlin")
    mentor = Mentor(id=2, user_id=2, time_zone="America/Chicago")  # 7 hours apart: one hour in common
    context = ScoringContext.build(ProgramSettings(), [mentor], [mentee])
    result = compatibility(mentee, mentor, context)
    pluses, minuses = sides(result)
    assert Ingredient.TIME_ZONE in {i.ingredient for i in minuses}
    assert Ingredient.TIME_ZONE not in {i.ingredient for i in pluses}


@given(score=st.floats(allow_nan=True, allow_infinity=True))
def test_the_scale_is_0_to_100_with_named_bands(score: float) -> None:
    band = score_band(score)
    assert 0 <= band.value <= 100
    assert band.label in {label for _low, label, _m in BANDS} and band.meaning
    if math.isfinite(score) and score > 0:
        assert score_band(score + 1).value >= band.value


def test_band_names_and_filters_survive_bad_values() -> None:
    assert score_band(100).label == "Strong match" and score_band(0).label == "Weak match"
    assert match_band("not a number").value == 0
    assert for_reader({"text": "old", "for": {"mentor": "new"}}, "mentor") == "new"
    assert for_reader({"text": "old"}, "mentor") == "old"  # stored before per-reader sentences
    assert for_reader("junk", "hr") == "" and for_reader({"text": 3}, "hr") == ""


# -- the pages ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_page_speaks_to_its_reader(
    program: Program,
    program_admin: Any,
    cast: dict[str, Any],  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    match_services.matching_run(program=program, actor=program_admin)
    client = Client()
    client.force_login(program_admin)
    review = client.get(reverse("matching:review", args=[program.slug])).content.decode()
    assert "Mia wants to grow in Python, which Mo offers" in review
    assert "out of 100" in review and "How to read the score" in review
    with django_capture_on_commit_callbacks(execute=True):
        match_services.matching_publish(program=program, actor=program_admin)
    (email,) = [m for m in mail.outbox if m.to == ["mo@example.com"]]
    assert "Mia wants to grow in Python, which you offer" in email.body and "out of 100" in email.body
    assert "which you want to grow in" not in email.body
    client.force_login(cast["mo"])
    proposals = client.get(reverse("matching:proposals")).content.decode()
    assert "Mia wants to grow in Python, which you offer" in proposals
    assert "levels junior to you" in proposals
    assert any(label in proposals for _low, label, _m in BANDS)


@pytest.mark.django_db
def test_the_mentee_reads_about_the_mentor(program: Program, cast: dict[str, Any]) -> None:  # noqa: F811
    program.matching_mode = Program.MatchingMode.MENTEE_CHOOSES
    program.save()
    client = Client()
    client.force_login(cast["mia"])
    page = client.get(reverse("matching:choose", args=[program.slug])).content.decode()
    assert "Mo offers Python, which you want to grow in" in page
    assert "out of 100" in page


@pytest.mark.django_db
def test_a_draft_against_a_stated_wish_is_flagged_for_hr(
    program: Program,
    program_admin: Any,
    cast: dict[str, Any],  # noqa: F811
    make_user: Any,
    django_assert_max_num_queries: Any,
) -> None:
    for name in ("mia", "mo"):
        cast[name].profile.department = "Platform"
        cast[name].profile.save()
    cast["mia_e"].prefers_outside_team = True
    cast["mia_e"].languages = ["fr"]
    cast["mia_e"].save()
    cast["mo_e"].languages = ["en"]
    cast["mo_e"].save()
    match_services.matching_run(program=program, actor=program_admin)
    assert MatchProposal.objects.filter(mentee=cast["mia_e"], mentor=cast["mo_e"]).exists()
    client = Client()
    client.force_login(program_admin)
    url = reverse("matching:review", args=[program.slug])
    page = client.get(url).content.decode()
    assert "Against a stated wish" in page
    assert "Mia asked for a mentor from another team; Mo works in the same team (Platform)." in page
    assert "Mia asked to talk in French; Mo does not speak it." in page
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for k in range(6):  # more pairs in the draft cost no more queries
        user = make_user(email=f"extra{k}@example.com", full_name=f"Extra {k}")
        enroll(program, user, "mentee", skills=["Python"])
        helper = make_user(email=f"helper{k}@example.com", full_name=f"Helper {k}")
        enroll(program, helper, "mentor", capacity=1, skills=["Python"])
    match_services.matching_run(program=program, actor=program_admin)
    assert MatchProposal.objects.filter(status="draft").count() >= 8
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


@pytest.mark.django_db
def test_each_kind_of_stated_wish_is_named_with_whose_it_is(program: Program, make_user: Any) -> None:
    grace = make_user(email="grace@example.com", full_name="Grace Hopper")
    ada = make_user(email="ada@example.com", full_name="Ada Lovelace")
    other = make_user(email="other@example.com", full_name="Other Mentor")
    mentee = enroll(program, grace, "mentee")
    mentor = enroll(program, ada, "mentor")
    wished = enroll(program, other, "mentor")
    assert wish_conflicts(mentee, mentor) == []

    mentee.wished_mentors = [wished.pk]
    mentee.languages = ["de", "fr"]
    mentor.languages = ["en"]
    mentee.prefers_outside_team = True
    grace.profile.department = ""
    ada.profile.is_external = True
    found = wish_conflicts(mentee, mentor)
    assert found == [
        "Grace asked for a mentor from another team; a team is missing, so this is unchecked.",
        "Grace asked to talk in French or German; Ada speaks none of them.",
        "Ada asked to talk in English; Grace does not speak it.",
        "Grace named other mentors Grace would like; Ada is not among them.",
        "Grace did not ask for a mentor from outside the organisation; Ada is external.",
    ]
    mentee.avoided_mentors = [mentor.pk]
    assert "Grace asked not to be paired with Ada." in wish_conflicts(mentee, mentor)
