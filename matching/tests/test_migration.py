"""Moving PairRule and MatchProposal from programs to matching keeps every row, on a database that has them."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from matching.models import MatchProposal, PairRule

BEFORE = [("programs", "0002_enrollment_avoided_mentors_enrollment_wished_mentors_and_more"), ("matching", None)]


def _migrate(targets: list[tuple[str, str | None]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def _latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_proposals_and_pair_rules_survive_the_move_to_the_matching_app() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the release before the move ran on PostgreSQL in production; SQLite is covered by migrate")
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE[:1]).apps
        User = old.get_model("accounts", "User")
        Program = old.get_model("programs", "Program")
        Enrollment = old.get_model("programs", "Enrollment")
        ContentType = old.get_model("contenttypes", "ContentType")
        ContentType.objects.filter(app_label="matching").delete()
        ContentType.objects.get_or_create(app_label="programs", model="matchproposal")
        mentee_user = User.objects.create(email="mia@example.com", full_name="Mia")
        mentor_user = User.objects.create(email="mo@example.com", full_name="Mo")
        program = Program.objects.create(name="Old release", slug="old-release")
        mentee = Enrollment.objects.create(program=program, user=mentee_user, role="mentee", status="approved")
        mentor = Enrollment.objects.create(program=program, user=mentor_user, role="mentor", status="approved")
        old_proposal = old.get_model("programs", "MatchProposal").objects.create(
            program=program,
            mentee=mentee,
            mentor=mentor,
            origin="engine",
            status="proposed",
            score=71.5,
            reasons=[{"text": "Both speak English", "points": 3}],
            question="When do you usually meet?",
        )
        old_rule = old.get_model("programs", "PairRule").objects.create(
            program=program, mentee=mentee, mentor=mentor, rule="lock"
        )

        _latest()

        proposal = MatchProposal.objects.select_related("program", "mentee__user", "mentor__user").get()
        assert proposal.pk == old_proposal.pk
        assert (proposal.program.slug, proposal.mentee.user.email, proposal.mentor.user.email) == (
            "old-release",
            "mia@example.com",
            "mo@example.com",
        )
        assert (proposal.status, proposal.score, proposal.question) == ("proposed", 71.5, "When do you usually meet?")
        assert proposal.reasons == [{"text": "Both speak English", "points": 3}]
        rule = PairRule.objects.get()
        assert (rule.pk, rule.rule, rule.mentee_id, rule.mentor_id) == (old_rule.pk, "lock", mentee.pk, mentor.pk)
        assert MatchProposal._meta.db_table == "programs_matchproposal"
        # The content type followed the model, so permissions and admin history point at the matching app.
        from django.contrib.contenttypes.models import ContentType as CurrentContentType

        assert CurrentContentType.objects.filter(app_label="matching", model="matchproposal").exists()
        assert not CurrentContentType.objects.filter(app_label="programs", model="matchproposal").exists()
    finally:
        _latest()
