"""The administrators' weekly digest leads with the pairs at risk and links to the at-risk list."""

from __future__ import annotations

import pytest
from django.core import mail

from insights.digests import admin_digests_due
from insights.tests.conftest import Known
from mentorship.notifications.models import Notice
from mentorship.notifications.tasks import flush_outbox

pytestmark = pytest.mark.django_db


def test_the_digest_leads_with_the_pairs_at_risk(known: Known) -> None:
    assert admin_digests_due().emails_created == 2  # both administrators
    mail.outbox.clear()
    flush_outbox()
    [digest] = [message for message in mail.outbox if message.to == ["hr@example.com"]]
    text = digest.body
    mentoring = text.index("Known Mentoring (")
    assert text.index("Pairs at risk: 1", mentoring) < text.index("Relationships that stopped meeting", mentoring)
    assert "Bea B. & Rex R. (score 40): no meeting held for 70 days; agreed monthly" in text
    assert "/programs/manage/insights/at-risk/?program=known-mentoring" in text
    assert "Sam S. & Sol S. (score 22)" in text
    assert "Cem C." not in text  # needs attention, but not at risk
    html = digest.alternatives[0][0]
    assert '/programs/manage/insights/at-risk/?program=known-mentoring">Open the at-risk list</a>' in html
    notice = Notice.objects.get(user__email="hr@example.com")
    assert notice.url == "/programs/manage/insights/at-risk/"


def test_a_program_without_pairs_at_risk_says_so(known: Known) -> None:
    admin_digests_due()
    mail.outbox.clear()
    flush_outbox()
    [digest] = [message for message in mail.outbox if message.to == ["hr2@example.com"]]
    assert "Pairs at risk: 0" in digest.body
    assert "at-risk list" not in digest.body
