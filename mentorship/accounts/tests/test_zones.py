from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.accounts.tests.test_views import profile_post
from mentorship.accounts.zones import COMMON_ZONES, offered_zones, time_zone_choices, zone_label

pytestmark = pytest.mark.django_db


def test_only_canonical_zones_are_offered_with_the_common_ones_first() -> None:
    (common_label, common), (all_label, rest) = time_zone_choices()
    assert (str(common_label), str(all_label)) == ("Common zones", "All zones")
    assert [value for value, _label in common] == list(COMMON_ZONES)
    values = [value for value, _label in rest]
    assert not set(values) & set(COMMON_ZONES)  # each zone once
    assert values == sorted(values)
    offered = set(offered_zones())
    for legacy in ("Factory", "localtime", "posixrules", "US/Eastern", "Etc/GMT+5", "EST5EDT", "GB", "Zulu"):
        assert legacy not in offered
    for alias in ("Asia/Calcutta", "Europe/Kiev", "America/Buenos_Aires"):
        assert alias not in offered
    for zone in ("UTC", "Asia/Kolkata", "Europe/Kyiv", "America/Argentina/Buenos_Aires", "Pacific/Auckland"):
        assert zone in offered
    assert all(zone == "UTC" or "/" in zone for zone in offered)


def test_a_label_carries_the_offset_of_the_day() -> None:
    winter = datetime.datetime(2026, 1, 15, tzinfo=datetime.UTC)
    summer = datetime.datetime(2026, 7, 15, tzinfo=datetime.UTC)
    assert zone_label("America/New_York", winter) == "America/New York (UTC-05:00)"
    assert zone_label("America/New_York", summer) == "America/New York (UTC-04:00)"
    assert zone_label("Asia/Kolkata", winter) == "Asia/Kolkata (UTC+05:30)"
    assert zone_label("UTC", winter) == "UTC (UTC+00:00)"


def test_someone_with_an_old_alias_still_sees_it_and_can_save(client: Client, member) -> None:
    member.profile.time_zone = "US/Eastern"
    member.profile.save()
    client.force_login(member)
    page = client.get(reverse("profile_edit")).content.decode()
    assert re.search(r'<optgroup label="Your current zone">\s*<option value="US/Eastern" selected>', page)

    response = client.post(reverse("profile_edit"), profile_post(time_zone="US/Eastern", location="Boston"))
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert (member.profile.time_zone, member.profile.location) == ("US/Eastern", "Boston")


@pytest.mark.parametrize("zone", ["Factory", "localtime", "posixrules", "Mars/Olympus", ""])
def test_what_is_no_zone_is_refused(client: Client, member, zone: str) -> None:
    client.force_login(member)
    response = client.post(reverse("profile_edit"), profile_post(time_zone=zone))
    assert response.status_code == 200
    member.profile.refresh_from_db()
    assert member.profile.time_zone != zone


def test_the_pickers_are_marked_for_enhancement(client: Client, member) -> None:
    client.force_login(member)
    page = client.get(reverse("profile_edit")).content.decode()
    assert re.search(r'<select name="time_zone"[^>]*data-picker="zone"', page)
    assert re.search(r'<select name="languages"[^>]*data-picker="languages"[^>]*multiple', page)
    assert "vendor/tom-select/tom-select.complete.min.js" in page and "js/pickers.js" in page


def test_the_favicon_is_linked_and_served(client: Client) -> None:
    page = client.get(reverse("account_login")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert b"<svg" in response.content
    assert "max-age=86400" in response["Cache-Control"]
