"""Personal data rights: a person downloads everything about them; an operator confirms its deletion.

A story runs through these tests: Mia (mentee) and Marco (mentor) have a relationship with a goal, an agreement,
private notes, a held meeting with topics, notes, feedback and action items, a reflection each, and a proposal.
Every text Mia wrote carries a marker, so we can show where it goes and where it must not stay.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Avg, Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import MatchProposal
from meetings import services as meeting_services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingFeedback, MeetingPrivateNote
from meetings.tests.factories import pair, person, running_program, schedule_once
from mentorship.accounts.models import DeletionRequest, User
from mentorship.notifications.models import AuditEvent, Notice
from programs.models import Enrollment
from relationships import services as relationship_services
from relationships.models import Goal, PrivateNote, Reflection, Relationship, Side
from relationships.tests.factories import agreement_fields

pytestmark = pytest.mark.django_db

MARK = "mia-wrote-this"
PASSWORD = "a long enough password"


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def story(program_admin: User) -> dict[str, Any]:
    mia = person("mia@example.com", "Mia Mentee")
    mia.set_password(PASSWORD)
    mia.save()
    mia.profile.bio = f"Bio {MARK}"
    mia.profile.job_title = "Data analyst"
    mia.profile.save()
    marco = person("marco@example.com", "Marco Mentor")
    program = running_program(program_admin, "Engineering Mentoring")
    relationship = pair(program, mia, marco, created_by=program_admin)
    Enrollment.objects.filter(user=mia).update(answers={"why": f"Answer {MARK}"})
    goal = relationship_services.goal_save(
        relationship=relationship, side=Side.MENTEE, actor=mia, goal=None, title=f"Goal {MARK}", category="skills"
    )
    relationship_services.agreement_save(relationship=relationship, side=Side.MENTEE, actor=mia, **agreement_fields())
    relationship_services.private_note_add(relationship=relationship, side=Side.MENTEE, actor=mia, body=f"Note {MARK}")
    relationship_services.private_note_add(
        relationship=relationship, side=Side.MENTOR, actor=marco, body="Marco's own note"
    )
    start = timezone.localtime(timezone.now() - datetime.timedelta(days=2), timezone.get_fixed_timezone(0))
    meeting = schedule_once(relationship, start.replace(tzinfo=None, second=0, microsecond=0), zone="UTC")
    meeting_services.agenda_add(
        meeting=meeting, side=Side.MENTEE, actor=mia, text=f"Topic {MARK}", needs_extra_time=False
    )
    meeting_services.meeting_wrap_up(
        meeting=meeting,
        side=Side.MENTEE,
        actor=mia,
        data=meeting_services.WrapUp(
            status=Meeting.Status.HELD,
            shared_notes="We talked about testing.",
            private_note=f"Meeting note {MARK}",
            rating=4,
            comment=f"Feedback {MARK}",
            thank_you="",
        ),
    )
    relationship_services.relationship_end(
        relationship=relationship, side=Side.MENTEE, actor=mia, completed=True, reason=""
    )
    relationship_services.reflection_save(
        relationship=relationship,
        side=Side.MENTEE,
        actor=mia,
        data=relationship_services.ReflectionInput(
            goals_reached=f"Reached {MARK}", what_worked="", what_to_change="", rating=5, thank_you=""
        ),
    )
    mentee_enrollment = Enrollment.objects.get(user=mia, program=program)
    mentor_enrollment = Enrollment.objects.get(user=marco, program=program)
    MatchProposal.objects.create(
        program=program,
        mentee=mentee_enrollment,
        mentor=mentor_enrollment,
        origin="engine",
        status="accepted",
        answer=f"Answer to mentor {MARK}",
    )
    Notice.objects.create(user=mia, key="n1", kind="meeting_reminder", title="Coming up")
    return {"mia": mia, "marco": marco, "program": program, "relationship": relationship, "goal": goal}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _everything() -> str:
    """Every row of every table the story touches, as one string to search."""
    from django.apps import apps

    rows = []
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "contenttypes", "auth", "admin"}:
            continue
        rows.extend(model.objects.values())
    return json.dumps(rows, cls=DjangoJSONEncoder)


def test_the_download_holds_what_each_app_knows_about_the_person(story: dict[str, Any]) -> None:
    response = _client(story["mia"]).post(reverse("privacy:download"))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-mentorship-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    text = json.dumps(data)
    for planted in (
        "Bio",
        "Answer",
        "Goal",
        "Note",
        "Topic",
        "Meeting note",
        "Feedback",
        "Reached",
        "Answer to mentor",
    ):
        assert f"{planted} {MARK}" in text, planted
    assert data["account"]["email"] == "mia@example.com"
    assert data["relationships"][0]["mentor__email"] == "marco@example.com"
    assert "Coming up" in [notice["title"] for notice in data["notices"]]
    # Marco's private note is his alone.
    assert "Marco's own note" not in text
    assert AuditEvent.objects.filter(action="export", subject=story["mia"]).exists()


def test_the_download_is_a_post_and_a_get_shows_the_page(story: dict[str, Any]) -> None:
    client = _client(story["mia"])
    assert client.get(reverse("privacy:download")).status_code == 405
    page = client.get(reverse("privacy:my_data"))
    assert page.status_code == 200
    assert "Download my data" in page.content.decode()


def test_asking_for_deletion_needs_the_password_and_can_be_withdrawn(story: dict[str, Any]) -> None:
    client = _client(story["mia"])
    wrong = client.post(reverse("privacy:erasure_request"), {"password": "not it"})
    assert wrong.status_code == 400
    assert "That is not your password." in wrong.content.decode()
    assert not DeletionRequest.objects.exists()
    assert client.post(reverse("privacy:erasure_request"), {"password": PASSWORD}).status_code == 302
    again = client.post(reverse("privacy:erasure_request"), {"password": PASSWORD})
    assert again.status_code == 400
    assert DeletionRequest.objects.filter(status="pending").count() == 1
    client.post(reverse("privacy:erasure_withdraw"))
    assert DeletionRequest.objects.get().status == "withdrawn"


def test_only_operators_see_and_confirm_deletion_requests(story: dict[str, Any], program_admin: User) -> None:
    _client(story["mia"]).post(reverse("privacy:erasure_request"), {"password": PASSWORD})
    asked = DeletionRequest.objects.get()
    for user in (story["mia"], story["marco"], program_admin):
        client = _client(user)
        assert client.get(reverse("privacy:queue")).status_code == 404
        assert client.post(reverse("privacy:confirm", args=[asked.pk])).status_code == 404
    assert DeletionRequest.objects.get().status == "pending"


def test_an_operator_cannot_confirm_their_own_deletion(make_user: Any) -> None:
    root = make_user(email="root@example.com", is_superuser=True, is_staff=True)
    root.set_password(PASSWORD)
    root.save()
    client = _client(root)
    client.post(reverse("privacy:erasure_request"), {"password": PASSWORD})
    client.post(reverse("privacy:confirm", args=[DeletionRequest.objects.get().pk]))
    assert DeletionRequest.objects.get().status == "pending"
    assert User.objects.get(pk=root.pk).email == "root@example.com"


def test_deletion_keeps_the_figures_and_the_shared_history_but_not_the_person(
    story: dict[str, Any], make_user: Any
) -> None:
    mia, marco, program = story["mia"], story["marco"], story["program"]
    before = {
        "relationships": Relationship.objects.filter(program=program).aggregate(n=Count("pk"))["n"],
        "statuses": list(Relationship.objects.filter(program=program).values_list("status", flat=True)),
        "rating": Reflection.objects.aggregate(avg=Avg("rating"))["avg"],
        "usefulness": MeetingFeedback.objects.aggregate(avg=Avg("rating"))["avg"],
        "enrollments": list(Enrollment.objects.filter(program=program).values_list("role", "status")),
        "goals": Goal.objects.count(),
        "proposals": list(MatchProposal.objects.values_list("status", flat=True)),
    }
    _client(mia).post(reverse("privacy:erasure_request"), {"password": PASSWORD})
    operator = make_user(email="ops@example.com", is_superuser=True, is_staff=True)
    response = _client(operator).post(reverse("privacy:confirm", args=[DeletionRequest.objects.get().pk]))
    assert response.status_code == 302

    after = {
        "relationships": Relationship.objects.filter(program=program).aggregate(n=Count("pk"))["n"],
        "statuses": list(Relationship.objects.filter(program=program).values_list("status", flat=True)),
        "rating": Reflection.objects.aggregate(avg=Avg("rating"))["avg"],
        "usefulness": MeetingFeedback.objects.aggregate(avg=Avg("rating"))["avg"],
        "enrollments": list(Enrollment.objects.filter(program=program).values_list("role", "status")),
        "goals": Goal.objects.count(),
        "proposals": list(MatchProposal.objects.values_list("status", flat=True)),
    }
    assert after == before
    everything = _everything()
    for private in ("Bio", "Answer", "Note", "Meeting note", "Feedback", "Reached", "Answer to mentor"):
        assert f"{private} {MARK}" not in everything, private
    assert "Mia Mentee" not in everything
    assert "mia@example.com" not in everything
    erased = User.objects.get(pk=mia.pk)
    assert not erased.is_active and not erased.has_usable_password()
    assert not PrivateNote.objects.filter(author=mia).exists()
    assert not MeetingPrivateNote.objects.filter(author=mia).exists()
    assert not Notice.objects.filter(user=mia).exists()
    # Marco keeps the shared history: the goal, the topic Mia added, the action items, his own note.
    page = _client(marco).get(story["relationship"].get_absolute_url()).content.decode()
    assert f"Goal {MARK}" in page
    assert "Former participant" in page
    assert AgendaItem.objects.filter(text=f"Topic {MARK}").exists()
    assert PrivateNote.objects.filter(author=marco).exists()
    assert ActionItem.objects.count() == ActionItem.objects.filter(relationship=story["relationship"]).count()
    done = AuditEvent.objects.get(action="deletion_done")
    assert done.actor == operator and done.subject_id == mia.pk
    # The erased person can no longer sign in.
    assert not Client().login(email="mia@example.com", password=PASSWORD)
