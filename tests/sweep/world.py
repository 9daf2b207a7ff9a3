"""The organisation the bad-input sweep works in: every page with a form has someone who sees it.

Everything that belongs to "another person" (another program, its pair, their meeting...) is created after the
id sequences were moved past FOREIGN_IDS, so any of their ids posted into a form names something that is not
the poster's (or nothing at all): a form that accepts one has let someone reach across.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.utils import timezone

from matching import services as matching_services
from matching.models import MatchProposal
from meetings import services as meeting_services
from meetings.models import ActionItem, AgendaItem, Meeting, MeetingSeries
from meetings.recurrence import Ending, Frequency, ScheduleChoice
from mentorship.accounts.models import DeletionRequest, Seniority, User
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.tests.factories import UserFactory
from mentorship.notifications import preferences
from mentorship.notifications.models import Kind, Notice
from programs.models import ApplicationQuestion, Enrollment, Invitation, Job, Program
from programs.services import INVITATIONS_IMPORT
from programs.tests.factories import EnrollmentFactory, ProgramFactory, QuestionFactory
from relationships import services as relationship_services
from relationships.models import AdvocacyAction, Goal, Milestone, PrivateNote, Relationship
from relationships.tests.factories import agreement_fields, pair

NOW = datetime.datetime(2027, 1, 4, 8, 0, tzinfo=datetime.UTC)
# Every id of another person's objects is above this, in every table.
FOREIGN_IDS = 5_000_000
PROJECT_APPS = ("accounts", "notifications", "programs", "relationships", "meetings", "matching", "insights")
ZOOM = "https://acme.zoom.us/j/1234567890"


@dataclass
class World:
    people: dict[str, User]
    program: Program  # running, engine proposes; the pairs below belong to it
    sponsorship_program: Program
    applications: Program  # open to applications, with one question of each kind
    chooser_program: Program  # mentees choose their mentor
    relationship: Relationship
    sponsorship: Relationship
    paused: Relationship
    ended: Relationship
    goal: Goal
    milestone: Milestone
    note: PrivateNote
    advocacy: AdvocacyAction
    series: MeetingSeries
    meeting: Meeting
    agenda_item: AgendaItem
    action_item: ActionItem
    proposal: MatchProposal
    enrollment: Enrollment  # the applicant's, in `applications`
    notice: Notice
    draft: Program  # being set up by the admin, not yet open
    job_running: Job  # the admin's invitation import, still going
    job_done: Job
    deletion_request: DeletionRequest  # the leaver's, waiting for an operator
    invitation_token: str
    feed_token: str
    unsubscribe_token: str
    # Someone else's objects: {model label: [ids]}, all above FOREIGN_IDS.
    foreign: dict[str, list[int]] = field(default_factory=dict)
    started: Meeting | None = None  # a one-off under way at NOW: the wrap-up opens from the start


def _person(name: str, *, seniority: int = Seniority.MID, department: str = "Engineering") -> User:
    user = UserFactory(email=f"{name}@example.com", full_name=name.replace("_", " ").title())
    user.profile.seniority = seniority
    user.profile.department = department
    user.profile.save(update_fields=["seniority", "department"])
    return user


def _move_sequences_past(value: int) -> None:
    """Every later insert in a project table gets an id above ``value``."""
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in PROJECT_APPS]
    models.append(User.groups.through)
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, model._meta.pk.column])
                (sequence,) = cursor.fetchone()
                if sequence:
                    cursor.execute("SELECT setval(%s, %s)", [sequence, value])
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, value])


def reset_sequences() -> None:
    """Back to just past the largest id, so later tests number their rows as usual (PostgreSQL keeps setval)."""
    if connection.vendor != "postgresql":
        return
    models = [model for model in apps.get_models(include_auto_created=True) if model._meta.app_label in PROJECT_APPS]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), [*models, User.groups.through]):
            cursor.execute(statement)


def _meeting_place() -> meeting_services.Place:
    return meeting_services.Place(title="Mentoring meeting", provider="zoom", location=ZOOM)


def build_world() -> World:
    names = [
        "admin", "mentee", "mentor", "paused_mentee", "paused_mentor", "ended_mentee", "ended_mentor",
        "waiting_mentee", "busy_mentor", "spare_mentor", "chooser", "chosen_mentor", "applicant", "invitee",
        "outsider", "leaver", "operator",
    ]  # fmt: skip
    people = {
        name: _person(name, seniority=Seniority.DIRECTOR if "mentor" in name else Seniority.MID) for name in names
    }
    admin = people["admin"]
    grant_program_admin(admin)
    # The operator runs the site (the Django admin, the audit log, deletions); the outsider has no part in anything.
    User.objects.filter(pk=people["operator"].pk).update(is_superuser=True, is_staff=True)
    people["operator"].refresh_from_db()

    program = ProgramFactory(name="Sweep Mentoring", slug="sweep-mentoring", status="running", administrators=[admin])
    sponsorship_program = ProgramFactory(
        name="Sweep Sponsorship", slug="sweep-sponsorship", kind=Program.Kind.SPONSORSHIP, status="running",
        administrators=[admin],
    )  # fmt: skip
    applications = ProgramFactory(
        name="Sweep Applications", slug="sweep-applications", status="open", administrators=[admin]
    )
    chooser_program = ProgramFactory(
        name="Sweep Choosing", slug="sweep-choosing", status="running",
        matching_mode=Program.MatchingMode.MENTEE_CHOOSES, administrators=[admin],
    )  # fmt: skip
    for kind in ApplicationQuestion.Kind:
        choices = ["Yes", "No"] if kind in (ApplicationQuestion.Kind.SINGLE, ApplicationQuestion.Kind.MULTIPLE) else []
        QuestionFactory(program=applications, kind=kind, prompt=f"A {kind.label.lower()} question?", choices=choices)

    mentee, mentor = people["mentee"], people["mentor"]
    relationship = pair(program, mentee, mentor, created_by=admin)
    sponsorship = pair(sponsorship_program, mentee, mentor, created_by=admin)
    paused = pair(program, people["paused_mentee"], people["paused_mentor"], created_by=admin)
    relationship_services.relationship_pause(relationship=paused, side="mentee", actor=paused.mentee, reason="Leave")
    ended = pair(program, people["ended_mentee"], people["ended_mentor"], created_by=admin)
    relationship_services.relationship_end(
        relationship=ended, side="mentee", actor=ended.mentee, completed=True, reason=""
    )

    goal = relationship_services.goal_save(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        goal=None,
        title="Lead a design review",
        category="skills",
    )
    milestone = relationship_services.milestone_add(goal=goal, side="mentee", title="Shadow one", due_on=None)
    relationship_services.agreement_save(relationship=relationship, side="mentee", actor=mentee, **agreement_fields())
    note = relationship_services.private_note_add(relationship=relationship, side="mentee", actor=mentee, body="Mine")
    advocacy = relationship_services.advocacy_save(
        relationship=sponsorship, side="mentor", actor=mentor, action=None, kind=AdvocacyAction.Kind.PROJECT,
        happened_on=datetime.date(2026, 12, 1), description="Put forward for the platform team",
    )  # fmt: skip

    series = meeting_services.series_create(
        relationship=relationship,
        side="mentee",
        actor=mentee,
        choice=ScheduleChoice(
            Frequency.WEEKLY, datetime.date(2027, 1, 11), datetime.time(9, 30), "Europe/Berlin",
            duration_minutes=45, ending=Ending.AFTER_COUNT, count=6,
        ),
        place=_meeting_place(),
    )  # fmt: skip
    meeting = series.meetings.order_by("start").first()
    agenda_item = meeting_services.agenda_add(
        meeting=meeting, side="mentee", actor=mentee, text="Career plans", needs_extra_time=False
    )
    meeting_services.agenda_add(meeting=meeting, side="mentor", actor=mentor, text="Feedback", needs_extra_time=False)
    started = meeting_services.meeting_create(
        relationship=relationship, side="mentee", actor=mentee, start_local=datetime.datetime(2027, 1, 4, 8, 45),
        zone="Europe/Berlin", duration_minutes=45, place=_meeting_place(),
    )  # fmt: skip
    action_item = meeting_services.action_item_add(
        relationship=relationship, side="mentee", actor=mentee, description="Read the guide", owner=mentee,
        due_on=datetime.date(2027, 2, 1), meeting=meeting,
    )  # fmt: skip

    # A proposal waiting for the busy mentor, who asked the mentee a question; a spare mentor stands by.
    waiting = EnrollmentFactory(program=program, user=people["waiting_mentee"], role="mentee", status="approved")
    busy = EnrollmentFactory(program=program, user=people["busy_mentor"], role="mentor", status="approved", capacity=2)
    EnrollmentFactory(program=program, user=people["spare_mentor"], role="mentor", status="approved", capacity=2)
    proposal = MatchProposal.objects.create(
        program=program, mentee=waiting, mentor=busy, origin=MatchProposal.Origin.ENGINE,
        status=MatchProposal.Status.PROPOSED, respond_by=timezone.now() + datetime.timedelta(days=3),
    )  # fmt: skip
    matching_services.proposal_ask(proposal=proposal, actor=people["busy_mentor"], question="Which team?")
    matching_services.matching_run(program=program, actor=admin)  # drafts to review

    EnrollmentFactory(program=chooser_program, user=people["chooser"], role="mentee", status="approved")
    EnrollmentFactory(
        program=chooser_program, user=people["chosen_mentor"], role="mentor", status="approved", capacity=2
    )

    enrollment = EnrollmentFactory(program=applications, user=people["applicant"], role="mentor", status="applied")
    invitation_token = "sweep-invitation-token-0001"
    Invitation.objects.create(
        program=applications,
        email=people["invitee"].email,
        role="mentee",
        token_hash=hashlib.sha256(invitation_token.encode()).hexdigest(),
        invited_by=admin,
    )
    notice = Notice.objects.create(
        user=mentee,
        key="sweep-notice",
        kind=Kind.MEETING_REMINDER,
        title="Meeting soon",
        url=meeting.get_absolute_url(),
    )

    draft = ProgramFactory(name="Sweep Draft", slug="sweep-draft", status="draft", administrators=[admin])
    job_running = Job.objects.create(
        program=program, owner=admin, kind=INVITATIONS_IMPORT, status=Job.Status.RUNNING, total=10, progress=4,
        started_at=NOW, heartbeat_at=NOW,
    )  # fmt: skip
    job_done = Job.objects.create(
        program=program, owner=admin, kind=INVITATIONS_IMPORT, status=Job.Status.DONE, total=2, progress=2,
        started_at=NOW, finished_at=NOW,
        summary={"invited_users": 1, "invited_emails": 1, "already_invited": 0, "errors": [[3, "Not an address"]]},
    )  # fmt: skip
    deletion_request = DeletionRequest.objects.create(user=people["leaver"])

    world = World(
        people=people,
        program=program,
        sponsorship_program=sponsorship_program,
        applications=applications,
        chooser_program=chooser_program,
        relationship=relationship,
        sponsorship=sponsorship,
        paused=paused,
        ended=ended,
        goal=goal,
        milestone=milestone,
        note=note,
        advocacy=advocacy,
        series=series,
        meeting=meeting,
        started=started,
        agenda_item=agenda_item,
        action_item=action_item,
        proposal=proposal,
        enrollment=enrollment,
        notice=notice,
        draft=draft,
        job_running=job_running,
        job_done=job_done,
        deletion_request=deletion_request,
        invitation_token=invitation_token,
        feed_token=meeting_services.calendar_feed_rotate(user=mentee),
        unsubscribe_token=preferences.unsubscribe_token(user_id=mentee.pk, kind=Kind.MEETING_REMINDER),
    )
    _move_sequences_past(FOREIGN_IDS)
    world.foreign = _someone_else(world.people)
    return world


def _someone_else(people: dict[str, User]) -> dict[str, list[int]]:
    """Another program with its own pair, meeting, goal and enrollments; returns their ids by model.

    Its administrator and pair join ``people`` as other_admin, other_mentee and other_mentor.
    """
    other_admin = _person("other_admin")
    grant_program_admin(other_admin)
    other = ProgramFactory(name="Elsewhere", slug="elsewhere", status="running", administrators=[other_admin])
    mentee, mentor = _person("other_mentee"), _person("other_mentor", seniority=Seniority.DIRECTOR)
    relationship = pair(other, mentee, mentor, created_by=other_admin)
    goal = relationship_services.goal_save(
        relationship=relationship, side="mentee", actor=mentee, goal=None, title="Theirs", category="skills"
    )
    meeting = meeting_services.meeting_create(
        relationship=relationship, side="mentee", actor=mentee, start_local=datetime.datetime(2027, 1, 20, 10),
        zone="Europe/Berlin", duration_minutes=45, place=_meeting_place(),
    )  # fmt: skip
    enrollments = list(Enrollment.objects.filter(program=other).values_list("pk", flat=True))
    people.update(other_admin=other_admin, other_mentee=mentee, other_mentor=mentor)
    return {
        "accounts.User": [mentee.pk, mentor.pk],
        "programs.Enrollment": enrollments,
        "programs.Program": [other.pk],
        "relationships.Relationship": [relationship.pk],
        "relationships.Goal": [goal.pk],
        "meetings.Meeting": [meeting.pk],
    }
