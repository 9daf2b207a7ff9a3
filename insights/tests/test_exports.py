"""The CSV files: what they hold, the filters they follow, and cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from insights.tests.conftest import Known, fetch
from mentorship.accounts.models import User
from mentorship.common.spreadsheets import safe_cell
from programs.models import Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(known: Known) -> Client:
    client = Client()
    client.force_login(User.objects.get(pk=known.people["program_admin"]))
    return client


def rows_of(response: Any) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("text", ["=1+2", "+1", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://evil")'])
def test_formula_cells_are_defused(text: str) -> None:
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Ada", "", "1-2", 42, 4.5, None])
def test_other_cells_are_left_alone(value: object) -> None:
    assert safe_cell(value) == ("" if value is None else str(value))


def test_the_relationships_file(known: Known, client: Client) -> None:
    response = fetch(client, reverse("insights:relationships_csv", args=["known-mentoring"]))
    assert response["Content-Disposition"] == 'attachment; filename="known-mentoring-relationships-2027-03-15.csv"'
    header, *rows = rows_of(response)
    assert header[:3] == ["Program", "Mentee", "Mentee email"]
    assert len(rows) == 6
    by_mentee = {row[1]: dict(zip(header, row, strict=True)) for row in rows}
    bea = by_mentee["Bea B."]
    assert bea["Health score"] == "40"
    assert bea["Health"] == "At risk"
    assert bea["Reasons"].startswith("no meeting held for 70 days; agreed monthly")
    assert bea["Last meeting held"] == "2027-01-04"
    assert by_mentee["Ada A."]["Recent rating"] == "4.5"
    assert by_mentee["Ada A."]["Next meeting"] == "2027-04-01"
    assert by_mentee["Cem C."]["Overdue action items"] == "3"
    assert by_mentee["Eve E."]["Health score"] == ""  # closed: no score
    assert by_mentee["Fay F."]["Agreement"] == "None yet"


def test_the_relationships_file_follows_the_status_filter(client: Client) -> None:
    url = reverse("insights:relationships_csv", args=["known-mentoring"])
    _header, *rows = rows_of(fetch(client, url + "?status=completed"))
    assert [row[1] for row in rows] == ["Eve E."]
    refused = fetch(client, url + "?status=vanished")
    assert refused.status_code == 302


def test_names_that_look_like_formulas_are_defused(known: Known, client: Client) -> None:
    User.objects.filter(pk=known.people["Bea"]).update(full_name='=HYPERLINK("http://evil","x")')
    _header, *rows = rows_of(fetch(client, reverse("insights:relationships_csv", args=["known-mentoring"])))
    assert '\'=HYPERLINK("http://evil","x")' in [row[1] for row in rows]
    _header, *at_risk = rows_of(fetch(client, reverse("insights:at_risk_csv") + "?program=known-mentoring"))
    assert at_risk[0][1].startswith("'=")


def test_the_at_risk_file_follows_the_filters(client: Client) -> None:
    url = reverse("insights:at_risk_csv")
    header, *rows = rows_of(fetch(client, url + "?program=known-mentoring"))
    assert header == [
        "Program",
        "Mentee",
        "Mentor or sponsor",
        "Status",
        "Health score",
        "Health",
        "Reasons",
        "Last meeting held",
        "Next meeting",
        "Overdue action items",
    ]
    assert [(row[1], row[4]) for row in rows] == [("Bea B.", "40"), ("Cem C.", "76"), ("Dan D.", "90")]
    _header, *overdue = rows_of(fetch(client, url + "?program=known-mentoring&reason=overdue"))
    assert [row[1] for row in overdue] == ["Cem C."]
    _header, *everywhere = rows_of(fetch(client, url))
    assert everywhere[0][1] == "Sam S."  # the sponsorship pair, at 22, leads across programs


def test_the_funnel_file(client: Client) -> None:
    header, *rows = rows_of(fetch(client, reverse("insights:funnel_csv", args=["known-mentoring"])))
    assert header == ["Step", "What counts", "Mentee", "Mentee: share of the step before (%)", "Mentor",
                      "Mentor: share of the step before (%)"]  # fmt: skip
    assert rows[0][:3] == ["Invited", "invitations sent, plus people who applied on their own", "11"]
    assert rows[1][2:] == ["8", "72.7", "4", "80.0"]
    assert [row[0] for row in rows][-1] == "Completed"


def test_bad_filters_of_the_list_are_shown_not_crashed_on(client: Client) -> None:
    response = client.get(reverse("insights:at_risk") + "?status=%D9%A1&reason=nope&mentor=" + "x" * 500)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"status", "reason", "mentor"}
    assert response.context["page"].paginator.count == 4  # no filter applied: B, C, D and the sponsorship pair
    assert Program.objects.count() == 3
