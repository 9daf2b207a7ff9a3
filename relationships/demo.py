"""Demo relationships for `seed_demo`: one in every status, goals, agreements and a sponsorship's advocacy."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from programs.demo import MENTORING_SLUG, SPONSORSHIP_SLUG
from programs.models import Program
from relationships.models import Activity, AdvocacyAction, Agreement, Goal, Milestone, Reflection, Relationship

R = Relationship.Status

# (program slug, mentee, mentor, status, started days ago)
PAIRS = [
    (MENTORING_SLUG, "sam.taylor@example.com", "maria.lopez@example.com", R.ACTIVE, 20),
    (MENTORING_SLUG, "priya.shah@example.com", "amara.nwosu@example.com", R.STARTING, 10),
    (MENTORING_SLUG, "noah.fischer@example.com", "li.wei@example.com", R.PAUSED, 18),
    (MENTORING_SLUG, "sam.taylor@example.com", "kenji.watanabe@example.com", R.COMPLETED, 200),
    (MENTORING_SLUG, "priya.shah@example.com", "kenji.watanabe@example.com", R.ENDED, 120),
    (SPONSORSHIP_SLUG, "lucas.martin@example.com", "vp.engineering@example.com", R.ACTIVE, 30),
]

GOALS = {
    "sam.taylor@example.com": (
        "Lead the design of a service end to end",
        "skills",
        "I want to own decisions, not just code them.",
        "A design doc I wrote is approved and shipped.",
    ),
    "priya.shah@example.com": (
        "Automate the weekly reporting in Python",
        "skills",
        "It eats a day every week.",
        "The report runs on its own for a month.",
    ),
    "noah.fischer@example.com": (
        "Get ready for an on-call lead role",
        "career",
        "I want to grow into leading incidents.",
        "I lead two incident reviews.",
    ),
    "lucas.martin@example.com": (
        "Be considered for the senior PM role",
        "career",
        "I am ready for broader scope.",
        "I am on the shortlist in the spring round.",
    ),
}


def _agreement(relationship: Relationship, *, mentee_ok: bool, mentor_ok: bool) -> None:
    if relationship.agreements.exists():
        return
    accepted = timezone.now() - datetime.timedelta(days=5)
    Agreement.objects.create(
        relationship=relationship,
        channels=[
            {"channel": "Video call", "purpose": "our monthly meetings"},
            {"channel": "Chat", "purpose": "quick questions in between"},
        ],
        cadence=relationship.program.default_cadence,
        meeting_minutes=relationship.program.default_meeting_minutes,
        mentee_responsibilities="Come with an agenda, follow up on action items, say when something is not working.",
        mentor_responsibilities="Listen first, share experience honestly, open doors where it helps.",
        mentee_offers="A fresh view of how newer colleagues experience the team.",
        mentor_offers="Years of experience in the field and a wide network.",
        desired_outcomes="Progress on the goals above, and a clearer picture of the next career step.",
        confidentiality="What we discuss stays between us unless we both agree otherwise.",
        ends_on=relationship.planned_end_on,
        drafted_by=relationship.mentee,
        mentee_accepted_at=accepted if mentee_ok else None,
        mentor_accepted_at=accepted if mentor_ok else None,
    )


@transaction.atomic
def seed_relationships() -> list[str]:
    today = timezone.localdate()
    users = {u.email: u for u in User.objects.filter(email__in={p[1] for p in PAIRS} | {p[2] for p in PAIRS})}
    programs = {p.slug: p for p in Program.objects.filter(slug__in=[MENTORING_SLUG, SPONSORSHIP_SLUG])}
    lines = []
    for slug, mentee_email, mentor_email, status, days_ago in PAIRS:
        program, mentee, mentor = programs[slug], users[mentee_email], users[mentor_email]
        started = today - datetime.timedelta(days=days_ago)
        closed = status in Relationship.CLOSED_STATUSES
        relationship, created = Relationship.objects.get_or_create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            defaults={
                "kind": program.kind,
                "status": status,
                "started_on": started,
                "planned_end_on": started + datetime.timedelta(days=30 * program.default_relationship_months),
                "mentor_is_external": mentor.profile.is_external,
                "mentor_outside_team": mentor.profile.department != mentee.profile.department,
                "paused_reason": "Parental leave until next month." if status == R.PAUSED else "",
                "ended_on": started + datetime.timedelta(days=90) if closed else None,
                "end_reason": "Priya moved to another team with a built-in mentor." if status == R.ENDED else "",
                "ended_by": mentee if closed else None,
            },
        )
        lines.append(f"{relationship} ({relationship.get_status_display().lower()})")
        if not created:
            continue
        Activity.objects.create(relationship=relationship, actor=None, summary="The relationship was created.")
        title, category, why, measure = GOALS[mentee_email]
        if status != R.STARTING or mentee_email == "priya.shah@example.com":
            goal = Goal.objects.create(
                relationship=relationship,
                title=title,
                category=category,
                why=why,
                success_measure=measure,
                target_date=started + datetime.timedelta(days=150),
                status=Goal.Status.ACHIEVED if status == R.COMPLETED else Goal.Status.IN_PROGRESS,
                progress=100 if status == R.COMPLETED else 40,
                shared_with_program=status == R.ACTIVE,
            )
            Milestone.objects.create(
                goal=goal, title="Agree the first step", due_on=started + datetime.timedelta(days=14)
            )
        # Priya's new relationship waits on Amara's acceptance of the agreement.
        waiting = status == R.STARTING
        _agreement(relationship, mentee_ok=True, mentor_ok=not waiting)
        if closed:
            for author, rating in ((mentee, 5 if status == R.COMPLETED else 3), (mentor, 4)):
                Reflection.objects.create(
                    relationship=relationship,
                    author=author,
                    goals_reached="Most of what we set out to do.",
                    what_worked="Regular meetings with a clear agenda.",
                    what_to_change="Start the agreement earlier.",
                    rating=rating,
                    thank_you="Thank you for your time and honesty." if author == mentee else "",
                )
        if relationship.is_sponsorship:
            for kind, days, outcome, followup in [
                (AdvocacyAction.Kind.INTRODUCTION, 25, AdvocacyAction.Outcome.SUCCEEDED, "We now meet quarterly."),
                (AdvocacyAction.Kind.PROJECT, 12, AdvocacyAction.Outcome.SUCCEEDED, "I lead the pricing revamp."),
                (AdvocacyAction.Kind.PROMOTION, -20, AdvocacyAction.Outcome.PENDING, ""),
            ]:
                AdvocacyAction.objects.create(
                    relationship=relationship,
                    kind=kind,
                    happened_on=today - datetime.timedelta(days=days),
                    description="Spoke up for Lucas with the leadership team.",
                    status=AdvocacyAction.Status.DONE if days > 0 else AdvocacyAction.Status.PLANNED,
                    outcome=outcome,
                    sponsee_followup=followup,
                    created_by=mentor,
                )
    return lines
