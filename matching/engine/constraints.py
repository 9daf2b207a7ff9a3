"""The pair rules no proposal may break, whatever it scores.

Capacity and "one mentor per mentee" are rules about a whole matching, not about a pair; the solver keeps
those. Everything here looks at one mentee and one mentor.
"""

from __future__ import annotations

from .types import Block, Feasibility, Mentee, Mentor, ProgramSettings


def external_allowed(mentee: Mentee, mentor: Mentor, settings: ProgramSettings) -> bool:
    if (mentee.is_external or mentor.is_external) and not settings.allow_external:
        return False
    return not (mentor.is_external and not mentee.open_to_external)


def sponsor_senior_enough(mentee: Mentee, mentor: Mentor, settings: ProgramSettings) -> bool:
    if settings.kind != "sponsorship":
        return True
    return mentor.seniority >= mentee.seniority + settings.sponsor_min_gap


def check_pair(mentee: Mentee, mentor: Mentor, settings: ProgramSettings) -> Feasibility:
    """Every rule the pair breaks, in a fixed order; an empty answer means the pair may be proposed."""
    blocks: list[Block] = []
    if mentee.user_id == mentor.user_id:
        blocks.append(Block.SAME_PERSON)
    if mentor.user_id in mentee.manager_chain:
        blocks.append(Block.MANAGER)
    if mentor.id in mentee.avoid:
        blocks.append(Block.AVOIDED)
    pair = (mentee.id, mentor.id)
    if pair in settings.already_matched:
        blocks.append(Block.ALREADY_MATCHED)
    if not external_allowed(mentee, mentor, settings):
        blocks.append(Block.EXTERNAL_NOT_ALLOWED)
    if not sponsor_senior_enough(mentee, mentor, settings):
        blocks.append(Block.SPONSOR_TOO_JUNIOR)
    if pair in settings.forbidden:
        blocks.append(Block.FORBIDDEN)
    return Feasibility(tuple(blocks))
