"""The wrap-up as one form: notes, rating and action items saved together; adding a row never loses typing."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from meetings.models import ActionItem, Meeting, MeetingFeedback
from meetings.tests.conftest import client_for
from meetings.tests.factories import schedule_once, wrap_up_form
from relationships.models import Relationship

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(relationship: Relationship, clock: time_machine.Coordinates) -> Meeting:
    meeting = schedule_once(relationship, datetime.datetime(2027, 1, 5, 10, 0))
    clock.move_to(meeting.start + datetime.timedelta(minutes=5))
    return meeting


def rows(relationship: Relationship, *items: dict[str, str], total: int | None = None) -> dict[str, str]:
    data = {"items-TOTAL_FORMS": str(len(items) if total is None else total), "items-INITIAL_FORMS": "0"}
    for n, item in enumerate(items):
        row = {"description": "", "owner": str(relationship.mentee_id), "due_on": "", "resource_url": "", **item}
        data.update({f"items-{n}-{key}": value for key, value in row.items()})
    return data


def typed(relationship: Relationship, **more: str) -> dict[str, str]:
    return {
        **wrap_up_form(shared_notes="We planned the launch talk.", rating="4", comment="Useful"),
        **rows(relationship, {"description": "Draft the slides", "due_on": "2027-01-20"}),
        **more,
    }


def values(page: str) -> dict[str, Any]:
    notes = re.search(r'<textarea name="shared_notes"[^>]*>\s*(.*?)</textarea>', page, re.S)
    rating = re.search(r'name="rating" value="(\d)"[^>]*checked', page)
    return {
        "notes": notes.group(1).strip() if notes else None,
        "rating": rating.group(1) if rating else None,
        "rows": len(re.findall(r'name="items-\d+-description"', page)),
    }


def test_adding_an_action_item_row_keeps_everything_typed_and_saves_nothing(
    started: Meeting, relationship: Relationship
) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    response = client_for(relationship.mentee).post(url, typed(relationship, add_item="1"))

    page = response.content.decode()
    assert response.status_code == 200
    assert values(page) == {"notes": "We planned the launch talk.", "rating": "4", "rows": 2}
    assert 'value="Draft the slides"' in page
    assert "This field is required" not in page  # the new empty row is not an error
    started.refresh_from_db()
    assert started.status == "scheduled" and not ActionItem.objects.filter(meeting=started).exists()


def test_one_save_stores_notes_rating_and_every_action_item(started: Meeting, relationship: Relationship) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    data = {
        **wrap_up_form(shared_notes="Good talk", rating="5"),
        **rows(
            relationship,
            {"description": "Draft the slides", "due_on": "2027-01-20"},
            {"description": "Book a rehearsal", "owner": str(relationship.mentor_id), "due_on": "2027-01-25"},
            {},  # an untouched row is skipped
        ),
    }
    response = client_for(relationship.mentee).post(url, data)

    assert response.status_code == 302, response.context["form"].errors or response.context["items"].errors
    started.refresh_from_db()
    assert (started.status, started.shared_notes) == ("held", "Good talk")
    assert MeetingFeedback.objects.get(meeting=started).rating == 5
    items = {(i.description, i.owner_id) for i in ActionItem.objects.filter(meeting=started)}
    assert items == {("Draft the slides", relationship.mentee_id), ("Book a rehearsal", relationship.mentor_id)}


@pytest.mark.parametrize(
    "bad_row",
    [
        {"description": "", "due_on": "2027-01-20"},  # a date but nothing to do
        {"description": "Draft the slides", "due_on": "2027-02-30"},
        {"description": "Draft the slides", "due_on": "2027-01-20", "owner": "999999"},
        {"description": "x" * 301, "due_on": "2027-01-20"},
        {"description": "Draft the slides", "due_on": "2027-01-20", "resource_url": "javascript:alert(1)"},
    ],
)
def test_a_bad_row_keeps_notes_and_rating_and_saves_nothing(
    started: Meeting, relationship: Relationship, bad_row: dict[str, str]
) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    data = {**wrap_up_form(shared_notes="We planned the launch talk.", rating="4"), **rows(relationship, bad_row)}
    response = client_for(relationship.mentee).post(url, data)

    assert response.status_code == 200
    assert values(response.content.decode())[("notes")] == "We planned the launch talk."
    assert values(response.content.decode())["rating"] == "4"
    started.refresh_from_db()
    assert started.status == "scheduled" and not MeetingFeedback.objects.exists()
    assert not ActionItem.objects.filter(meeting=started).exists()


def test_a_bad_rating_keeps_the_typed_action_items(started: Meeting, relationship: Relationship) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    response = client_for(relationship.mentee).post(url, typed(relationship, rating="9"))

    page = response.content.decode()
    assert response.status_code == 200 and 'value="Draft the slides"' in page
    assert values(page)["notes"] == "We planned the launch talk."
    assert not ActionItem.objects.filter(meeting=started).exists()


@pytest.mark.parametrize("total", ["-3", "abc", "", "100000", "11"])
def test_forged_row_counts_never_break_the_page(started: Meeting, relationship: Relationship, total: str) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    data = {**typed(relationship), "items-TOTAL_FORMS": total}
    for extra in ({}, {"add_item": "1"}):
        response = client_for(relationship.mentee).post(url, {**data, **extra})
        assert response.status_code == 200
    started.refresh_from_db()
    assert started.status == "scheduled" and not ActionItem.objects.filter(meeting=started).exists()


def test_rows_stop_at_ten(started: Meeting, relationship: Relationship) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    many = rows(relationship, *[{} for _ in range(10)])
    page = client_for(relationship.mentee).post(url, {**wrap_up_form(), **many, "add_item": "1"}).content.decode()
    assert values(page)["rows"] == 10 and 'name="add_item"' not in page


def test_a_post_without_rows_still_wraps_up(started: Meeting, relationship: Relationship) -> None:
    response = client_for(relationship.mentor).post(
        reverse("meetings:wrap_up", args=[started.pk]), wrap_up_form(rating="3")
    )
    assert response.status_code == 302
    assert MeetingFeedback.objects.get(meeting=started).rating == 3


def test_the_mentor_opening_the_form_owns_the_empty_row(started: Meeting, relationship: Relationship) -> None:
    page = client_for(relationship.mentor).get(reverse("meetings:wrap_up", args=[started.pk])).content.decode()
    assert re.search(rf'<option value="{relationship.mentor_id}" selected>', page)
    # Sent back untouched, the row is not an action item and is not an error.
    data = {**wrap_up_form(), **rows(relationship, {"owner": str(relationship.mentor_id)})}
    response = client_for(relationship.mentor).post(reverse("meetings:wrap_up", args=[started.pk]), data)
    assert response.status_code == 302 and not ActionItem.objects.filter(meeting=started).exists()


def test_the_wrap_up_page_costs_the_same_with_more_rows(
    started: Meeting, relationship: Relationship, django_assert_max_num_queries: Any
) -> None:
    url = reverse("meetings:wrap_up", args=[started.pk])
    client = client_for(relationship.mentee)
    client.post(url, {**typed(relationship), "add_item": "1"})  # warm up per-session reads
    with django_assert_max_num_queries(100) as few:
        client.post(url, {**typed(relationship), "add_item": "1"})
    many = rows(relationship, *[{"description": f"Item {n}", "due_on": "2027-01-20"} for n in range(9)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.post(url, {**wrap_up_form(shared_notes="x"), **many, "add_item": "1"})
