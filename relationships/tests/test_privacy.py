"""Privacy: render every page each person can reach and look for what they must never read.

Private notes are for their author alone. Goals and the agreement are shared by the two people. HR (the
program's admins) sees statuses, counts and ratings, plus the goals a mentee chose to share: title, status and
progress, nothing more.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import User
from mentorship.notifications.models import OutboundEmail
from programs.models import Program
from relationships import services
from relationships.models import AdvocacyAction, Goal, Relationship, Side
from relationships.services import ReflectionInput
from relationships.tests.factories import agreement_fields

pytestmark = pytest.mark.django_db

MENTEE_NOTE = "Mentee note: nervous about the reorg"
MENTOR_NOTE = "Mentor note: suspect burnout"
SPONSEE_NOTE = "Sponsee note: eyeing the VP job"
SPONSOR_NOTE = "Sponsor note: board is sceptical"
PRIVATE_GOAL = "Leave the company within a year"
PRIVATE_GOAL_WHY = "Why: my manager undermines me"
SHARED_GOAL = "Lead the payments migration"
SHARED_GOAL_WHY = "Why shared: I want the staff title"
SHARED_GOAL_MEASURE = "Measure: migration done by Q3"
GOAL_COMMENT = "Comment: talk to Priya about the budget"
MILESTONE = "Milestone: present the plan to the CTO"
AGREEMENT_OUTCOMES = "Outcomes: negotiate a raise"
AGREEMENT_CONFIDENTIALITY = "Confidentiality: never mention the health issue"
ADVOCACY = "Advocacy: named Mia for the Berlin lead role"
FOLLOWUP = "Followup: got the interview"

NOTES = [MENTEE_NOTE, MENTOR_NOTE, SPONSEE_NOTE, SPONSOR_NOTE]
CONTENTS = [
    PRIVATE_GOAL,
    PRIVATE_GOAL_WHY,
    SHARED_GOAL_WHY,
    SHARED_GOAL_MEASURE,
    GOAL_COMMENT,
    MILESTONE,
    AGREEMENT_OUTCOMES,
    AGREEMENT_CONFIDENTIALITY,
    ADVOCACY,
    FOLLOWUP,
]


@dataclass
class Story:
    relationship: Relationship
    sponsorship: Relationship
    private_goal: Goal
    shared_goal: Goal


@pytest.fixture
def story(relationship: Relationship, sponsorship: Relationship, other_relationship: Relationship) -> Story:
    mentee, mentor = relationship.mentee, relationship.mentor

    def goal(**fields: object) -> Goal:
        return services.goal_save(
            relationship=relationship, side=Side.MENTEE, actor=mentee, goal=None, category="career", **fields
        )

    private_goal = goal(title=PRIVATE_GOAL, why=PRIVATE_GOAL_WHY)
    shared_goal = goal(
        title=SHARED_GOAL,
        why=SHARED_GOAL_WHY,
        success_measure=SHARED_GOAL_MEASURE,
        status=Goal.Status.IN_PROGRESS,
        progress=40,
        shared_with_program=True,
    )
    services.goal_comment(goal=shared_goal, side=Side.MENTOR, actor=mentor, body=GOAL_COMMENT)
    services.milestone_add(goal=shared_goal, side=Side.MENTEE, title=MILESTONE, due_on=None)
    agreement = services.agreement_save(
        relationship=relationship,
        side=Side.MENTOR,
        actor=mentor,
        **agreement_fields(desired_outcomes=AGREEMENT_OUTCOMES, confidentiality=AGREEMENT_CONFIDENTIALITY),
    )
    services.agreement_accept(agreement=agreement, side=Side.MENTEE, actor=mentee)
    for rel, side, actor, body in (
        (relationship, Side.MENTEE, mentee, MENTEE_NOTE),
        (relationship, Side.MENTOR, mentor, MENTOR_NOTE),
        (sponsorship, Side.MENTEE, mentee, SPONSEE_NOTE),
        (sponsorship, Side.MENTOR, mentor, SPONSOR_NOTE),
    ):
        services.private_note_add(relationship=rel, side=side, actor=actor, body=body)
    action = services.advocacy_save(
        relationship=sponsorship,
        side=Side.MENTOR,
        actor=mentor,
        action=None,
        kind=AdvocacyAction.Kind.PROMOTION,
        happened_on=datetime.date(2030, 1, 10),
        description=ADVOCACY,
        status=AdvocacyAction.Status.DONE,
        outcome=AdvocacyAction.Outcome.SUCCEEDED,
    )
    services.advocacy_followup(action=action, side=Side.MENTEE, actor=mentee, text=FOLLOWUP)
    return Story(relationship, sponsorship, private_goal, shared_goal)


def pages_of(client: Client, user: User, story: Story, program: Program, sponsorship_program: Program) -> str:
    """Everything this person can open about the two relationships, concatenated."""
    client.force_login(user)
    rel, spon = story.relationship, story.sponsorship
    urls = [
        reverse("home"),
        reverse("relationships:list"),
        rel.get_absolute_url(),
        spon.get_absolute_url(),
        reverse("relationships:agreement_version", args=[rel.pk, 1]),
        reverse("relationships:agreement_edit", args=[rel.pk]),
        reverse("relationships:end", args=[rel.pk]),
        reverse("relationships:goal_new", args=[rel.pk]),
        reverse("relationships:goal_edit", args=[rel.pk, story.shared_goal.pk]),
        reverse("relationships:advocacy_edit", args=[spon.pk, spon.advocacy.get().pk]),
        reverse("matching:relationships", args=[program.slug]),
        reverse("matching:relationships", args=[sponsorship_program.slug]),
    ]
    html = []
    reached = 0
    for url in urls:
        response = client.get(url, follow=True)
        if response.status_code == 200:
            reached += 1
            html.append(response.content.decode())
    assert reached >= 4, "the person should reach their pages; an empty render proves nothing"
    return "\n".join(html)


def test_each_person_sees_their_own_private_notes(
    client: Client, story: Story, program: Program, sponsorship_program: Program
) -> None:
    rel = story.relationship
    mentee_pages = pages_of(client, rel.mentee, story, program, sponsorship_program)
    mentor_pages = pages_of(client, rel.mentor, story, program, sponsorship_program)

    assert MENTEE_NOTE in mentee_pages and SPONSEE_NOTE in mentee_pages
    assert MENTOR_NOTE in mentor_pages and SPONSOR_NOTE in mentor_pages


def test_the_other_person_never_sees_my_private_notes(
    client: Client, story: Story, program: Program, sponsorship_program: Program
) -> None:
    rel = story.relationship
    mentee_pages = pages_of(client, rel.mentee, story, program, sponsorship_program)
    mentor_pages = pages_of(client, rel.mentor, story, program, sponsorship_program)

    for note in (MENTOR_NOTE, SPONSOR_NOTE):
        assert note not in mentee_pages
    for note in (MENTEE_NOTE, SPONSEE_NOTE):
        assert note not in mentor_pages


def test_the_two_people_share_goals_comments_agreement_and_advocacy(
    client: Client, story: Story, program: Program, sponsorship_program: Program
) -> None:
    rel = story.relationship
    for person in (rel.mentee, rel.mentor):
        pages = pages_of(client, person, story, program, sponsorship_program)
        for text in CONTENTS:
            assert text in pages, f"{person} should read {text!r}"


def test_hr_sees_statuses_counts_and_shared_goals_but_no_contents(
    client: Client, story: Story, program_admin: User, program: Program, sponsorship_program: Program
) -> None:
    pages = pages_of(client, program_admin, story, program, sponsorship_program)

    for text in NOTES + CONTENTS:
        assert text not in pages, f"HR must not read {text!r}"
    # What HR does see: the shared goal's title and progress, statuses, counts, advocacy outcomes.
    assert SHARED_GOAL in pages
    assert "40%" in pages
    assert "Getting started" in pages
    assert "1 action recorded." in pages
    assert "Recommended for a promotion" in pages and "Succeeded" in pages


def test_hr_does_not_see_the_timeline_which_names_private_goals(
    client: Client, story: Story, program_admin: User
) -> None:
    rel = story.relationship
    assert rel.activity.filter(summary__contains=PRIVATE_GOAL).exists()
    client.force_login(program_admin)

    detail = client.get(rel.get_absolute_url()).content.decode()

    assert PRIVATE_GOAL not in detail
    assert 'id="activity"' not in detail


def test_hr_sees_a_goal_only_while_the_mentee_shares_it(client: Client, story: Story, program_admin: User) -> None:
    rel = story.relationship
    client.force_login(program_admin)
    assert PRIVATE_GOAL not in client.get(rel.get_absolute_url()).content.decode()

    services.goal_save(
        relationship=rel, side=Side.MENTEE, actor=rel.mentee, goal=story.private_goal, shared_with_program=True
    )
    assert PRIVATE_GOAL in client.get(rel.get_absolute_url()).content.decode()
    assert PRIVATE_GOAL_WHY not in client.get(rel.get_absolute_url()).content.decode()

    services.goal_save(
        relationship=rel, side=Side.MENTEE, actor=rel.mentee, goal=story.private_goal, shared_with_program=False
    )
    assert PRIVATE_GOAL not in client.get(rel.get_absolute_url()).content.decode()


def test_strangers_read_nothing_of_the_relationship(
    client: Client,
    story: Story,
    other_relationship: Relationship,
    outsider: User,
    other_program_admin: User,
    program: Program,
    sponsorship_program: Program,
) -> None:
    for stranger in (other_relationship.mentee, other_relationship.mentor, outsider, other_program_admin):
        client.force_login(stranger)
        html = "".join(
            client.get(url).content.decode()
            for url in (reverse("home"), reverse("relationships:list"), story.relationship.get_absolute_url())
        )
        for text in [*NOTES, *CONTENTS, SHARED_GOAL]:
            assert text not in html


def test_no_email_carries_a_private_note(story: Story) -> None:
    rel = story.relationship
    services.relationship_pause(relationship=rel, side=Side.MENTOR, actor=rel.mentor, reason="Travel")
    services.relationship_end(relationship=rel, side=Side.MENTOR, actor=rel.mentor, completed=True, reason="")

    assert OutboundEmail.objects.exists()
    for email in OutboundEmail.objects.all():
        for note in NOTES:
            assert note not in email.body_text + email.body_html + email.subject


def test_hr_sees_the_rating_of_a_reflection_but_not_its_words(
    client: Client, story: Story, program_admin: User, program: Program
) -> None:
    rel = story.relationship
    services.relationship_end(relationship=rel, side=Side.MENTEE, actor=rel.mentee, completed=True, reason="")
    words = ReflectionInput(
        goals_reached="Reached: the migration",
        what_worked="Worked: brutal honesty",
        what_to_change="Change: fewer cancellations",
        rating=3,
        thank_you="Thanks: you were patient",
    )
    services.reflection_save(relationship=rel, side=Side.MENTEE, actor=rel.mentee, data=words)
    client.force_login(program_admin)

    html = client.get(reverse("matching:relationships", args=[program.slug])).content.decode()
    html += client.get(rel.get_absolute_url()).content.decode()

    assert "Average rating 3.0 out of 5 from 1 reflection." in html
    for text in (words.goals_reached, words.what_worked, words.what_to_change, words.thank_you):
        assert text not in html


def test_a_private_note_leaves_nothing_in_the_shared_timeline(client: Client, story: Story) -> None:
    rel = story.relationship
    client.force_login(rel.mentor)

    detail = client.get(rel.get_absolute_url()).content.decode()

    assert not rel.activity.filter(summary__icontains="note").exists()
    assert "note" not in detail.split('id="activity"')[1].split("</section>")[0].lower()
