"""The home page leads: first steps per role with a profile meter, and one primary button for what comes next."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from meetings.tests.factories import MeetingFactory
from mentorship.accounts.hours import DayHours
from mentorship.accounts.models import User
from mentorship.accounts.services import profile_ensure, working_hours_save
from mentorship.home import FirstSteps, first_steps
from mentorship.needs_you import needs_you
from mentorship.notifications.plugins import bell_changed
from programs.models import Enrollment, Program
from programs.selectors import my_enrollments
from programs.tests.factories import EnrollmentFactory, ProgramFactory
from relationships.selectors import relationships_of
from relationships.services import relationships_touch
from relationships.tests.factories import AgreementFactory, make_active, pair

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def steps_of(user: User) -> FirstSteps:
    return first_steps(
        user=user,
        profile=profile_ensure(user=user),
        enrollments=list(my_enrollments(user=user)),
        relationships=relationships_of(user=user),
        needs=needs_you(user=user),
    )


def table(steps: FirstSteps) -> dict[str, list[tuple[str, bool, str]]]:
    return {c.heading: [(s.title, s.done, s.action) for s in c.steps] for c in steps.checklists}


def next_step(client: Client) -> tuple[str, str]:
    """The page's one primary button: its words and where it leads."""
    page = client.get(reverse("home")).content.decode()
    assert page.count('id="next-step"') == 1, "exactly one primary action"
    tag = re.search(r'<a [^>]*id="next-step"[^>]*>([^<]*)</a>|<button [^>]*id="next-step"[^>]*>([^<]*)<', page)
    assert tag is not None
    href = re.search(r'href="([^"]*)"', tag.group(0))
    return (tag.group(1) or tag.group(2)).strip(), href.group(1) if href else ""


def test_a_newcomer_is_led_to_a_program_with_a_meter_of_their_profile(client: Client, member: User) -> None:
    client.force_login(member)
    steps = steps_of(member)
    assert list(table(steps)) == ["As a mentee"]
    assert [row[:2] for row in table(steps)["As a mentee"]] == [
        ("Fill in your profile", True),
        ("Join a program and find your mentor", False),
        ("Agree your goals and your agreement", False),
        ("Plan your first meeting", False),
    ]
    assert next_step(client) == ("Find a program", reverse("programs:list"))
    page = client.get(reverse("home")).content.decode()
    percent = steps.completeness.percent
    assert f'<meter id="profile-meter" min="0" max="100" low="50" high="99" optimum="100" value="{percent}">' in page
    assert "location, short bio" in page  # what is still missing, in words


def test_an_unfinished_profile_comes_first(client: Client, make_user: Any) -> None:
    user = make_user()
    user.profile.completed_at = None
    user.profile.job_title = ""
    user.profile.save()
    client.force_login(user)
    assert next_step(client) == ("Fill in your profile", reverse("profile_edit"))


def test_the_mentee_steps_follow_the_relationship(client: Client, member: User, outsider: User) -> None:
    program = ProgramFactory(status="running")
    relationship = pair(program, member, outsider)
    client.force_login(member)
    assert next_step(client) == ("Add your goals", reverse("relationships:goal_new", args=[relationship.pk]))
    make_active(relationship)
    assert next_step(client) == ("Schedule your first meeting", reverse("meetings:schedule", args=[relationship.pk]))
    MeetingFactory(relationship=relationship)
    # The factory writes past the services; this is what meeting_create does for the cached home page.
    relationships_touch(relationship.pk)
    steps = steps_of(member)
    assert not steps.visible
    assert "First steps" not in client.get(reverse("home")).content.decode()


def test_a_mentee_who_may_choose_is_led_by_what_needs_them(client: Client, member: User) -> None:
    program = ProgramFactory(status="running", matching_mode=Program.MatchingMode.MENTEE_CHOOSES)
    EnrollmentFactory(program=program, user=member, status="approved")
    client.force_login(member)
    # The same step is in the "needs you" list, which leads: one primary button, not two.
    assert next_step(client) == ("See recommendations", reverse("matching:choose", args=[program.slug]))


def test_a_mentor_is_asked_for_capacity_availability_and_answers(client: Client, member: User) -> None:
    program = ProgramFactory(status="open")
    EnrollmentFactory(program=program, user=member, role="mentor", status="invited")
    # A zone alone is not availability: the step waits for the hours the person saves.
    member.profile.time_zone = "Europe/Lisbon"
    member.profile.save()
    mentor_steps = table(steps_of(member))["As a mentor or sponsor"]
    assert [row[1:] for row in mentor_steps] == [
        (True, "Fill in your profile"),
        (False, "Accept the invitation"),
        (False, "Set your availability"),
        (False, ""),  # nothing to answer yet
    ]
    step = next(s for c in steps_of(member).checklists for s in c.steps if s.action == "Set your availability")
    assert step.url == reverse("availability_edit")
    Enrollment.objects.filter(user=member).update(status="approved", capacity=2)
    working_hours_save(user=member, ranges=[DayHours(0, 10 * 60, 14 * 60)])
    assert [done for _title, done, _action in table(steps_of(member))["As a mentor or sponsor"]] == [
        True,
        True,
        True,
        False,
    ]


def test_hr_is_led_through_creating_opening_and_matching(client: Client, program_admin: User) -> None:
    client.force_login(program_admin)
    assert next_step(client) == ("Create a program", reverse("programs:setup_new"))
    program = ProgramFactory(status="draft", administrators=[program_admin])
    # Created and opened here without a request: what HR's own form does for their cached home page.
    bell_changed(program_admin.pk)
    assert next_step(client) == ("Open enrollment", reverse("programs:setup", args=[program.slug, "invite"]))
    Program.objects.filter(pk=program.pk).update(status="running")
    bell_changed(program_admin.pk)
    assert next_step(client) == ("Go to matching", reverse("matching:review", args=[program.slug]))
    admin_steps = table(steps_of(program_admin))["As a program administrator"]
    assert [done for _title, done, _action in admin_steps] == [True, True, True, False]


def test_what_needs_you_takes_the_primary_button(client: Client, member: User, outsider: User) -> None:
    program = ProgramFactory(status="running")
    relationship = pair(program, member, outsider)
    AgreementFactory(relationship=relationship)
    client.force_login(outsider)
    assert next_step(client) == ("Read and accept", relationship.get_absolute_url() + "#agreement")
