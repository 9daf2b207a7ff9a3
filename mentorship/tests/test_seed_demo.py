from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from mentorship.accounts.demo import DEMO_PASSWORD, PEOPLE
from mentorship.accounts.models import Profile, Skill, User, WorkingHours
from mentorship.accounts.selectors import saved_hours_of

pytestmark = pytest.mark.django_db


def test_seed_demo_is_safe_to_run_twice() -> None:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    counts = (User.objects.count(), Profile.objects.count(), Skill.objects.count())
    call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Profile.objects.count(), Skill.objects.count()) == counts
    assert "hr@example.com" in out.getvalue()
    assert DEMO_PASSWORD in out.getvalue()


def test_demo_logins_work(client: Client) -> None:
    call_command("seed_demo", stdout=StringIO())
    response = client.post("/accounts/login/", {"login": "hr@example.com", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"
    hr = User.objects.get(email="hr@example.com")
    assert hr.is_program_admin
    assert all(p.is_complete for p in Profile.objects.all())


def test_the_demo_administrator_runs_programs_in_the_app_not_the_django_admin(client: Client) -> None:
    call_command("seed_demo", stdout=StringIO())
    assert not User.objects.filter(is_staff=True).exists()
    assert not User.objects.filter(is_superuser=True).exists()
    client.force_login(User.objects.get(email="hr@example.com"))
    assert client.get("/programs/manage/").status_code == 200
    assert client.get("/admin/").status_code == 404


def test_every_demo_person_has_availability_set_and_weeks_vary() -> None:
    call_command("seed_demo", stdout=StringIO())
    rows = WorkingHours.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert WorkingHours.objects.count() == rows
    people = list(User.objects.filter(email__in=[p.email for p in PEOPLE]))
    saved = saved_hours_of(u.pk for u in people)
    assert set(saved) == {u.pk for u in people}
    assert len(set(saved.values())) > 3
    assert len({u.profile.time_zone for u in people}) > 3
