"""A new agreement starts from the program's settings and the practices of good mentoring; both can edit it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from relationships import services
from relationships.agreement_template import agreement_draft
from relationships.models import Relationship

pytestmark = pytest.mark.django_db

PRACTICES = ("agenda", "action plan", "feedback both ways", "thank you")


def form_values(page: str) -> dict[str, str]:
    """What the form shows in each field: text areas and the selected option of each select."""
    values = {
        name: text.strip() for name, text in re.findall(r'<textarea name="([a-z_]+)"[^>]*>(.*?)</textarea>', page, re.S)
    }
    for name, body in re.findall(r'<select name="([a-z_]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values[name] = chosen.group(1) if chosen else ""
    minutes = re.search(r'name="meeting_minutes" value="(\d+)"', page)
    values["meeting_minutes"] = minutes.group(1) if minutes else ""
    return values


def test_the_draft_takes_the_programs_meeting_settings_and_the_practices(relationship: Relationship) -> None:
    relationship.program.default_cadence = "biweekly"
    relationship.program.default_meeting_minutes = 45
    draft = agreement_draft(relationship)

    assert (draft.cadence, draft.meeting_minutes) == ("biweekly", 45)
    assert {c["channel"] for c in draft.channels} >= {"Video call", "Chat"}
    assert draft.confidentiality and draft.pk is None
    for side_text in (draft.mentee_responsibilities, draft.mentor_responsibilities):
        for practice in PRACTICES:
            assert practice in side_text.lower()
        assert len(side_text) <= 2000


def test_the_form_opens_prefilled_and_says_where_the_draft_comes_from(
    client: Client, relationship: Relationship
) -> None:
    relationship.program.default_cadence = "weekly"
    relationship.program.default_meeting_minutes = 30
    relationship.program.save()
    client.force_login(relationship.mentee)

    page = client.get(reverse("relationships:agreement_edit", args=[relationship.pk])).content.decode()

    values = form_values(page)
    assert (values["cadence"], values["meeting_minutes"]) == ("weekly", "30")
    assert "agenda topics" in values["mentee_responsibilities"]
    assert "action plan" in values["mentor_responsibilities"]
    assert "Chat: quick questions between meetings" in values["channels_text"]
    assert "This first draft starts from your program" in page


def test_both_edit_the_prefilled_draft_before_accepting(client: Client, relationship: Relationship) -> None:
    url = reverse("relationships:agreement_edit", args=[relationship.pk])
    client.force_login(relationship.mentee)
    sent = form_values(client.get(url).content.decode())
    sent.update(desired_outcomes="Lead a design review by June.", submission="")
    assert client.post(url, sent).status_code == 302
    first = relationship.agreements.get()
    assert "thank you" in first.mentee_responsibilities.lower()

    client.force_login(relationship.mentor)
    again: dict[str, Any] = form_values(client.get(url).content.decode())
    assert again["desired_outcomes"] == "Lead a design review by June."
    again["mentor_responsibilities"] = "Share how I prepare for design reviews.\n" + again["mentor_responsibilities"]
    assert client.post(url, again).status_code == 302
    agreement = relationship.agreements.get()  # nobody accepted yet: the same version is edited
    assert agreement.mentor_responsibilities.startswith("Share how I prepare")
    services.agreement_accept(agreement=agreement, side="mentee", actor=relationship.mentee)
    services.agreement_accept(agreement=agreement, side="mentor", actor=relationship.mentor)
    agreement.refresh_from_db()
    assert agreement.accepted_by_both
