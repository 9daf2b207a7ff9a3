"""Demo programs for `seed_demo`: a running mentoring program, a sponsorship program and a program where mentees
choose their mentor, with enrollments in every status."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from mentorship.accounts.models import User
from programs.models import ApplicationQuestion, Enrollment, GoalCategory, Invitation, Program

MENTORING_SLUG = "engineering-mentoring-2026"
SPONSORSHIP_SLUG = "leadership-sponsorship"
GUILD_SLUG = "data-and-design-guild"

# (email, role, status, capacity) for each program.
MENTORING_ENROLLMENTS = [
    ("maria.lopez@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 2),
    ("kenji.watanabe@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 2),
    ("amara.nwosu@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 3),
    ("li.wei@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 1),
    ("omar.haddad@partner.example.org", Enrollment.Role.MENTOR, Enrollment.Status.INVITED, None),
    ("sam.taylor@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("priya.shah@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("noah.fischer@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("ana.souza@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPLIED, None),
    ("grace.kim@example.com", Enrollment.Role.MENTEE, Enrollment.Status.WAITLISTED, None),
    ("lucas.martin@example.com", Enrollment.Role.MENTEE, Enrollment.Status.WITHDRAWN, None),
]
SPONSORSHIP_ENROLLMENTS = [
    ("vp.engineering@example.com", Enrollment.Role.SPONSOR, Enrollment.Status.APPROVED, 2),
    ("director.product@example.com", Enrollment.Role.SPONSOR, Enrollment.Status.APPROVED, 1),
    ("lucas.martin@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    # Approved, so the matching demo can propose her to a sponsor who has yet to answer.
    ("priya.shah@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("grace.kim@example.com", Enrollment.Role.MENTEE, Enrollment.Status.DECLINED, None),
]
# A program where mentees choose their mentor from recommendations.
GUILD_ENROLLMENTS = [
    ("kenji.watanabe@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 2),
    ("li.wei@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 2),
    ("amara.nwosu@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 2),
    ("maria.lopez@example.com", Enrollment.Role.MENTOR, Enrollment.Status.APPROVED, 1),
    ("grace.kim@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("ana.souza@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
    ("noah.fischer@example.com", Enrollment.Role.MENTEE, Enrollment.Status.APPROVED, None),
]
# Decisions this recent still show in the applicant's "needs you" list; the others were taken long ago.
RECENT_DECISION = datetime.timedelta(days=2)
OLD_DECISION = datetime.timedelta(days=40)


def _program(slug: str, defaults: dict[str, object], admin: User) -> Program:
    program, _created = Program.objects.get_or_create(slug=slug, defaults={**defaults, "created_by": admin})
    program.administrators.add(admin)
    return program


def _enroll(program: Program, rows: list[tuple[str, str, str, int | None]], admin: User) -> None:
    users = {user.email: user for user in User.objects.filter(email__in=[row[0] for row in rows])}
    now = timezone.now()
    for email, role, status, capacity in rows:
        user = users[email]
        decided = status in (Enrollment.Status.DECLINED, Enrollment.Status.WAITLISTED, Enrollment.Status.APPROVED)
        recent = status != Enrollment.Status.APPROVED
        enrollment, created = Enrollment.objects.get_or_create(
            program=program,
            user=user,
            role=role,
            defaults={
                "status": status,
                "capacity": capacity,
                "languages": user.profile.languages,
                "goal_categories": [GoalCategory.SKILL_DEVELOPMENT] if role == Enrollment.Role.MENTEE else [],
                "prefers_outside_team": role == Enrollment.Role.MENTEE and user.profile.open_to_outside_mentors,
                "decision_reason": "This round is full; please apply again next cycle."
                if status == Enrollment.Status.DECLINED
                else "",
                "decided_by": admin if decided else None,
                "decided_at": (now - (RECENT_DECISION if recent else OLD_DECISION)) if decided else None,
                "invited_by": admin if status == Enrollment.Status.INVITED else None,
            },
        )
        if created:
            enrollment.growth_areas.set(user.profile.growth_areas.all())
            enrollment.offers.set(user.profile.skills_offered.all())


@transaction.atomic
def seed_programs() -> list[str]:
    admin = User.objects.get(email="hr@example.com")
    today = timezone.localdate()
    mentoring = _program(
        MENTORING_SLUG,
        {
            "name": "Engineering Mentoring 2026",
            "kind": Program.Kind.MENTORING,
            "status": Program.Status.RUNNING,
            "description": "Six months of one-to-one mentoring for engineers and data people who want to grow "
            "their craft, their network and their confidence.",
            "access": Program.Access.APPROVAL,
            "allow_external": True,
            "enrollment_opens_on": today - datetime.timedelta(days=60),
            "enrollment_closes_on": today - datetime.timedelta(days=30),
            "starts_on": today - datetime.timedelta(days=21),
            "ends_on": today + datetime.timedelta(days=160),
            "goal_categories": [GoalCategory.SKILL_DEVELOPMENT, GoalCategory.CAREER_ADVANCEMENT],
            "custom_goal_categories": ["Moving into management"],
        },
        admin,
    )
    if not mentoring.questions.exists():
        ApplicationQuestion.objects.create(
            program=mentoring, prompt="What would make this program a success for you?", kind="long", required=True
        )
        ApplicationQuestion.objects.create(
            program=mentoring,
            prompt="How often would you like to meet?",
            kind="single",
            choices=["Every two weeks", "Every month"],
            position=1,
        )
    _enroll(mentoring, MENTORING_ENROLLMENTS, admin)
    Invitation.objects.get_or_create(
        program=mentoring,
        email="omar.haddad@partner.example.org",
        role=Enrollment.Role.MENTOR,
        defaults={
            "full_name": "Omar Haddad",
            "is_external": True,
            "token_hash": "demo-invitation-without-a-working-link",
            "invited_by": admin,
            "enrollment": Enrollment.objects.get(
                program=mentoring, user__email="omar.haddad@partner.example.org", role=Enrollment.Role.MENTOR
            ),
        },
    )
    sponsorship = _program(
        SPONSORSHIP_SLUG,
        {
            "name": "Leadership Sponsorship",
            "kind": Program.Kind.SPONSORSHIP,
            "status": Program.Status.OPEN,
            "description": "Senior leaders sponsor high-potential colleagues: they put them forward for stretch "
            "assignments, visible projects and promotions.",
            "access": Program.Access.APPROVAL,
            "enrollment_opens_on": today - datetime.timedelta(days=7),
            "enrollment_closes_on": today + datetime.timedelta(days=30),
            "starts_on": today + datetime.timedelta(days=45),
            "ends_on": today + datetime.timedelta(days=410),
            "default_relationship_months": 12,
            "goal_categories": [GoalCategory.CAREER_ADVANCEMENT],
            "default_mentor_capacity": 1,
        },
        admin,
    )
    _enroll(sponsorship, SPONSORSHIP_ENROLLMENTS, admin)
    guild = _program(
        GUILD_SLUG,
        {
            "name": "Data and Design Guild",
            "kind": Program.Kind.MENTORING,
            # Open: anyone may still join and pick a mentor.
            "status": Program.Status.OPEN,
            "description": "Pick your own mentor among data scientists, designers and engineering leads: the "
            "recommendations show who fits what you want to grow in.",
            "access": Program.Access.OPEN,
            "matching_mode": Program.MatchingMode.MENTEE_CHOOSES,
            "starts_on": today - datetime.timedelta(days=7),
            "ends_on": today + datetime.timedelta(days=180),
            "mentor_response_days": 5,
        },
        admin,
    )
    _enroll(guild, GUILD_ENROLLMENTS, admin)
    return [mentoring.name, sponsorship.name, guild.name]
