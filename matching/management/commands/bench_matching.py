"""Benchmark: the matching engine end to end on a synthetic program stored in the database.

Seeds mentees and mentors (a few popular skills and many rare ones, capacities 1-5, departments, levels and
time zones), then times loading, scoring, solving and writing the draft proposals, and runs a greedy baseline
(best remaining pair first) on the same data. Everything is rolled back at the end. The last line printed is
one JSON object.
"""

from __future__ import annotations

import json
import resource
import time
from typing import Any

import numpy as np
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import connection, transaction

from matching import services as match_services
from matching.engine.constraints import check_pair
from matching.engine.pairs import PairScorer
from matching.engine.scoring import SCALE
from matching.engine.synthetic import synthetic_program
from matching.engine.types import MatchingProblem
from matching.inputs import matching_input
from matching.models import MatchProposal
from matching.solving import problem_of, solve
from mentorship.accounts.models import Profile, Skill, User
from programs.models import Enrollment, Program


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def greedy(problem: MatchingProblem) -> tuple[int, float]:
    """Best remaining pair first: the baseline the commercial tools' one-pick-at-a-time flows amount to."""
    scorer = PairScorer(problem)
    scores = scorer.all_scores().astype(np.int64)
    feasible = np.flatnonzero(scores.ravel() != scorer.infeasible)
    order = feasible[np.argsort(-scores.ravel()[feasible], kind="stable")]
    capacity = np.array([m.capacity for m in problem.mentors], dtype=np.int64)[scorer.mentor_order]
    taken = np.zeros(len(problem.mentees), dtype=bool)
    matched, total, width = 0, 0, scores.shape[1]
    for flat in order:
        i, j = divmod(int(flat), width)
        if taken[i] or capacity[j] <= 0:
            continue
        taken[i] = True
        capacity[j] -= 1
        matched += 1
        total += int(scores[i, j])
        if matched == len(problem.mentees) or not capacity.any():
            break
    return matched, total / SCALE


class Command(BaseCommand):
    help = "Run the matching engine on a synthetic program and compare it with a greedy baseline."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--mentees", type=int, default=10000)
        parser.add_argument("--mentors", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        result: dict[str, Any] = {}
        try:
            with transaction.atomic():
                result = self._run(options)
                raise Rollback
        except Rollback:
            pass
        self.stdout.write(json.dumps(result))

    def _seed(self, problem: MatchingProblem) -> Program:
        admin = User.objects.create(email="bench-matching-admin@bench.example.com", password=make_password(None))
        program = Program.objects.create(
            name="Matching benchmark", slug="bench-matching", created_by=admin, status="running", allow_external=True
        )
        skill_ids = sorted(
            {s for m in problem.mentees for s in m.growth_areas} | {s for t in problem.mentors for s in t.skills}
        )
        rows = Skill.objects.bulk_create([Skill(name=f"bench skill {s}", key=f"bench skill {s}") for s in skill_ids])
        skill_pk = {s: row.pk for s, row in zip(skill_ids, rows, strict=True)}
        password = make_password(None)
        people = [*problem.mentees, *problem.mentors]
        users = User.objects.bulk_create(
            [User(email=f"bench-{p.id}-{i}@bench.example.com", password=password) for i, p in enumerate(people)],
            batch_size=2000,
        )
        Profile.objects.bulk_create(
            [
                Profile(
                    user=u,
                    department=p.department,
                    seniority=p.seniority,
                    time_zone=p.time_zone,
                    languages=sorted(p.languages),
                    is_external=p.is_external,
                )
                for u, p in zip(users, people, strict=True)
            ],
            batch_size=2000,
        )
        n = len(problem.mentees)
        enrollments = Enrollment.objects.bulk_create(
            [
                Enrollment(
                    program=program,
                    user=u,
                    role="mentee" if k < n else "mentor",
                    status="approved",
                    capacity=None if k < n else p.capacity,
                    prefers_outside_team=getattr(p, "prefers_outside_team", False),
                    open_to_external=True,
                    goal_categories=sorted(getattr(p, "goal_categories", ())),
                    languages=sorted(p.languages),
                )
                for k, (u, p) in enumerate(zip(users, people, strict=True))
            ],
            batch_size=2000,
        )
        growth = Enrollment.growth_areas.through
        offers = Enrollment.offers.through
        growth.objects.bulk_create(
            [
                growth(enrollment_id=e.pk, skill_id=skill_pk[s])
                for e, p in zip(enrollments[:n], problem.mentees, strict=True)
                for s in p.growth_areas
            ],
            batch_size=5000,
        )
        offers.objects.bulk_create(
            [
                offers(enrollment_id=e.pk, skill_id=skill_pk[s])
                for e, p in zip(enrollments[n:], problem.mentors, strict=True)
                for s in p.skills
            ],
            batch_size=5000,
        )
        return program

    def _run(self, options: dict[str, Any]) -> dict[str, Any]:
        synthetic = synthetic_program(options["mentees"], options["mentors"], options["seed"])
        program = self._seed(synthetic)
        admin = program.created_by

        started = time.perf_counter()
        data = matching_input(program)
        solve_started = time.perf_counter()
        engine = solve(data)
        seconds_solve = time.perf_counter() - solve_started
        MatchProposal.objects.filter(program=program).delete()
        report = match_services.write_drafts(program=program, data=data, result=engine, actor=admin)
        seconds_total = time.perf_counter() - started

        problem = problem_of(data)
        mentors = {m.id: m for m in problem.mentors}
        mentees = {m.id: m for m in problem.mentees}
        load: dict[int, int] = {}
        violations = 0
        for match in engine.matches:
            load[match.mentor_id] = load.get(match.mentor_id, 0) + 1
            if not check_pair(mentees[match.mentee_id], mentors[match.mentor_id], problem.settings).ok:
                violations += 1
        violations += sum(1 for mentor_id, n in load.items() if n > mentors[mentor_id].capacity)
        violations += len(engine.matches) - len({m.mentee_id for m in engine.matches})
        greedy_matched, greedy_total = greedy(problem)
        return {
            "mentees": len(problem.mentees),
            "mentors": len(problem.mentors),
            "seconds_total": round(seconds_total, 3),
            "seconds_solve": round(seconds_solve, 3),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "matched": len(engine.matches),
            "total_score": round(engine.total_score, 2),
            "greedy_matched": greedy_matched,
            "greedy_total_score": round(greedy_total, 2),
            "min_pair_score": round(min((m.score for m in engine.matches), default=0.0), 2),
            "constraint_violations": violations,
            "proposals_written": report,
            "certified_optimal": engine.stats.certified_optimal,
            "database": connection.vendor,
        }
