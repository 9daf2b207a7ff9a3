"""The demo organisation scaled up for load tests: thousands of people, a thousand running relationships.

Rows are written in bulk (a load test wants the data, not the emails that creating it by hand would send), but
they are shaped like the real thing: approved enrollments, accepted agreements, a goal, a monthly series that
started two months ago (so there are meetings to wrap up and meetings to prepare), and open action items.
Everyone's address ends in LOAD_DOMAIN, and everyone shares one password, so the harness can sign people in.
"""

from __future__ import annotations

import datetime
import itertools

from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from meetings.models import ActionItem, MeetingSeries
from meetings.recurrence import Ending, Frequency, ScheduleChoice, build_rrule
from meetings.services import HORIZON, series_materialise_many
from mentorship.accounts.models import Profile, User
from mentorship.accounts.roles import grant_program_admin
from programs.models import Enrollment, Program
from relationships.models import Agreement, Goal, Relationship

LOAD_DOMAIN = "@load.example.com"
LOAD_PASSWORD = "load-test-password"  # noqa: S105 - a fixed password for generated load-test people only
LOAD_SLUG = "load-test-mentoring"
ZONES = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Europe/London", "America/Los_Angeles"]
HR_PEOPLE = 5


def _people(count: int, kind: str, password: str) -> list[User]:
    users = User.objects.bulk_create(
        [
            User(email=f"{kind}{i}{LOAD_DOMAIN}", full_name=f"Load {kind.title()} {i}", password=password)
            for i in range(count)
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                time_zone=ZONES[i % len(ZONES)],
                department=f"Team {i % 17}",
                job_title="Engineer",
                seniority=2 + i % 5,
                languages=["en"],
                completed_at=now,
            )
            for i, user in enumerate(users)
        ],
        batch_size=2000,
    )
    return users


@transaction.atomic
def seed_scaled(*, people: int, relationships: int) -> dict[str, int]:
    """Add the load-test organisation (refusing to run twice) and say how much was written."""
    if Program.objects.filter(slug=LOAD_SLUG).exists():
        raise ValueError("the load-test data is there already; drop the database to start again")
    password = make_password(LOAD_PASSWORD)
    mentors_count = max(relationships // 2, 1)
    mentees_count = max(people - mentors_count - HR_PEOPLE, relationships)
    hr = _people(HR_PEOPLE, "hr", password)
    mentees = _people(mentees_count, "mentee", password)
    mentors = _people(mentors_count, "mentor", password)
    for admin in hr:
        grant_program_admin(admin)
        # Administrators must use two-factor sign-in in production; the harness signs them in by session.
        Authenticator.objects.create(user=admin, type=Authenticator.Type.TOTP, data={"secret": "load-test-unused"})
    program = Program.objects.create(
        name="Load-test mentoring", slug=LOAD_SLUG, status=Program.Status.RUNNING, created_by=hr[0]
    )
    program.administrators.set(hr)
    Enrollment.objects.bulk_create(
        [Enrollment(program=program, user=u, role="mentee", status="approved") for u in mentees]
        + [Enrollment(program=program, user=u, role="mentor", status="approved", capacity=3) for u in mentors],
        batch_size=2000,
    )
    today = timezone.localdate()
    pairs = Relationship.objects.bulk_create(
        [
            Relationship(
                program=program,
                mentee=mentee,
                mentor=mentors[i % len(mentors)],
                kind=Relationship.Kind.MENTORING,
                status=Relationship.Status.ACTIVE,
                started_on=today - datetime.timedelta(days=70),
                planned_end_on=today + datetime.timedelta(days=110),
            )
            for i, mentee in enumerate(mentees[:relationships])
        ],
        batch_size=2000,
    )
    now = timezone.now()
    Agreement.objects.bulk_create(
        [
            Agreement(
                relationship=pair,
                channels=[{"channel": "Video call", "purpose": "our meetings"}],
                mentee_responsibilities="Come prepared with topics.",
                mentor_responsibilities="Listen, share experience, follow up.",
                desired_outcomes="Grow in the chosen skills.",
                confidentiality="Between us.",
                mentee_accepted_at=now,
                mentor_accepted_at=now,
            )
            for pair in pairs
        ],
        batch_size=2000,
    )
    Goal.objects.bulk_create(
        [Goal(relationship=pair, title="Lead a design review", category="skills") for pair in pairs], batch_size=2000
    )
    first = today - datetime.timedelta(days=60)
    series = MeetingSeries.objects.bulk_create(
        [
            MeetingSeries(
                relationship=pair,
                organiser_id=pair.mentor_id,
                title="Mentoring meeting",
                zone=ZONES[i % len(ZONES)],
                first_date=first + datetime.timedelta(days=i % 28),
                start_time=datetime.time(9 + i % 8, 0),
                duration_minutes=60,
                rrule=build_rrule(
                    ScheduleChoice(
                        frequency=Frequency.MONTHLY_WEEKDAY,
                        first_date=first + datetime.timedelta(days=i % 28),
                        start_time=datetime.time(9 + i % 8, 0),
                        zone=ZONES[i % len(ZONES)],
                        duration_minutes=60,
                        ending=Ending.NEVER,
                    )
                ),
                provider="teams",
                location="https://teams.microsoft.com/l/meetup-join/load-test",
            )
            for i, pair in enumerate(pairs)
        ],
        batch_size=2000,
    )
    meetings = series_materialise_many(series_list=series, until=now + HORIZON)
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                relationship=pair,
                description=f"Follow-up {n}",
                owner_id=owner,
                due_on=today + datetime.timedelta(days=n * 5 - 7),
                created_by_id=pair.mentor_id,
            )
            for pair, n in itertools.product(pairs, range(3))
            for owner in [pair.mentee_id if n % 2 == 0 else pair.mentor_id]
        ],
        batch_size=5000,
    )
    return {"people": len(hr) + len(mentees) + len(mentors), "relationships": len(pairs), "meetings": meetings}
