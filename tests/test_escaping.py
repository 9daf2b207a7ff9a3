"""What administrators type is shown to other people as text, never as markup.

Every text an administrator can set (the program's fields and custom goal categories, application questions,
their hints and choices, invitation names) is fed two classic payloads through the real forms, then each page
and email that shows it to someone else is parsed: no script without a source file, no event-handler attribute,
no injected image. A second test audits the project for the constructs that switch escaping off.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from meetings.tests.factories import pair, person
from mentorship.accounts.roles import grant_program_admin
from programs import services
from programs.invitations_csv import InviteRow
from programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
ROOT = Path(__file__).resolve().parent.parent


class LiveMarkup(HTMLParser):
    """Collects what would run in a browser: inline scripts, event handlers, the payload's image."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _value in attrs}
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.found.append("an inline <script>")
        if any(name.startswith("on") for name in names):
            self.found.append(f"<{tag}> with an event handler")
        if tag == "img" and values.get("src") == "x":
            self.found.append("the injected <img>")


def assert_inert(html: str, where: str) -> None:
    parser = LiveMarkup()
    parser.feed(html)
    assert not parser.found, f"{where}: {parser.found}"


@pytest.fixture
def hostile_program(client: Client, make_user: Any) -> dict[str, Any]:
    """A program whose every administrator-set text carries both payloads, entered through the forms."""
    admin = person("hr@example.com", "Hana HR")
    grant_program_admin(admin)
    client.force_login(admin)
    created = client.post(
        reverse("programs:create"),
        {
            "name": f"Program {SCRIPT}{IMAGE}",
            "kind": "mentoring",
            "description": f"About {SCRIPT}\n{IMAGE}",
            "access": "open",
            "default_relationship_months": "6",
            "goal_categories": ["skills"],
            "custom_goal_categories_text": f"{SCRIPT}, {IMAGE}",
            "default_cadence": "monthly",
            "default_meeting_minutes": "45",
            "matching_mode": "mentee",
            "default_mentor_capacity": "2",
            "mentor_response_days": "3",
            "sponsor_min_level_gap": "2",
        },
    )
    assert created.status_code == 302, created.content.decode()[:2000]
    program = Program.objects.get()
    client.post(reverse("programs:status", args=[program.slug]), {"status": "open"})
    questions = [
        ("short", SCRIPT, IMAGE, ""),
        ("single", IMAGE, SCRIPT, f"{SCRIPT}\n{IMAGE}"),
        ("multiple", f"Pick {SCRIPT}", f"Hint {IMAGE}", f"{IMAGE}\n{SCRIPT}"),
    ]
    data: dict[str, Any] = {
        "questions-TOTAL_FORMS": str(len(questions)),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
    }
    for n, (kind, prompt, hint, choices) in enumerate(questions):
        data |= {
            f"questions-{n}-prompt": prompt,
            f"questions-{n}-help_text": hint,
            f"questions-{n}-kind": kind,
            f"questions-{n}-choices_text": choices,
        }
    saved = client.post(reverse("programs:questions", args=[program.slug]), data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    program.refresh_from_db()
    assert program.questions.count() == 3
    assert program.custom_goal_categories == [SCRIPT, IMAGE.strip()]
    return {"admin": admin, "program": program}


def test_administrator_text_never_becomes_markup_on_other_peoples_pages(
    client: Client, hostile_program: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    program: Program = hostile_program["program"]
    admin = hostile_program["admin"]
    mentee = person("mia@example.com", "Mia Mentee")
    mentor = person("max@example.com", "Max Mentor")
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(
            program=program,
            rows=[
                InviteRow(line=2, email="pat@example.com", name=f"Pat {SCRIPT}", role="mentee"),
                InviteRow(line=3, email=mentee.email, name=f"Mia {IMAGE}", role="mentor"),
            ],
            invited_by=admin,
        )
    invitation_path = re.search(r"/programs/invitations/\S+/", mail.outbox[0].body).group(0)
    for message in mail.outbox:
        for body, kind in message.alternatives:
            if kind == "text/html":
                assert_inert(body, f"email to {message.to}")

    pages: list[tuple[str, str]] = []
    client.logout()
    pages.append(("invitation, signed out", client.get(invitation_path).content.decode()))

    client.force_login(mentee)
    pages.append(("invitation, someone else", client.get(invitation_path).content.decode()))
    for url in (
        reverse("programs:list"),
        program.get_absolute_url(),
        reverse("programs:apply", args=[program.slug, "mentee"]),
        reverse("programs:apply", args=[program.slug, "mentor"]),
    ):
        pages.append((url, client.get(url).content.decode()))
    question = program.questions.get(kind="short")
    applied = client.post(
        reverse("programs:apply", args=[program.slug, "mentee"]),
        {
            f"q_{question.pk}": SCRIPT,
            f"q_{program.questions.get(kind='single').pk}": SCRIPT,
            f"q_{program.questions.get(kind='multiple').pk}": [IMAGE.strip()],
            "goal_categories": [f"custom:{SCRIPT}"],
            "growth_areas": "Python",
            "languages": ["en"],
        },
    )
    assert applied.status_code == 302, applied.content.decode()[:3000]
    assert Enrollment.objects.get(user=mentee, role="mentee").status == Enrollment.Status.APPROVED

    relationship = pair(program, mentee, mentor)
    for url in (
        reverse("home"),
        reverse("relationships:list"),
        reverse("relationships:detail", args=[relationship.pk]),
        reverse("relationships:goal_new", args=[relationship.pk]),
        reverse("notifications:list"),
        reverse("profile_detail"),
    ):
        pages.append((url, client.get(url).content.decode()))
    client.force_login(mentor)
    mentor_view = client.get(reverse("relationships:detail", args=[relationship.pk])).content.decode()
    pages.append(("mentor's relationship page", mentor_view))
    client.force_login(admin)
    for url in (
        reverse("programs:roster", args=[program.slug]),
        reverse("programs:invitations", args=[program.slug]),
        reverse("programs:manage_list"),
        program.get_manage_url(),
    ):
        pages.append((url, client.get(url).content.decode()))

    for where, html in pages:
        assert_inert(html, where)
    shown = "\n".join(html for _where, html in pages)
    # The payloads did reach the pages, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in shown
    goal_page = dict(pages)[reverse("relationships:goal_new", args=[relationship.pk])]
    assert "This program also suggests: &lt;script&gt;" in goal_page
    apply_page = dict(pages)[reverse("programs:apply", args=[program.slug, "mentee"])]
    assert 'class="form-text">&quot;&gt;&lt;img src=x onerror=alert(1)&gt;</div>' in apply_page


# Files where escaping is switched off on purpose, with the reason. Adding a line here is a reviewed decision.
ESCAPING_OFF_ALLOWED: dict[str, str] = {
    "mentorship/accounts/templatetags/submissions.py": "format_html escapes its arguments (the field name, a token)",
    "mentorship/accounts/page_parts.py": "marks safe what our templates rendered, escaped; holes get hex tokens",
}
ESCAPING_OFF = re.compile(r"\|\s*safe\b|\bsafeseq\b|mark_safe\(|format_html\(|SafeString\(|autoescape off")


def test_nothing_in_the_project_switches_escaping_off_without_a_reason() -> None:
    found: list[str] = []
    sources = [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/**/*.py")]
    for path in sources:
        relative = path.relative_to(ROOT).as_posix()
        if (
            relative.startswith((".venv/", "node_modules/", "static/"))
            or "/tests/" in relative
            or relative.startswith("tests/")
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if ESCAPING_OFF.search(text) and relative not in ESCAPING_OFF_ALLOWED:
            found.append(relative)
    assert found == [], "escaping switched off in: " + ", ".join(found)


def test_the_help_text_template_escapes_what_crispy_forms_would_mark_safe() -> None:
    override = (ROOT / "templates/bootstrap5/layout/help_text.html").read_text()
    assert "{{ field.help_text }}" in override
    assert "|safe" not in override


DOUBLE_ESCAPED = re.compile(r"&amp;(?:amp|lt|gt|quot|#x27|#39);")
HELP_TEXT = re.compile(r'class="form-text">(.*?)</(?:div|span)>', re.S)


def test_help_texts_show_their_characters_once_escaped(client: Client) -> None:
    """Help texts, ours (translatable) and administrators', read as typed: no markup, and no ``&amp;lt;`` either."""
    admin = person("hr@example.com", "Hana HR")
    grant_program_admin(admin)
    program = services.program_create(
        created_by=admin,
        name="R&D Circle",
        status=Program.Status.OPEN,
        access=Program.Access.OPEN,
        custom_goal_categories=["R&D", "Don't <panic>"],
    )
    program.questions.create(prompt="Why join?", help_text='Say "why" & <em>how</em>', kind="short")
    mentee, mentor = person("mia@example.com", "Mia Mentee"), person("max@example.com", "Max Mentor")
    relationship = pair(program, mentee, mentor)

    client.force_login(mentee)
    goal_page = client.get(reverse("relationships:goal_new", args=[relationship.pk])).content.decode()
    agreement_page = client.get(reverse("relationships:agreement_edit", args=[relationship.pk])).content.decode()
    profile_page = client.get(reverse("profile_edit")).content.decode()
    client.force_login(person("nia@example.com", "Nia Newcomer"))
    apply_page = client.get(reverse("programs:apply", args=[program.slug, "mentee"])).content.decode()
    client.force_login(admin)
    invite_page = client.get(reverse("programs:invite", args=[program.slug])).content.decode()
    client.logout()
    signup_page = client.get(reverse("account_signup")).content.decode()

    assert "This program also suggests: R&amp;D, Don&#x27;t &lt;panic&gt;" in goal_page
    assert 'class="form-text">Say &quot;why&quot; &amp; &lt;em&gt;how&lt;/em&gt;</div>' in apply_page
    # Our own help texts carry quotes and angle brackets too; they must not turn into an <address> element.
    assert "One per line or separated by commas. &quot;Name &lt;address&gt;&quot; keeps the name." in invite_page
    assert "&quot;Chat: quick questions between meetings&quot;" in agreement_page
    pages = {
        "goal": goal_page,
        "apply": apply_page,
        "agreement": agreement_page,
        "profile": profile_page,
        "invite": invite_page,
        "signup": signup_page,
    }
    for where, html in pages.items():
        assert not DOUBLE_ESCAPED.search(html), f"{where}: {DOUBLE_ESCAPED.search(html).group(0)} shown"
        for text in HELP_TEXT.findall(html):
            # Django's password rules are its own trusted list markup; every other help text is plain text.
            tags = set(re.findall(r"</?([a-z]+)", text)) - ({"ul", "li"} if where == "signup" else set())
            assert not tags, f"{where}: markup {tags} in the help text {text!r}"
