"""The schedule page's proposals: labelled on both clocks, picked with a link, in a fixed number of queries.

Mia is in Berlin and Marco in New York, both on the default 09:00-17:00 weekdays; "now" is Monday 4 January
2027, 08:00 UTC. Their days overlap from 15:00 to 17:00 in Berlin (09:00 to 11:00 in New York).
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.assistant import parse_slot
from meetings.models import Meeting
from meetings.tests.conftest import client_for
from meetings.tests.factories import pair, person, schedule_form, schedule_once, schedule_series
from mentorship.accounts.hours import DayHours
from mentorship.accounts.models import User
from mentorship.accounts.services import working_hours_save
from programs.models import Program
from relationships.models import Relationship

UTC = datetime.UTC


def proposals(response: object) -> list[str]:
    html = response.content.decode()  # type: ignore[attr-defined]
    section = html.split('id="proposals"', 1)[1].split("</ul>", 1)[0] if 'id="proposals"' in html else ""
    return [re.sub(r"\s+", " ", label).strip() for label in re.findall(r">([^<>]+for [^<>]+)</a>", section)]


@pytest.mark.django_db
def test_the_form_proposes_times_inside_both_days_labelled_on_both_clocks(
    relationship: Relationship, mentee: User
) -> None:
    response = client_for(mentee).get(reverse("meetings:schedule", args=[relationship.pk]))
    labels = proposals(response)
    assert labels[0] == "Mon 4 Jan 15:00 for you, 09:00 for Marco"
    assert len(labels) == 5
    assert all(" for you, " in label and label.endswith(" for Marco") for label in labels)


@pytest.mark.django_db
def test_the_other_side_sees_its_own_clock(relationship: Relationship, mentor: User) -> None:
    response = client_for(mentor).get(reverse("meetings:schedule", args=[relationship.pk]))
    assert proposals(response)[0] == "Mon 4 Jan 09:00 for you, 15:00 for Mia"


@pytest.mark.django_db
def test_saved_hours_and_meetings_of_either_person_are_respected(
    relationship: Relationship, mentee: User, mentor: User
) -> None:
    # Marco only from 10:00 in New York, and he has a meeting with someone else on Monday at 16:00 Berlin.
    working_hours_save(user=mentor, ranges=[DayHours(d, 10 * 60, 18 * 60) for d in range(5)])
    program = relationship.program
    third = pair(program, person("tess@example.com", "Tess Third"), mentor)
    schedule_once(third, start_local=datetime.datetime(2027, 1, 4, 10, 0), zone="America/New_York")
    response = client_for(mentee).get(reverse("meetings:schedule", args=[relationship.pk]))
    labels = proposals(response)
    # Their days now share 16:00-17:00 in Berlin only, and Monday's hour is taken by Marco's other meeting.
    assert labels[0] == "Tue 5 Jan 16:00 for you, 10:00 for Marco"
    assert all("16:00 for you" in label for label in labels)


@pytest.mark.django_db
def test_picking_a_proposal_fills_the_first_meeting_and_the_series_ends_with_the_relationship(
    relationship: Relationship, mentee: User
) -> None:
    url = reverse("meetings:schedule", args=[relationship.pk])
    response = client_for(mentee).get(url, {"slot": "2027-01-05T14:00Z"})
    form = response.context["form"]
    assert form["first_date"].value() == datetime.date(2027, 1, 5)
    assert form["start_time"].value() == datetime.time(15, 0)
    assert form["zone"].value() == "Europe/Berlin"
    assert form["ending"].value() == "on_date"
    assert form["until_date"].value() == relationship.planned_end_on
    assert 'aria-current="true"' in response.content.decode()


@pytest.mark.django_db
def test_a_re_shown_form_proposes_up_to_the_last_date_typed(relationship: Relationship, mentee: User) -> None:
    url = reverse("meetings:schedule", args=[relationship.pk])
    # Refused (no title), so the form comes back with its proposals: none after Wednesday 6 January.
    response = client_for(mentee).post(url, schedule_form(title="", ending="on_date", until_date="2027-01-06"))
    assert response.status_code == 200
    labels = proposals(response)
    assert labels and all(label.split()[1] in ("4", "5", "6") for label in labels), labels
    # Read as the form reads it: full-width digits are the same date; what is no date leaves the proposals open.
    wide = client_for(mentee).post(
        url, schedule_form(title="", ending="on_date", until_date="\uff12\uff10\uff12\uff17-01-06")
    )
    assert proposals(wide) == labels
    for typed in ("2027-02-30", "x" * 10_000):
        response = client_for(mentee).post(url, schedule_form(title="", ending="on_date", until_date=typed))
        assert response.status_code == 200 and len(proposals(response)) == 5


BAD_SLOTS = [
    "",
    "x",
    "2027-13-01T10:00Z",
    "\uff12\uff10\uff12\uff17-01-05T14:00Z",
    "0001-01-01T00:00Z",
    "2027-01-05T14:00",
    "x" * 100_000,
]


@pytest.mark.django_db
@pytest.mark.parametrize("value", BAD_SLOTS)
def test_a_bad_slot_is_ignored(client: Client, relationship: Relationship, mentee: User, value: str) -> None:
    assert parse_slot(value) is None
    response = client_for(mentee).get(reverse("meetings:schedule", args=[relationship.pk]), {"slot": value})
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_schedule_page_costs_the_same_with_many_meetings(
    relationship: Relationship, mentee: User, mentor: User
) -> None:
    client = client_for(mentee)
    url = reverse("meetings:schedule", args=[relationship.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    schedule_series(relationship, ending="after_count", count=20)
    program: Program = relationship.program
    for n in range(3):
        other = pair(program, person(f"p{n}@example.com", f"Person {n}"), mentor)
        schedule_series(other, ending="after_count", count=10)
    working_hours_save(user=mentor, ranges=[DayHours(d, 8 * 60, 20 * 60) for d in range(6)])
    assert Meeting.objects.count() >= 50
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)


@pytest.mark.django_db
def test_the_cadence_of_the_proposals_can_be_changed_without_javascript(
    relationship: Relationship, mentee: User
) -> None:
    url = reverse("meetings:schedule", args=[relationship.pk])
    response = client_for(mentee).get(url, {"frequency": "weekly"})
    assert response.context["form"]["frequency"].value() == "weekly"
    assert '<option value="weekly" selected>' in response.content.decode()
    for bad in ("nonsense", "x" * 100_000, "\x00"):
        assert client_for(mentee).get(url, {"frequency": bad}).status_code == 200
