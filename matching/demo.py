"""Demo proposals for `seed_demo`: a sponsor with a proposal to answer, mentors asked by mentees, a question.

Each pair is scored by the engine as the recommendations page would score it, so the reasons read true.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from matching.models import MatchProposal
from matching.selectors import recommendations
from programs.demo import GUILD_SLUG, SPONSORSHIP_SLUG
from programs.models import Enrollment, Program

# (program slug, mentee, mentor, origin, the mentor's question before saying yes)
PROPOSALS = [
    (SPONSORSHIP_SLUG, "priya.shah@example.com", "director.product@example.com", MatchProposal.Origin.ENGINE, ""),
    (GUILD_SLUG, "grace.kim@example.com", "kenji.watanabe@example.com", MatchProposal.Origin.MENTEE, ""),
    (
        GUILD_SLUG,
        "ana.souza@example.com",
        "li.wei@example.com",
        MatchProposal.Origin.MENTEE,
        "Would you rather work on research methods or on your portfolio first?",
    ),
]


def _propose(program: Program, mentee_email: str, mentor_email: str, origin: str, question: str) -> str:
    mentee = Enrollment.objects.get(program=program, user__email=mentee_email, role=Enrollment.Role.MENTEE)
    mentor = Enrollment.objects.get(program=program, user__email=mentor_email, role=program.helper_role)
    if MatchProposal.objects.filter(mentee=mentee, mentor=mentor).exists():
        return ""
    scored = {r.mentor.pk: r for r in recommendations(program=program, mentee=mentee, limit=1000)}.get(mentor.pk)
    MatchProposal.objects.create(
        program=program,
        mentee=mentee,
        mentor=mentor,
        origin=origin,
        status=MatchProposal.Status.PROPOSED,
        score=scored.score if scored else 0,
        reasons=scored.reasons if scored else [],
        penalties=scored.penalties if scored else [],
        question=question,
        respond_by=timezone.now() + datetime.timedelta(days=program.mentor_response_days),
    )
    return f"a proposal to pair {mentee.user} with {mentor.user}"


@transaction.atomic
def seed_matching() -> list[str]:
    programs = {p.slug: p for p in Program.objects.filter(slug__in={row[0] for row in PROPOSALS})}
    lines = [_propose(programs[slug], *rest) for slug, *rest in PROPOSALS]
    return [line for line in lines if line]
