"""Who reaches what: every insights URL and export, for every persona.

The program's administrators and superusers get the page (or the action happens); the other program's
administrator, a participant of the program, an outsider get 404, and cannot tell a program or a pair exists
from one that does not; anonymous visitors are sent to sign in. A refused write changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from insights.models import HRAction
from insights.tests.conftest import Known, fetch
from mentorship.accounts.models import User
from programs.models import Program
from relationships.models import Relationship

pytestmark = pytest.mark.django_db

INSIDERS = ["program_admin", "superuser"]
STRANGERS = ["other_program_admin", "participant", "outsider"]


@dataclass
class Url:
    name: str
    method: str = "get"
    args: Callable[[Known], list[Any]] = lambda k: []
    query: Callable[[Known], dict[str, str]] = lambda k: {}
    data: dict[str, str] = field(default_factory=dict)
    csv: bool = False

    def path(self, known: Known) -> str:
        path = reverse(self.name, args=self.args(known))
        query = {} if self.csv else self.query(known)
        return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def payload(self, known: Known) -> dict[str, str]:
        """Downloads are POSTs (each is recorded in the audit log): their filters travel as form data."""
        return {**self.data, **(self.query(known) if self.csv else {})}


def slug(known: Known) -> list[Any]:
    return [Program.objects.get(pk=known.program).slug]


def mine(known: Known) -> dict[str, str]:
    return {"program": Program.objects.get(pk=known.program).slug}


URLS = [
    Url("insights:dashboard", args=slug),
    Url("insights:relationships_csv", "post", args=slug, csv=True),
    Url("insights:funnel_csv", "post", args=slug, csv=True),
    Url("insights:at_risk", query=mine),
    Url("insights:at_risk_csv", "post", query=mine, csv=True),
    Url("insights:pair", args=lambda k: [k.pairs["B"]]),
    Url("insights:pair_nudge", "post", args=lambda k: [k.pairs["B"]], data={"nudge-note": "How are you two?"}),
    Url("insights:pair_pause", "post", args=lambda k: [k.pairs["C"]], data={"pause-note": "Parental leave"}),
    Url(
        "insights:pair_end",
        "post",
        args=lambda k: [k.pairs["D"]],
        data={"end-outcome": "early", "end-note": "Dan moved teams"},
    ),
    Url("insights:pair_rematch", "post", args=lambda k: [k.pairs["B"]], data={"rematch-note": "Not a good fit"}),
]
IDS = [url.name.split(":")[1] for url in URLS]


def client_for(known: Known, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(User.objects.get(pk=known.people[persona]))
    return client


def call(client: Client, url: Url, known: Known) -> Any:
    return getattr(client, url.method)(url.path(known), url.payload(known))


@pytest.mark.parametrize("persona", INSIDERS)
@pytest.mark.parametrize("url", URLS, ids=IDS)
def test_the_programs_administrators_get_in(known: Known, persona: str, url: Url) -> None:
    response = call(client_for(known, persona), url, known)
    if url.method == "post" and not url.csv:
        assert response.status_code == 302
        assert response["Location"] == reverse("insights:pair", args=url.args(known))
        assert HRAction.objects.filter(relationship_id=url.args(known)[0], actor_id=known.people[persona]).exists()
        return
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    if url.csv:
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert b"".join(response.streaming_content).startswith("\ufeff".encode())


@pytest.mark.parametrize("persona", STRANGERS)
@pytest.mark.parametrize("url", URLS, ids=IDS)
def test_everyone_else_is_told_it_does_not_exist(known: Known, persona: str, url: Url) -> None:
    before = (HRAction.objects.count(), list(Relationship.objects.order_by("pk").values_list("status", flat=True)))
    response = call(client_for(known, persona), url, known)
    assert response.status_code == 404
    after = (HRAction.objects.count(), list(Relationship.objects.order_by("pk").values_list("status", flat=True)))
    assert before == after


@pytest.mark.parametrize("url", URLS, ids=IDS)
def test_anonymous_visitors_are_sent_to_sign_in(known: Known, url: Url) -> None:
    response = call(client_for(known, "anonymous"), url, known)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not HRAction.objects.exists()


@pytest.mark.parametrize("url", URLS, ids=IDS)
def test_the_wrong_method_is_refused(known: Known, url: Url) -> None:
    client = client_for(known, "program_admin")
    wrong = "get" if url.method == "post" else "post"
    assert getattr(client, wrong)(url.path(known), url.payload(known)).status_code == 405
    assert not HRAction.objects.exists()


@pytest.mark.parametrize("persona", ["program_admin", "other_program_admin", "superuser"])
def test_the_overview_lists_only_the_programs_a_person_runs(known: Known, persona: str) -> None:
    response = client_for(known, persona).get(reverse("insights:overview"))
    assert response.status_code == 200
    shown = [row.program.name for row in response.context["rows"]]
    expected = {
        "program_admin": ["Known Mentoring", "Known Sponsorship"],
        "other_program_admin": ["Other Mentoring"],
        "superuser": ["Known Mentoring", "Known Sponsorship", "Other Mentoring"],
    }
    assert shown == expected[persona]


@pytest.mark.parametrize("persona", ["participant", "outsider"])
def test_the_pages_across_programs_stay_closed_to_everyone_else(known: Known, persona: str) -> None:
    client = client_for(known, persona)
    for name in ("insights:overview", "insights:at_risk", "insights:at_risk_csv"):
        assert fetch(client, reverse(name)).status_code == 404


def test_the_at_risk_list_of_another_administrator_shows_none_of_this_program(known: Known) -> None:
    client = client_for(known, "other_program_admin")
    response = client.get(reverse("insights:at_risk"))
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0
    assert b"Bea" not in response.content
    csv = b"".join(fetch(client, reverse("insights:at_risk_csv")).streaming_content).decode("utf-8-sig")
    assert csv.count("\n") == 1  # the header alone
    assert client.get(reverse("insights:at_risk") + "?program=no-such-program").status_code == 404


def test_the_overview_link_shows_for_people_who_run_several_programs(known: Known) -> None:
    overview = f'href="{reverse("insights:overview")}"'
    manage_list = reverse("programs:manage_list")
    assert overview in client_for(known, "program_admin").get(manage_list).content.decode()
    assert overview in client_for(known, "superuser").get(manage_list).content.decode()
    assert overview not in client_for(known, "other_program_admin").get(manage_list).content.decode()


def test_the_dashboard_is_a_tab_of_the_program(known: Known) -> None:
    page = client_for(known, "program_admin").get(Program.objects.get(pk=known.program).get_manage_url())
    assert reverse("insights:dashboard", args=slug(known)) in page.content.decode()


def test_ids_nobody_has_are_not_found(known: Known) -> None:
    client = client_for(known, "program_admin")
    for path in ("pairs/99999999999999999999999999/", "pairs/0/"):
        assert client.get(f"/programs/manage/insights/{path}").status_code == 404
        assert client.post(f"/programs/manage/insights/{path}nudge/", {}).status_code == 404
    other = Relationship.objects.exclude(program_id__in=[known.program, known.sponsorship]).first()
    assert other is None  # the other program has no pairs: every id here is one of ours or nobody's
    assert client.get(reverse("insights:at_risk") + "?program=known-mentoring&page=9999999999999").status_code == 200
