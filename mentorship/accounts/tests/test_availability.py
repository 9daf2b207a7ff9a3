"""Weekly availability: the default, the form and its bad input, the rules in the service and the database."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from mentorship.accounts import personal_data
from mentorship.accounts.hours import DEFAULT_WEEK, MAX_RANGES_PER_DAY, DayHours, WeeklyHours, week_of
from mentorship.accounts.models import User, WorkingHours
from mentorship.accounts.selectors import has_saved_hours, saved_hours_of, weeks_of
from mentorship.accounts.services import AvailabilityError, working_hours_save

pytestmark = pytest.mark.django_db
URL = "/profile/availability/"


def week_form(**overrides: str) -> dict[str, str]:
    data: dict[str, str] = {}
    for day in range(7):
        if day < 5:
            data[f"day{day}_on"] = "on"
        data[f"day{day}_from"] = "09:00"
        data[f"day{day}_to"] = "17:00"
    data.update(overrides)
    return {key: value for key, value in data.items() if value != "-"}


@pytest.fixture
def signed_in(client: Client, member: User) -> Client:
    client.force_login(member)
    return client


def test_the_url_is_the_profile_s() -> None:
    assert reverse("availability_edit") == URL


def test_nobody_gets_rows_until_they_save_and_the_default_is_office_hours(signed_in: Client, member: User) -> None:
    response = signed_in.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('type="checkbox"') == 7
    assert page.count("checked") == 5
    assert 'value="09:00"' in page and 'value="17:00"' in page
    signed_in.get(reverse("profile_detail"))
    assert not WorkingHours.objects.exists()
    assert not has_saved_hours(member)
    assert weeks_of([member])[member.pk].ranges == DEFAULT_WEEK


def test_saving_a_week_replaces_the_last_one(signed_in: Client, member: User) -> None:
    response = signed_in.post(URL, week_form(day0_on="-", day5_on="on", day5_from="10:00", day5_to="12:30"))
    assert response.status_code == 302
    assert saved_hours_of([member.pk])[member.pk] == (
        DayHours(1, 540, 1020),
        DayHours(2, 540, 1020),
        DayHours(3, 540, 1020),
        DayHours(4, 540, 1020),
        DayHours(5, 600, 750),
    )
    signed_in.post(URL, week_form(day1_on="-", day2_on="-", day3_on="-", day4_on="-"))
    assert saved_hours_of([member.pk])[member.pk] == (DayHours(0, 540, 1020),)
    page = signed_in.get(reverse("profile_detail")).content.decode()
    assert "Monday: 09:00\u201317:00" in page
    assert "Change my availability" in page


@pytest.mark.parametrize(
    "overrides",
    [
        {"day0_from": "25:00"},
        {"day0_to": "17:61"},
        {"day0_from": "\uff10\uff19:\uff10\uff10"},  # full-width digits
        {"day0_from": "\u0660\u0669:\u0660\u0660"},  # Arabic-Indic digits
        {"day0_from": "x" * 100_000},
        {"day0_from": "09:00\x00"},
        {"day0_from": "17:00", "day0_to": "09:00"},
        {"day0_from": "09:00", "day0_to": "09:00"},
        {"day0_from": ""},
        {"day0_to": "-"},
        {f"day{d}_on": "-" for d in range(7)},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(signed_in: Client, overrides: dict[str, str]) -> None:
    response = signed_in.post(URL, week_form(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not WorkingHours.objects.exists()


def test_a_day_left_unticked_saves_without_its_times(signed_in: Client, member: User) -> None:
    response = signed_in.post(URL, week_form(day6_from="", day6_to=""))
    assert response.status_code == 302
    assert len(saved_hours_of([member.pk])[member.pk]) == 5
    # What is typed must still be a time, ticked or not.
    assert signed_in.post(URL, week_form(day6_from="99:99")).status_code == 200


def test_a_split_day_is_saved_and_shown_again_as_it_was(signed_in: Client, member: User) -> None:
    response = signed_in.post(
        URL, week_form(day0_to="12:00", day0_from_2="14:00", day0_to_2="17:30", day0_from_3="20:00", day0_to_3="21:00")
    )
    assert response.status_code == 302
    monday = [r for r in saved_hours_of([member.pk])[member.pk] if r.weekday == 0]
    assert monday == [DayHours(0, 540, 720), DayHours(0, 840, 1050), DayHours(0, 1200, 1260)]
    # Shown again with the day open, so saving the page unchanged loses nothing.
    page = signed_in.get(URL).content.decode()
    assert re.search(r"<details[^>]* open>\s*<summary[^>]*>More hours on Monday", page)
    for name, value in (("day0_from_2", "14:00"), ("day0_to_2", "17:30"), ("day0_to_3", "21:00")):
        assert re.search(rf'name="{name}" id="id_{name}" value="{value}"', page), name
    assert re.search(r"<details[^>]*\"><summary[^>]*>More hours on Tuesday", page)  # not split: closed


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"day0_from_2": "16:00", "day0_to_2": "18:00"}, "day0_from_2", "overlaps another stretch"),
        ({"day0_from_2": "18:00"}, "day0_to_2", "Say until when"),
        ({"day0_to_2": "19:00"}, "day0_from_2", "Say from when"),
        ({"day0_from_2": "19:00", "day0_to_2": "18:00"}, "day0_to_2", "end must come after the start"),
        ({"day0_from_3": "\uff11\uff18:00", "day0_to_3": "19:00"}, "day0_from_3", "such as 09:00"),
    ],
)
def test_a_bad_extra_stretch_is_named_on_its_field(
    signed_in: Client, overrides: dict[str, str], field: str, message: str
) -> None:
    response = signed_in.post(URL, week_form(**overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert re.search(r"<details[^>]* open>", response.content.decode())
    assert not WorkingHours.objects.exists()


def test_outsiders_must_sign_in(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response.url
    assert client.post(URL, week_form()).status_code == 302
    assert not WorkingHours.objects.exists()


def test_the_service_refuses_crowded_or_overlapping_days(member: User) -> None:
    crowded = [DayHours(0, 60 * h, 60 * h + 30) for h in range(MAX_RANGES_PER_DAY + 1)]
    with pytest.raises(AvailabilityError):
        working_hours_save(user=member, ranges=crowded)
    with pytest.raises(AvailabilityError):
        working_hours_save(user=member, ranges=[DayHours(0, 540, 700), DayHours(0, 600, 800)])
    with pytest.raises(AvailabilityError):
        working_hours_save(user=member, ranges=[])
    assert not WorkingHours.objects.exists()
    with pytest.raises(ValueError):
        DayHours(7, 0, 60)
    with pytest.raises(ValueError):
        DayHours(0, 600, 600)


def test_the_database_keeps_hours_sane(member: User) -> None:
    for bad in (
        {"weekday": 7, "start_minute": 0, "end_minute": 60},
        {"weekday": 0, "start_minute": 60, "end_minute": 60},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            WorkingHours.objects.create(user=member, **bad)
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkingHours.objects.create(user=member, weekday=0, start_minute=0, end_minute=1441)


def test_the_person_s_download_holds_their_hours_and_erasure_removes_them(member: User) -> None:
    working_hours_save(user=member, ranges=[DayHours(2, 600, 900)])
    exported = personal_data.export_for(member)
    assert exported["availability"] == [{"weekday": 2, "start_minute": 600, "end_minute": 900}]
    personal_data.erase(member)
    assert not WorkingHours.objects.filter(user=member).exists()


def test_covers_reads_each_person_s_clock() -> None:
    berlin = week_of(ZoneInfo("Europe/Berlin"), None)
    start = datetime.datetime(2027, 1, 4, 8, tzinfo=datetime.UTC)  # Monday 09:00 in Berlin
    assert berlin.covers(start, start + datetime.timedelta(hours=8))
    assert not berlin.covers(start, start + datetime.timedelta(hours=8, minutes=1))
    assert not berlin.covers(start - datetime.timedelta(minutes=1), start + datetime.timedelta(hours=1))
    night = WeeklyHours(ZoneInfo("UTC"), (DayHours(0, 22 * 60, 1440),))
    late = datetime.datetime(2027, 1, 4, 23, tzinfo=datetime.UTC)
    assert night.covers(late, late + datetime.timedelta(hours=1))
    assert not night.covers(late, late + datetime.timedelta(hours=1, minutes=1))
