"""Nothing people wrote reaches HR through insights: every private field of the hand-built program holds MARKER
(private notes, private meeting notes, feedback comments, unshared goals and their custom category, reflections,
agreement texts, agenda, action items, advocacy details, proposal questions), and no page, file or digest shows it.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from insights.digests import admin_digests_due
from insights.tests.conftest import MARKER, Known, fetch
from mentorship.accounts.models import User
from mentorship.notifications.tasks import flush_outbox
from programs.models import Program

pytestmark = pytest.mark.django_db


def hr_urls(known: Known) -> list[str]:
    urls = [reverse("insights:overview"), reverse("insights:at_risk"), reverse("insights:at_risk_csv")]
    for pk in (known.program, known.sponsorship):
        slug = Program.objects.get(pk=pk).slug
        urls += [
            reverse("insights:dashboard", args=[slug]),
            reverse("insights:relationships_csv", args=[slug]),
            reverse("insights:funnel_csv", args=[slug]),
            reverse("insights:at_risk") + f"?program={slug}",
            reverse("insights:at_risk_csv") + f"?program={slug}",
        ]
    urls += [reverse("insights:pair", args=[pk]) for pk in known.pairs.values()]
    return urls


def body(response: object) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8-sig")


@pytest.mark.parametrize("persona", ["program_admin", "superuser"])
def test_no_page_or_export_shows_private_content(known: Known, persona: str) -> None:
    client = Client()
    client.force_login(User.objects.get(pk=known.people[persona]))
    seen = 0
    for url in hr_urls(known):
        response = fetch(client, url)
        assert response.status_code == 200, url
        text = body(response)
        assert MARKER not in text, url
        seen += "Bea" in text
    assert seen >= 5  # the pages did show the pairs, just not what they wrote


def test_the_weekly_digest_shows_no_private_content(known: Known) -> None:
    admin_digests_due()
    mail.outbox.clear()
    flush_outbox()
    [digest] = [message for message in mail.outbox if message.to == ["hr@example.com"]]
    assert "Bea B. & Rex R." in digest.body
    assert MARKER not in digest.body
    assert MARKER not in digest.alternatives[0][0]
