from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from mentorship.notifications import services
from mentorship.notifications.models import OutboundEmail
from mentorship.notifications.tasks import flush_outbox

pytestmark = pytest.mark.django_db


def queue(key: str = "k1") -> OutboundEmail:
    return services.email_queue_rendered(
        key=key, kind="test", to="a@example.com", subject="Hello\n", text="Body", html="<p>Body</p>"
    )


def test_one_row_and_one_email_per_key(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue()
    assert first.pk == second.pk
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.alternatives[0] == ("<p>Body</p>", "text/html")
    first.refresh_from_db()
    assert first.status == OutboundEmail.Status.SENT
    assert first.attempts == 1


def test_delivering_twice_sends_once() -> None:
    email = queue()
    assert services.email_deliver(email_id=email.pk) is True
    assert services.email_deliver(email_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_row_claimed_by_another_worker_is_left_alone() -> None:
    email = queue()
    assert services.email_claim(email_id=email.pk) is not None
    assert services.email_deliver(email_id=email.pk) is False
    assert mail.outbox == []


def test_smtp_failure_keeps_the_row_for_a_later_try(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()

    def refuse(*args: object, **kwargs: object) -> int:
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert "connection lost" in email.last_error
    monkeypatch.undo()
    assert flush_outbox() == 1
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


def test_repeated_failures_end_as_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    email = queue()
    monkeypatch.setattr(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        lambda *a, **k: (_ for _ in ()).throw(smtplib.SMTPDataError(554, b"rejected")),
    )
    for _ in range(services.MAX_ATTEMPTS):
        with pytest.raises(smtplib.SMTPDataError):
            services.email_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.FAILED
    assert services.outbox_pending_ids() == []


def test_broker_outage_does_not_fail_the_caller(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    from mentorship.notifications.tasks import deliver_email

    def broker_down(*args: object, **kwargs: object) -> None:
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(deliver_email, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.PENDING
    assert services.outbox_pending_ids() == [email.pk]
