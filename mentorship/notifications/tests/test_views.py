"""Preferences, one-click unsubscribe, the bell and the notice list."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mentorship.notifications import preferences
from mentorship.notifications.models import Kind, Mode, Notice, NotificationSettings

pytestmark = pytest.mark.django_db


def mode_of(user: Any, kind: str) -> str:
    found = NotificationSettings.objects.filter(user=user).first()
    return found.mode_for(kind) if found else Mode.ON


def test_unsubscribe_get_only_confirms_and_post_without_session_takes_effect(member: Any) -> None:
    url = preferences.unsubscribe_url(user_id=member.pk, kind=Kind.ACTION_ITEM).split("127.0.0.1:8000")[-1]
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert b"Stop these emails?" in page.content
    assert mode_of(member, Kind.ACTION_ITEM) == Mode.ON
    # RFC 8058: the mail provider posts List-Unsubscribe=One-Click with no cookie and no CSRF token.
    done = anonymous.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert mode_of(member, Kind.ACTION_ITEM) == Mode.OFF
    assert mode_of(member, Kind.MEETING_REMINDER) == Mode.ON


def test_tampered_token_changes_nothing(member: Any) -> None:
    token = preferences.unsubscribe_token(user_id=member.pk, kind=Kind.ACTION_ITEM)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = Client().post(reverse("notifications:unsubscribe", args=[forged]))
    assert response.status_code == 400
    assert not NotificationSettings.objects.exists()


def test_preferences_page_saves_modes_and_lead_times(client: Client, member: Any) -> None:
    client.force_login(member)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    data = {f"mode_{kind.value}": Mode.ON for kind in Kind}
    data["mode_meeting_prepare"] = Mode.DIGEST
    data["lead_minutes"] = ["2880", "15"]
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    prefs = NotificationSettings.objects.get(user=member)
    assert prefs.mode_for(Kind.MEETING_PREPARE) == Mode.DIGEST
    assert prefs.leads == [2880, 15]


def test_profile_links_to_preferences(client: Client, member: Any) -> None:
    client.force_login(member)
    page = client.get(reverse("profile_detail"))
    assert reverse("notifications:preferences").encode() in page.content


def test_bell_counts_unread_and_opening_marks_read(client: Client, member: Any, outsider: Any) -> None:
    notice = Notice.objects.create(
        user=member, key="n1", kind="action_item", title="Overdue: slides", url="/meetings/1/"
    )
    Notice.objects.create(user=outsider, key="n2", kind="action_item", title="Not yours", url="/")
    client.force_login(member)
    home = client.get(reverse("notifications:list"))
    assert home.context["unread_notices"] == 1
    assert b"Overdue: slides" in home.content and b"Not yours" not in home.content
    # GET never changes state.
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 405
    response = client.post(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/meetings/1/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    assert client.get(reverse("notifications:list")).context["unread_notices"] == 0


def test_someone_elses_notice_is_404(client: Client, member: Any, outsider: Any) -> None:
    notice = Notice.objects.create(user=outsider, key="n3", kind="action_item", title="Private", url="/")
    client.force_login(member)
    assert client.post(reverse("notifications:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_offsite_notice_url_is_not_followed(client: Client, member: Any) -> None:
    notice = Notice.objects.create(user=member, key="n4", kind="x", title="t", url="https://evil.example.com/")
    client.force_login(member)
    assert client.post(reverse("notifications:open", args=[notice.pk]))["Location"] == "/"


def test_notice_list_queries_do_not_grow(client: Client, member: Any, django_assert_max_num_queries: Any) -> None:
    Notice.objects.bulk_create(
        [Notice(user=member, key=f"bulk:{n}", kind="action_item", title=f"Item {n}", url="/") for n in range(60)]
    )
    client.force_login(member)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications:list")).status_code == 200
