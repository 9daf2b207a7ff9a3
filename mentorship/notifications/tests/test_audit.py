"""The audit log: what it records, what it never holds, and who may read it."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from mentorship.notifications.audit import REFUSALS_PER_MINUTE, audit_record, clean_details
from mentorship.notifications.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET_PASSWORD = "planted-Password-7391"


@pytest.fixture
def person(make_user: Any) -> Any:
    user = make_user(email="pat@example.com", full_name="Pat Person")
    user.set_password(SECRET_PASSWORD)
    user.save()
    return user


@pytest.fixture
def operator(make_user: Any) -> Any:
    return make_user(email="ops@example.com", full_name="Olga Operator", is_superuser=True, is_staff=True)


def _log() -> str:
    return json.dumps(list(AuditEvent.objects.values()), cls=DjangoJSONEncoder)


def test_sign_in_and_failed_sign_in_are_recorded_without_the_password(person: Any) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    client.post(reverse("account_login"), {"login": "pat@example.com", "password": "wrong " + SECRET_PASSWORD})
    client.post(reverse("account_login"), {"login": "pat@example.com", "password": SECRET_PASSWORD})
    failed = AuditEvent.objects.get(action="sign_in_failed")
    assert (failed.actor, failed.actor_email, failed.outcome, failed.ip) == (
        person,
        "pat@example.com",
        "refused",
        "203.0.113.9",
    )
    assert AuditEvent.objects.filter(action="sign_in", actor=person, ip="203.0.113.9").exists()
    assert SECRET_PASSWORD not in _log()


def test_a_password_typed_into_the_address_box_is_not_kept(person: Any) -> None:
    Client().post(reverse("account_login"), {"login": SECRET_PASSWORD, "password": SECRET_PASSWORD})
    assert SECRET_PASSWORD not in _log()


def test_a_refused_access_is_recorded_by_route_never_by_a_secret_path(person: Any) -> None:
    client = Client()
    client.force_login(person)
    token = "planted-feed-secret-abcdef"
    client.get(f"/calendar/{token}.ics")
    assert client.get(reverse("relationships:detail", args=[987654])).status_code == 404
    refused = AuditEvent.objects.filter(action="access_refused", actor=person)
    assert refused.filter(details__view="relationships:detail", details__pk=987654).exists()
    assert token not in _log()


def test_refusals_from_one_account_are_capped_per_minute(person: Any) -> None:
    client = Client()
    client.force_login(person)
    for pk in range(REFUSALS_PER_MINUTE + 5):
        client.get(reverse("relationships:detail", args=[10_000 + pk]))
    assert AuditEvent.objects.filter(action="access_refused").count() == REFUSALS_PER_MINUTE


def test_details_keep_identifiers_and_drop_secrets_and_free_text() -> None:
    assert clean_details(
        {
            "pk": 12,
            "view": "programs:manage",
            "token": "abc",
            "api_key": "x",
            "note": "I feel stuck with my manager and want to leave",
            "flag": True,
        }
    ) == {"pk": 12, "view": "programs:manage", "flag": True}


def test_anonymous_refusals_are_not_recorded() -> None:
    Client().get(reverse("relationships:detail", args=[1]))
    assert not AuditEvent.objects.exists()


def test_only_operators_read_the_log(client: Client, person: Any, program_admin: Any) -> None:
    for user in (person, program_admin):
        client.force_login(user)
        assert client.get(reverse("audit:log")).status_code == 404
        assert client.post(reverse("audit:export")).status_code == 404
    client.logout()
    assert client.get(reverse("audit:log")).status_code == 302


def test_the_log_filters_by_action_person_and_dates(client: Client, operator: Any, person: Any) -> None:
    audit_record(action=AuditEvent.Action.SIGN_IN, actor=person)
    audit_record(action=AuditEvent.Action.MATCHING_RUN, actor=operator)
    client.force_login(operator)
    page = client.get(reverse("audit:log"), {"action": "sign_in", "who": "pat@"})
    events = list(page.context["page"])
    assert [e.action for e in events] == ["sign_in"]
    assert client.get(reverse("audit:log"), {"since": "0001-01-01", "until": "9999-12-31"}).status_code == 200


def test_the_download_is_csv_neutralised_and_itself_recorded(client: Client, operator: Any) -> None:
    audit_record(action=AuditEvent.Action.SIGN_IN_FAILED, outcome="refused", actor_email="=cmd@example.com")
    client.force_login(operator)
    response = client.post(reverse("audit:export"), {"action": "sign_in_failed"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["when_utc", "action", "outcome"]
    assert rows[1][3] == "'=cmd@example.com"
    assert AuditEvent.objects.filter(action="export", actor=operator).exists()


def test_looking_at_the_log_writes_nothing(client: Client, operator: Any) -> None:
    client.force_login(operator)
    before = AuditEvent.objects.count()
    client.get(reverse("audit:log"))
    assert AuditEvent.objects.count() == before
