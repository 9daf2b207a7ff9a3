"""Where a pair goes against something one of the two asked for when they joined the program.

The engine weighs wishes (someone outside my team, a language, mentors named) but may still pair against one
when nothing better is free. HR should see that before publishing, in words that say whose wish and why.
"""

from __future__ import annotations

from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.models import Profile
from programs.models import Enrollment

LANGUAGE_NAMES = {code: str(name) for code, name in LANGUAGE_CHOICES}


def _profile(enrollment: Enrollment) -> Profile | None:
    try:
        return enrollment.user.profile
    except Profile.DoesNotExist:
        return None


def _languages(enrollment: Enrollment) -> set[str]:
    """What the person speaks: the program's answer, else the profile's (as the engine reads it)."""
    profile = _profile(enrollment)
    return set(enrollment.languages or (profile.languages if profile else []) or [])


def _names(codes: set[str]) -> str:
    words = sorted(LANGUAGE_NAMES.get(code, code) for code in codes)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def wish_conflicts(mentee: Enrollment, mentor: Enrollment) -> list[str]:
    """Sentences for HR, one per wish the pair goes against; empty when it honours them all.

    Reads the two enrollments with their users' profiles loaded (no query of its own).
    """
    found: list[str] = []
    grace, ada = mentee.user.get_short_name(), mentor.user.get_short_name()
    mentee_profile, mentor_profile = _profile(mentee), _profile(mentor)
    mentee_team = (mentee_profile.department if mentee_profile else "").strip()
    mentor_team = (mentor_profile.department if mentor_profile else "").strip()
    if mentee.prefers_outside_team and mentee_team and mentee_team.casefold() == mentor_team.casefold():
        found.append(f"{grace} asked for a mentor from another team; {ada} works in the same team ({mentee_team}).")
    elif mentee.prefers_outside_team and not (mentee_team and mentor_team):
        found.append(f"{grace} asked for a mentor from another team; a team is missing, so this is unchecked.")
    for asker, asked_name, other, other_name in ((mentee, grace, mentor, ada), (mentor, ada, mentee, grace)):
        stated = set(asker.languages or [])
        if stated and not stated & _languages(other):
            speaks = "does not speak it" if len(stated) == 1 else "speaks none of them"
            found.append(f"{asked_name} asked to talk in {_names(stated)}; {other_name} {speaks}.")
    if mentor.pk in (mentee.avoided_mentors or []):
        found.append(f"{grace} asked not to be paired with {ada}.")
    elif mentee.wished_mentors and mentor.pk not in mentee.wished_mentors:
        found.append(f"{grace} named other mentors {grace} would like; {ada} is not among them.")
    if mentor_profile and mentor_profile.is_external and not mentee.open_to_external:
        found.append(f"{grace} did not ask for a mentor from outside the organisation; {ada} is external.")
    return found
