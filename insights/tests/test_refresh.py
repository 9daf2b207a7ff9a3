"""The health figures pages read: refreshed by the periodic task, at a page's request when stale or missing (the
page itself never writes), and by HR's actions."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from insights import services
from insights.models import PairHealth, ProgramFigures
from insights.selectors import STALE_AFTER, programs_due_for_refresh
from insights.services import figures_ensure_fresh
from insights.tasks import refresh_figures
from insights.tests.conftest import Known, meet, person, relate
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

pytestmark = pytest.mark.django_db


def score_of(known: Known, name: str) -> int | None:
    return PairHealth.objects.get(relationship_id=known.pairs[name]).score


@pytest.fixture
def admin_client(known: Known) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=known.people["program_admin"]))
    return client


def test_the_periodic_task_refreshes_live_programs_and_those_never_refreshed(known: Known) -> None:
    PairHealth.objects.all().delete()
    ProgramFigures.objects.all().delete()
    Program.objects.filter(pk=known.other_program).update(status=Program.Status.CLOSED)
    assert set(programs_due_for_refresh()) == {known.program, known.sponsorship, known.other_program}
    assert refresh_figures() == 3  # one task per program (run in process here)
    assert PairHealth.objects.count() == 7
    assert ProgramFigures.objects.count() == 3
    # A closed program with figures waits for someone to look at it.
    assert set(programs_due_for_refresh()) == {known.program, known.sponsorship}


def test_a_page_never_writes_but_asks_for_stale_figures_and_new_pairs(
    known: Known, admin_client: Client, clock: Any, user_of: Any, django_capture_on_commit_callbacks: Any
) -> None:
    dashboard = reverse("insights:dashboard", args=["known-mentoring"])
    with django_capture_on_commit_callbacks(execute=True) as asked:
        page = admin_client.get(dashboard)
    assert page.context["freshness"].due == [] and asked == []  # fresh figures: nothing to ask
    assert score_of(known, "B") == 40
    meet(Relationship.objects.get(pk=known.pairs["B"]), "2027-03-14")  # Bea and Rex met yesterday
    newcomer = relate(Program.objects.get(pk=known.program), person("Zoe"), user_of("Rio"), "starting", "2027-03-10")
    before = list(PairHealth.objects.values_list("pk", "score", "computed_at"))
    with django_capture_on_commit_callbacks(execute=False) as asked:
        page = admin_client.get(dashboard)
    assert list(PairHealth.objects.values_list("pk", "score", "computed_at")) == before  # the GET wrote nothing
    assert page.context["freshness"].due == [known.program]
    assert len(asked) == 1  # the workers are asked once the request is over
    asked[0]()  # a worker runs the refresh (in process here)
    assert PairHealth.objects.filter(relationship=newcomer).exists()
    assert score_of(known, "B") == 93  # the whole program was refreshed: Bea and Rex met yesterday
    assert admin_client.get(dashboard).context["freshness"].due == []
    clock.shift(STALE_AFTER + datetime.timedelta(minutes=1))
    assert admin_client.get(dashboard).context["freshness"].due == [known.program]


def test_hr_actions_refresh_their_pair_at_once(known: Known, user_of: Any) -> None:
    figures_ensure_fresh(programs=Program.objects.all())
    relationship = Relationship.objects.get(pk=known.pairs["C"])
    services.pair_pause(relationship=relationship, actor=user_of("program_admin"), reason="Leave")
    assert score_of(known, "C") == 70
    assert PairHealth.objects.get(relationship=relationship).codes == " paused "


def test_figures_keep_when_they_were_worked_out(known: Known) -> None:
    figures_ensure_fresh(programs=Program.objects.filter(pk=known.program))
    row = PairHealth.objects.get(relationship_id=known.pairs["B"])
    assert row.computed_at == timezone.now()
    assert row.days_to_match == pytest.approx(5)
    assert [code for code, _points, _figures in row.reasons] == ["stalled", "cadence"]
    months = ProgramFigures.objects.get(program_id=known.program).months
    assert months[-1] == {"start": "2027-03-01", "planned": 4, "held": 2}
