"""The first draft of an agreement: the program's meeting settings and the habits of good mentoring.

Nobody starts from a blank page. The draft takes how often and how long to meet from the program, suggests
channels and a confidentiality rule, and writes the practices that make relationships work (come prepared,
leave with a plan, feedback both ways, thanks) into each person's part, where either of them can change them
before both accept.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from relationships.models import Agreement, Relationship


def practices_for_mentee() -> str:
    return "\n".join(
        [
            _("Come to each meeting prepared: add my agenda topics beforehand."),
            _("Leave each meeting with an action plan, and do my action items by the dates we set."),
            _("Give feedback both ways: say what helps and what does not, and ask for the same."),
            _("Say thank you when something helped."),
        ]
    )


def practices_for_mentor(relationship: Relationship) -> str:
    lines = [
        _("Come to each meeting prepared: read the agenda and add my own topics."),
        _("Make sure we leave each meeting with an action plan, each step with an owner and a date."),
        _("Give feedback both ways: candid and kind, and ask how I can help better."),
        _("Say thank you for the time and effort put in."),
    ]
    if relationship.kind == Relationship.Kind.SPONSORSHIP:
        lines.insert(0, _("Speak up for the person I sponsor where decisions are made, and say what I did."))
    return "\n".join(lines)


def agreement_draft(relationship: Relationship) -> Agreement:
    """An unsaved first version, pre-filled from the program and the practices; both can edit it."""
    program = relationship.program
    return Agreement(
        relationship=relationship,
        cadence=program.default_cadence,
        meeting_minutes=program.default_meeting_minutes,
        channels=[
            {"channel": _("Video call"), "purpose": _("our regular meetings, with cameras on where we can")},
            {"channel": _("Chat"), "purpose": _("quick questions between meetings")},
            {"channel": _("Email"), "purpose": _("documents to read and what we agreed")},
        ],
        mentee_responsibilities=practices_for_mentee(),
        mentor_responsibilities=practices_for_mentor(relationship),
        confidentiality=_(
            "What we talk about stays between the two of us unless we both agree to share it. "
            "The program team sees that we meet and how useful meetings are, never our notes."
        ),
        ends_on=relationship.planned_end_on,
    )
