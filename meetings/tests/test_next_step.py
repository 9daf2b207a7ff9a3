"""The relationship's next step stops asking for a first meeting once one is planned."""

from __future__ import annotations

from meetings.tests.factories import schedule_series
from relationships.models import Relationship
from relationships.selectors import relationships_of
from relationships.services import agreement_accept, agreement_save, goal_save


def test_next_step_moves_on_once_a_meeting_is_planned(relationship: Relationship) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor
    goal_save(relationship=relationship, side="mentee", actor=mentee, goal=None, title="Speak up", category="skills")
    agreement = agreement_save(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        channels=[{"channel": "Chat", "purpose": "questions"}],
        mentee_responsibilities="Prepare",
        mentor_responsibilities="Listen",
        desired_outcomes="Confidence",
        confidentiality="Between us",
    )
    agreement_accept(agreement=agreement, side="mentee", actor=mentee)
    agreement_accept(agreement=agreement, side="mentor", actor=mentor)
    assert relationships_of(user=mentee)[0].next_step == "Schedule your first meeting"
    schedule_series(relationship)
    assert relationships_of(user=mentee)[0].next_step == ""
