"""The demo shows all of it: everyone has something that needs them, and a program lets mentees choose."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from matching.selectors import recommendations
from mentorship.accounts.demo import PEOPLE
from mentorship.accounts.models import User
from mentorship.needs_you import needs_you
from programs.demo import GUILD_SLUG
from programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


def test_every_demo_person_has_something_waiting_and_every_kind_is_shown() -> None:
    call_command("seed_demo", stdout=StringIO())
    found = {user.email: needs_you(user=user) for user in User.objects.filter(email__in=[p.email for p in PEOPLE])}
    assert len(found) == len(PEOPLE)
    assert [email for email, needs in found.items() if not needs] == []
    kinds = {need.kind for needs in found.values() for need in needs}
    assert {
        "proposal",
        "mentee_request",
        "proposal_question",
        "choose_mentor",
        "agreement",
        "meeting_prepare",
        "wrap_up",
        "action_item",
        "invitation",
        "application_outcome",
        "applications",
    } <= kinds
    assert any(need.overdue for needs in found.values() for need in needs if need.kind == "action_item")


def test_the_program_where_mentees_choose_has_recommendations() -> None:
    call_command("seed_demo", stdout=StringIO())
    program = Program.objects.get(slug=GUILD_SLUG)
    assert program.matching_mode == Program.MatchingMode.MENTEE_CHOOSES
    noah = Enrollment.objects.get(program=program, user__email="noah.fischer@example.com")
    offered = [r.mentor.user.email for r in recommendations(program=program, mentee=noah)]
    assert offered
    assert "kenji.watanabe@example.com" not in offered  # his own manager is never recommended
