"""Services: pairing rules, goals, agreement versions, advocacy, notes, pause/resume/end and reflections."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship.accounts.models import Seniority, User
from programs.models import Enrollment, Program
from relationships import services
from relationships.models import (
    Activity,
    AdvocacyAction,
    Agreement,
    Goal,
    GoalComment,
    Milestone,
    PrivateNote,
    Reflection,
    Relationship,
    Side,
)
from relationships.services import ReflectionInput, RelationshipError
from relationships.tests.factories import (
    EnrollmentFactory,
    ProgramFactory,
    agreement_fields,
    approve,
    make_active,
    pair,
)

pytestmark = pytest.mark.django_db

R = Relationship.Status


def add_goal(relationship: Relationship, **fields: Any) -> Goal:
    fields = {"title": "Give a conference talk", "category": "skills", **fields}
    return services.goal_save(
        relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, goal=None, **fields
    )


def draft(relationship: Relationship, by: User, **overrides: Any) -> Agreement:
    side = relationship.side_of(by.pk)
    assert side is not None
    return services.agreement_save(relationship=relationship, side=side, actor=by, **agreement_fields(**overrides))


def accept(agreement: Agreement, by: User) -> Agreement:
    side = agreement.relationship.side_of(by.pk)
    assert side is not None
    return services.agreement_accept(agreement=agreement, side=side, actor=by)


def reflection_input(**overrides: Any) -> ReflectionInput:
    data = {"goals_reached": "The talk", "what_worked": "Honesty", "what_to_change": "More often", "rating": 5}
    return ReflectionInput(**{**data, "thank_you": "", **overrides})


def status_of(relationship: Relationship) -> str:
    relationship.refresh_from_db()
    return relationship.status


# -- creation and pairing rules ----------------------------------------------------------------------------


def test_relationship_create_starts_getting_started_with_dates_flags_and_a_timeline_entry(
    program: Program, mentee: User, mentor: User, program_admin: User
) -> None:
    mentor.profile.is_external = True
    mentor.profile.save(update_fields=["is_external"])

    relationship = pair(program, mentee, mentor, created_by=program_admin)

    assert relationship.status == R.STARTING
    assert relationship.kind == Relationship.Kind.MENTORING
    today = timezone.localdate()
    assert relationship.started_on == today
    assert relationship.planned_end_on == today + relativedelta(months=program.default_relationship_months)
    assert relationship.mentor_is_external is True
    assert relationship.mentor_outside_team is True  # Design vs Engineering
    assert list(relationship.activity.values_list("actor", flat=True)) == [program_admin.pk]


def test_relationship_in_the_same_team_is_not_flagged_outside_the_team(
    program: Program, mentee: User, mentor: User
) -> None:
    mentor.profile.department = "engineering"
    mentor.profile.save(update_fields=["department"])

    relationship = pair(program, mentee, mentor)

    assert relationship.mentor_outside_team is False
    assert relationship.mentor_is_external is False


def test_relationship_kind_follows_the_program(sponsorship_program: Program, mentee: User, mentor: User) -> None:
    assert pair(sponsorship_program, mentee, mentor).kind == Relationship.Kind.SPONSORSHIP


def test_relationship_create_tells_both_people_after_commit(
    program: Program, mentee: User, mentor: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pair(program, mentee, mentor)

    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentee.email, mentor.email])
    to_mentee = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "Marco Mentor" in to_mentee.subject


def test_pairing_problem_is_none_for_two_approved_people(program: Program, mentee: User, mentor: User) -> None:
    approve(program, mentee, Enrollment.Role.MENTEE)
    approve(program, mentor, Enrollment.Role.MENTOR)

    assert services.pairing_problem(program=program, mentee=mentee, mentor=mentor) is None


def test_nobody_can_be_paired_with_themselves(program: Program, mentee: User) -> None:
    approve(program, mentee, Enrollment.Role.MENTEE)
    approve(program, mentee, Enrollment.Role.MENTOR)

    with pytest.raises(RelationshipError, match="themselves"):
        services.relationship_create(program=program, mentee=mentee, mentor=mentee, created_by=None)
    assert not Relationship.objects.exists()


@pytest.mark.parametrize(
    ("mentee_enrollment", "mentor_enrollment", "message"),
    [
        (("mentee", "applied"), ("mentor", "approved"), "not an approved mentee"),
        (("mentee", "waitlisted"), ("mentor", "approved"), "not an approved mentee"),
        (None, ("mentor", "approved"), "not an approved mentee"),
        (("mentee", "approved"), ("mentor", "invited"), "not an approved mentor"),
        (("mentee", "approved"), ("mentor", "declined"), "not an approved mentor"),
        # Enrolled, approved, but as a mentee: that does not make them a mentor.
        (("mentee", "approved"), ("mentee", "approved"), "not an approved mentor"),
    ],
)
def test_pairing_needs_approved_enrollments_in_the_right_roles(
    program: Program,
    mentee: User,
    mentor: User,
    mentee_enrollment: tuple[str, str] | None,
    mentor_enrollment: tuple[str, str],
    message: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    if mentee_enrollment:
        EnrollmentFactory(program=program, user=mentee, role=mentee_enrollment[0], status=mentee_enrollment[1])
    EnrollmentFactory(program=program, user=mentor, role=mentor_enrollment[0], status=mentor_enrollment[1])

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RelationshipError, match=message):
        services.relationship_create(program=program, mentee=mentee, mentor=mentor, created_by=None)
    assert not Relationship.objects.exists()
    assert mail.outbox == []


def test_enrollment_in_another_program_does_not_count(
    program: Program, other_program: Program, mentee: User, mentor: User
) -> None:
    approve(other_program, mentee, Enrollment.Role.MENTEE)
    approve(program, mentor, Enrollment.Role.MENTOR)

    assert "not an approved mentee" in (services.pairing_problem(program=program, mentee=mentee, mentor=mentor) or "")


def test_a_mentee_has_one_open_relationship_per_program(
    program: Program, mentee: User, mentor: User, other_mentor: User
) -> None:
    relationship = pair(program, mentee, mentor)

    with pytest.raises(RelationshipError, match="already has a relationship"):
        pair(program, mentee, other_mentor)
    # Paused is still open.
    services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Busy quarter")
    with pytest.raises(RelationshipError, match="already has a relationship"):
        pair(program, mentee, other_mentor)
    assert Relationship.objects.count() == 1

    services.relationship_end(relationship=relationship, side=Side.MENTEE, actor=mentee, completed=True, reason="")
    assert pair(program, mentee, other_mentor).status == R.STARTING


def test_a_mentee_can_have_relationships_in_two_programs(
    program: Program, sponsorship_program: Program, mentee: User, mentor: User
) -> None:
    pair(program, mentee, mentor)
    pair(sponsorship_program, mentee, mentor)

    assert Relationship.objects.filter(mentee=mentee).count() == 2


def test_the_same_pair_is_not_paired_twice_in_a_program(program: Program, mentee: User, mentor: User) -> None:
    relationship = pair(program, mentee, mentor)
    services.relationship_end(relationship=relationship, side=Side.MENTOR, actor=mentor, completed=True, reason="")

    with pytest.raises(RelationshipError, match="already paired"):
        pair(program, mentee, mentor)
    assert Relationship.objects.count() == 1


def test_mentor_capacity_from_the_enrollment_is_respected_and_freed_by_ending(
    program: Program, make_user: Any, mentor: User
) -> None:
    enrollment = approve(program, mentor, Enrollment.Role.MENTOR)
    enrollment.capacity = 1
    enrollment.save(update_fields=["capacity"])
    first, second = make_user(), make_user()
    relationship = pair(program, first, mentor)

    with pytest.raises(RelationshipError, match="no free capacity"):
        pair(program, second, mentor)

    services.relationship_end(relationship=relationship, side=Side.MENTOR, actor=mentor, completed=True, reason="")
    assert pair(program, second, mentor).mentor_id == mentor.pk


def test_mentor_capacity_defaults_to_the_programs(program: Program, make_user: Any, mentor: User) -> None:
    program.default_mentor_capacity = 2
    program.save(update_fields=["default_mentor_capacity"])
    pair(program, make_user(), mentor)
    pair(program, make_user(), mentor)

    with pytest.raises(RelationshipError, match="no free capacity"):
        pair(program, make_user(), mentor)
    assert Relationship.objects.filter(mentor=mentor).count() == 2


def test_a_mentor_with_capacity_zero_takes_nobody(program: Program, mentee: User, mentor: User) -> None:
    EnrollmentFactory(program=program, user=mentor, role="mentor", status="approved", capacity=0)

    with pytest.raises(RelationshipError, match="no free capacity"):
        pair(program, mentee, mentor)


@pytest.mark.parametrize(
    ("sponsor_level", "allowed"),
    [
        (Seniority.MID, False),
        (Seniority.SENIOR, False),  # one level above: the program asks for two
        (Seniority.LEAD, True),  # exactly two above
        (Seniority.EXECUTIVE, True),
    ],
)
def test_a_sponsor_must_be_enough_levels_above_the_sponsee(
    sponsorship_program: Program, mentee: User, mentor: User, sponsor_level: int, allowed: bool
) -> None:
    assert sponsorship_program.sponsor_min_level_gap == 2
    assert mentee.profile.seniority == Seniority.MID
    mentor.profile.seniority = sponsor_level
    mentor.profile.save(update_fields=["seniority"])

    if allowed:
        assert pair(sponsorship_program, mentee, mentor).kind == Relationship.Kind.SPONSORSHIP
    else:
        with pytest.raises(RelationshipError, match="seniority levels above"):
            pair(sponsorship_program, mentee, mentor)
        assert not Relationship.objects.exists()


def test_a_sponsorship_needs_a_sponsor_enrollment_not_a_mentor_one(
    sponsorship_program: Program, mentee: User, mentor: User
) -> None:
    approve(sponsorship_program, mentee, Enrollment.Role.MENTEE)
    approve(sponsorship_program, mentor, Enrollment.Role.MENTOR)

    problem = services.pairing_problem(program=sponsorship_program, mentee=mentee, mentor=mentor)
    assert problem is not None
    assert "not an approved sponsor" in problem


def test_the_database_refuses_a_second_open_relationship_for_a_mentee(
    relationship: Relationship, other_mentor: User
) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            program=relationship.program,
            mentee=relationship.mentee,
            mentor=other_mentor,
            kind=relationship.kind,
            started_on=relationship.started_on,
        )


def test_the_database_refuses_a_relationship_with_oneself(program: Program, mentee: User) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Relationship.objects.create(
            program=program, mentee=mentee, mentor=mentee, kind="mentoring", started_on=timezone.localdate()
        )


# -- goals -------------------------------------------------------------------------------------------------


def test_the_mentee_adds_a_goal_with_every_field(relationship: Relationship) -> None:
    goal = add_goal(
        relationship,
        title="Speak at a meetup",
        category="custom",
        custom_category="Public speaking",
        why="Visibility",
        success_measure="One talk given",
        target_date=datetime.date(2030, 1, 31),
        status=Goal.Status.IN_PROGRESS,
        progress=20,
        shared_with_program=True,
    )

    goal.refresh_from_db()
    assert (goal.title, goal.category_label, goal.progress, goal.shared_with_program) == (
        "Speak at a meetup",
        "Public speaking",
        20,
        True,
    )
    assert relationship.activity.filter(summary__contains="Speak at a meetup").exists()
    assert status_of(relationship) == R.STARTING  # a goal alone does not make it active


@pytest.mark.parametrize("side", [Side.MENTOR, Side.ADMIN])
def test_only_the_mentee_adds_or_changes_goals(relationship: Relationship, side: str, program_admin: User) -> None:
    actor = relationship.mentor if side == Side.MENTOR else program_admin
    goal = add_goal(relationship, title="Mine")

    with pytest.raises(RelationshipError, match="belong to the mentee"):
        services.goal_save(relationship=relationship, side=side, actor=actor, goal=None, title="X", category="skills")
    with pytest.raises(RelationshipError, match="belong to the mentee"):
        services.goal_save(relationship=relationship, side=side, actor=actor, goal=goal, title="Renamed")

    assert list(Goal.objects.values_list("title", flat=True)) == ["Mine"]


def test_an_achieved_goal_is_at_full_progress(relationship: Relationship) -> None:
    goal = add_goal(relationship, progress=40)

    services.goal_save(
        relationship=relationship,
        side=Side.MENTEE,
        actor=relationship.mentee,
        goal=goal,
        status=Goal.Status.ACHIEVED,
    )

    goal.refresh_from_db()
    assert (goal.status, goal.progress) == (Goal.Status.ACHIEVED, 100)


@pytest.mark.parametrize("progress", [150, 101])
def test_progress_beyond_100_percent_is_refused(relationship: Relationship, progress: int) -> None:
    with pytest.raises(ValidationError):
        add_goal(relationship, progress=progress)
    assert not Goal.objects.exists()


def test_the_database_keeps_progress_within_0_to_100(relationship: Relationship) -> None:
    goal = add_goal(relationship)
    with pytest.raises(IntegrityError), transaction.atomic():
        Goal.objects.filter(pk=goal.pk).update(progress=150)


def test_unknown_goal_fields_are_a_programming_error(relationship: Relationship) -> None:
    with pytest.raises(TypeError):
        add_goal(relationship, relationship_id=1)


def test_both_people_comment_on_a_goal_and_admins_cannot(relationship: Relationship, program_admin: User) -> None:
    goal = add_goal(relationship)

    services.goal_comment(goal=goal, side=Side.MENTOR, actor=relationship.mentor, body=" Try a lightning talk. ")
    services.goal_comment(goal=goal, side=Side.MENTEE, actor=relationship.mentee, body="Good idea")
    with pytest.raises(RelationshipError):
        services.goal_comment(goal=goal, side=Side.ADMIN, actor=program_admin, body="HR was here")
    with pytest.raises(RelationshipError, match="Write something"):
        services.goal_comment(goal=goal, side=Side.MENTOR, actor=relationship.mentor, body="   ")

    assert list(goal.comments.values_list("body", flat=True)) == ["Try a lightning talk.", "Good idea"]


def test_only_the_mentee_plans_and_ticks_milestones(relationship: Relationship) -> None:
    goal = add_goal(relationship)
    milestone = services.milestone_add(goal=goal, side=Side.MENTEE, title=" Draft abstract ", due_on=None)
    assert milestone.title == "Draft abstract"

    with pytest.raises(RelationshipError):
        services.milestone_add(goal=goal, side=Side.MENTOR, title="Mentor's idea", due_on=None)
    with pytest.raises(RelationshipError):
        services.milestone_toggle(milestone=milestone, side=Side.MENTOR)
    milestone.refresh_from_db()
    assert milestone.done_at is None

    services.milestone_toggle(milestone=milestone, side=Side.MENTEE)
    milestone.refresh_from_db()
    assert milestone.done_at is not None
    services.milestone_toggle(milestone=milestone, side=Side.MENTEE)
    milestone.refresh_from_db()
    assert milestone.done_at is None
    assert Milestone.objects.count() == 1


# -- agreement ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("drafter", ["mentee", "mentor"])
def test_either_side_drafts_the_agreement_and_the_other_is_asked_to_accept(
    relationship: Relationship, drafter: str, django_capture_on_commit_callbacks: Any
) -> None:
    by = getattr(relationship, drafter)
    other = relationship.mentor if drafter == "mentee" else relationship.mentee

    with django_capture_on_commit_callbacks(execute=True):
        agreement = draft(relationship, by)

    assert (agreement.version, agreement.drafted_by_id) == (1, by.pk)
    assert not agreement.has_acceptance
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert by.display_name in mail.outbox[0].subject


def test_the_admin_cannot_draft_the_agreement(relationship: Relationship, program_admin: User) -> None:
    with pytest.raises(RelationshipError):
        services.agreement_save(relationship=relationship, side=Side.ADMIN, actor=program_admin, **agreement_fields())
    assert not Agreement.objects.exists()


def test_the_agreed_cadence_is_stored_in_days(relationship: Relationship) -> None:
    agreement = draft(relationship, relationship.mentee, cadence="biweekly")

    agreement.refresh_from_db()
    assert (agreement.cadence, agreement.cadence_days) == ("biweekly", 14)


def test_editing_a_draft_nobody_accepted_keeps_the_version(relationship: Relationship) -> None:
    draft(relationship, relationship.mentee, desired_outcomes="First idea")
    agreement = draft(relationship, relationship.mentor, desired_outcomes="Better idea")

    assert agreement.version == 1
    assert list(relationship.agreements.values_list("desired_outcomes", flat=True)) == ["Better idea"]


def test_a_review_date_after_the_end_date_is_refused(relationship: Relationship) -> None:
    with pytest.raises(ValidationError):
        draft(relationship, relationship.mentee, review_on=datetime.date(2031, 1, 1), ends_on=datetime.date(2030, 1, 1))
    assert not Agreement.objects.exists()


def test_the_relationship_becomes_active_when_a_goal_exists_and_both_accepted(relationship: Relationship) -> None:
    add_goal(relationship)
    agreement = draft(relationship, relationship.mentor)

    accept(agreement, relationship.mentor)
    assert status_of(relationship) == R.STARTING  # one acceptance is not enough

    accept(agreement, relationship.mentee)
    assert status_of(relationship) == R.ACTIVE
    assert relationship.activity.filter(summary__contains="active").exists()


def test_an_accepted_agreement_without_goals_waits_for_the_first_goal(relationship: Relationship) -> None:
    agreement = draft(relationship, relationship.mentee)
    accept(agreement, relationship.mentee)
    accept(agreement, relationship.mentor)
    assert status_of(relationship) == R.STARTING

    add_goal(relationship)
    assert status_of(relationship) == R.ACTIVE


def test_accepting_twice_keeps_the_first_acceptance(relationship: Relationship) -> None:
    agreement = draft(relationship, relationship.mentee)
    first = accept(agreement, relationship.mentee).mentee_accepted_at

    again = accept(agreement, relationship.mentee)

    assert again.mentee_accepted_at == first
    assert again.mentor_accepted_at is None


def test_the_admin_cannot_accept_the_agreement(relationship: Relationship, program_admin: User) -> None:
    agreement = draft(relationship, relationship.mentee)

    with pytest.raises(RelationshipError):
        services.agreement_accept(agreement=agreement, side=Side.ADMIN, actor=program_admin)

    agreement.refresh_from_db()
    assert not agreement.has_acceptance


def test_changing_an_accepted_agreement_makes_a_new_version_both_accept_again(relationship: Relationship) -> None:
    make_active(relationship)
    v1 = relationship.agreements.get()
    v1_before = Agreement.objects.filter(pk=v1.pk).values().get()

    v2 = draft(relationship, relationship.mentor, cadence="weekly", desired_outcomes="A bigger scope")

    assert v2.version == 2
    assert v2.pk != v1.pk
    assert not v2.has_acceptance
    # The accepted version stays exactly as it was, readable.
    assert Agreement.objects.filter(pk=v1.pk).values().get() == v1_before
    # Changing the agreement does not undo the relationship's progress.
    assert status_of(relationship) == R.ACTIVE

    accept(v2, relationship.mentee)
    accept(v2, relationship.mentor)
    v2.refresh_from_db()
    assert v2.accepted_by_both
    assert relationship.agreements.first() == v2


def test_a_change_after_only_one_acceptance_is_also_a_new_version(relationship: Relationship) -> None:
    v1 = draft(relationship, relationship.mentee)
    accept(v1, relationship.mentee)

    v2 = draft(relationship, relationship.mentor, desired_outcomes="Changed")

    assert v2.version == 2
    v1.refresh_from_db()
    assert v1.desired_outcomes == "A promotion case."
    assert v1.mentee_accepted_at is not None


def test_accepting_a_superseded_version_is_refused_and_changes_nothing(relationship: Relationship) -> None:
    v1 = draft(relationship, relationship.mentee)
    accept(v1, relationship.mentee)
    draft(relationship, relationship.mentor, desired_outcomes="Changed")
    add_goal(relationship)

    with pytest.raises(RelationshipError, match="newer version"):
        accept(v1, relationship.mentor)

    v1.refresh_from_db()
    assert v1.mentor_accepted_at is None
    assert status_of(relationship) == R.STARTING


# -- sponsorship advocacy ----------------------------------------------------------------------------------


def advocacy(relationship: Relationship, side: str, actor: User, **fields: Any) -> AdvocacyAction:
    data = {
        "kind": AdvocacyAction.Kind.PROMOTION,
        "happened_on": timezone.localdate(),
        "description": "Recommended for the senior role",
        **fields,
    }
    return services.advocacy_save(relationship=relationship, side=side, actor=actor, action=None, **data)


def test_the_sponsor_records_and_updates_advocacy(sponsorship: Relationship) -> None:
    action = advocacy(sponsorship, Side.MENTOR, sponsorship.mentor)
    assert (action.status, action.outcome, action.created_by_id) == ("planned", "pending", sponsorship.mentor_id)

    services.advocacy_save(
        relationship=sponsorship,
        side=Side.MENTOR,
        actor=sponsorship.mentor,
        action=action,
        status=AdvocacyAction.Status.DONE,
        outcome=AdvocacyAction.Outcome.SUCCEEDED,
    )

    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "succeeded")
    assert sponsorship.activity.filter(summary__startswith="Advocacy updated").exists()


@pytest.mark.parametrize("side", [Side.MENTEE, Side.ADMIN])
def test_only_the_sponsor_logs_advocacy(sponsorship: Relationship, side: str, program_admin: User) -> None:
    actor = sponsorship.mentee if side == Side.MENTEE else program_admin
    with pytest.raises(RelationshipError, match="Only the sponsor"):
        advocacy(sponsorship, side, actor)
    assert not AdvocacyAction.objects.exists()


def test_a_mentoring_relationship_has_no_advocacy_log(relationship: Relationship) -> None:
    with pytest.raises(RelationshipError, match="sponsorships"):
        advocacy(relationship, Side.MENTOR, relationship.mentor)
    assert not AdvocacyAction.objects.exists()


def test_the_sponsee_adds_what_followed_and_the_sponsor_cannot(sponsorship: Relationship) -> None:
    action = advocacy(sponsorship, Side.MENTOR, sponsorship.mentor)

    with pytest.raises(RelationshipError, match="sponsee"):
        services.advocacy_followup(action=action, side=Side.MENTOR, actor=sponsorship.mentor, text="Sponsor speaking")
    services.advocacy_followup(action=action, side=Side.MENTEE, actor=sponsorship.mentee, text=" I got the role! ")

    action.refresh_from_db()
    assert action.sponsee_followup == "I got the role!"


# -- private notes -----------------------------------------------------------------------------------------


def test_private_notes_belong_to_their_author_and_leave_no_trace_in_the_timeline(
    relationship: Relationship, program_admin: User
) -> None:
    activity_before = Activity.objects.count()
    note = services.private_note_add(
        relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, body="Seems stressed"
    )
    with pytest.raises(RelationshipError):
        services.private_note_add(relationship=relationship, side=Side.ADMIN, actor=program_admin, body="HR note")
    with pytest.raises(RelationshipError, match="empty"):
        services.private_note_add(relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, body=" ")

    assert Activity.objects.count() == activity_before
    with pytest.raises(RelationshipError, match="author"):
        services.private_note_delete(note=note, actor=relationship.mentee)
    assert PrivateNote.objects.filter(pk=note.pk).exists()

    services.private_note_delete(note=note, actor=relationship.mentor)
    assert not PrivateNote.objects.exists()


# -- pause, resume, end ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["mentee", "mentor", "program_admin"])
def test_either_side_or_an_admin_pauses_with_a_reason_and_the_others_are_told(
    relationship: Relationship, who: str, program_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    actor = program_admin if who == "program_admin" else getattr(relationship, who)
    side = Side.ADMIN if who == "program_admin" else relationship.side_of(actor.pk)
    assert side is not None
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_pause(relationship=relationship, side=side, actor=actor, reason=" Parental leave ")

    relationship.refresh_from_db()
    assert (relationship.status, relationship.paused_reason) == (R.PAUSED, "Parental leave")
    told = {relationship.mentee.email, relationship.mentor.email} - {actor.email}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(told)
    assert all("paused" in m.subject and "Parental leave" in m.body for m in mail.outbox)


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_pausing_without_a_reason_is_refused(relationship: Relationship, reason: str) -> None:
    with pytest.raises(RelationshipError, match="Say why"):
        services.relationship_pause(
            relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, reason=reason
        )
    assert status_of(relationship) == R.STARTING


def test_only_an_ongoing_relationship_pauses_and_only_a_paused_one_resumes(relationship: Relationship) -> None:
    mentee = relationship.mentee
    with pytest.raises(RelationshipError, match="paused relationship"):
        services.relationship_resume(relationship=relationship, side=Side.MENTEE, actor=mentee)

    services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Busy")
    with pytest.raises(RelationshipError, match="under way"):
        services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Again")
    relationship.refresh_from_db()
    assert relationship.paused_reason == "Busy"


def test_resuming_returns_to_active_when_goals_and_agreement_are_in_place(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    make_active(relationship)
    services.relationship_pause(relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, reason="Leave")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_resume(relationship=relationship, side=Side.MENTEE, actor=relationship.mentee)

    relationship.refresh_from_db()
    assert (relationship.status, relationship.paused_reason) == (R.ACTIVE, "")
    assert [m.to for m in mail.outbox] == [[relationship.mentor.email]]
    assert "active" in mail.outbox[0].subject


def test_resuming_returns_to_getting_started_when_the_basics_are_missing(relationship: Relationship) -> None:
    services.relationship_pause(relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, reason="Leave")
    services.relationship_resume(relationship=relationship, side=Side.MENTOR, actor=relationship.mentor)

    assert status_of(relationship) == R.STARTING


def test_pausing_again_after_resuming_tells_the_other_person_again(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    mentee, mentor = relationship.mentee, relationship.mentor
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="First")
        services.relationship_resume(relationship=relationship, side=Side.MENTEE, actor=mentee)
        services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Second")

    to_mentor = [m for m in mail.outbox if m.to == [mentor.email]]
    assert [("First" in m.body, "Second" in m.body) for m in to_mentor if "paused" in m.subject] == [
        (True, False),
        (False, True),
    ]


def test_completing_needs_no_reason_and_records_who_and_when(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    make_active(relationship)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_end(
            relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, completed=True, reason=""
        )

    relationship.refresh_from_db()
    assert relationship.status == R.COMPLETED
    assert (relationship.ended_on, relationship.ended_by_id) == (timezone.localdate(), relationship.mentee_id)
    assert [m.to for m in mail.outbox] == [[relationship.mentor.email]]
    assert "completed" in mail.outbox[0].subject
    assert "reflect" in mail.outbox[0].body


def test_ending_early_needs_a_reason(relationship: Relationship) -> None:
    with pytest.raises(RelationshipError, match="ends early"):
        services.relationship_end(
            relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, completed=False, reason="  "
        )
    relationship.refresh_from_db()
    assert (relationship.status, relationship.ended_on) == (R.STARTING, None)


def test_an_admin_ends_early_with_a_reason_and_both_people_are_told(
    relationship: Relationship, program_admin: User, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_end(
            relationship=relationship, side=Side.ADMIN, actor=program_admin, completed=False, reason="Mentor left"
        )

    relationship.refresh_from_db()
    assert (relationship.status, relationship.end_reason, relationship.ended_by_id) == (
        R.ENDED,
        "Mentor left",
        program_admin.pk,
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([relationship.mentee.email, relationship.mentor.email])
    assert all("Mentor left" in m.body for m in mail.outbox)


def test_ending_a_paused_relationship_does_not_repeat_the_pause_reason_as_the_end_reason(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    mentee = relationship.mentee
    services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="Parental leave")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.relationship_end(
            relationship=relationship, side=Side.MENTEE, actor=mentee, completed=False, reason="Changed teams"
        )

    relationship.refresh_from_db()
    assert relationship.paused_reason == ""
    (email,) = mail.outbox
    assert "Changed teams" in email.body
    assert "Parental leave" not in email.body


def test_a_closed_relationship_refuses_every_change_but_notes(relationship: Relationship) -> None:
    goal = add_goal(relationship)
    agreement = draft(relationship, relationship.mentee)
    mentee, mentor = relationship.mentee, relationship.mentor
    services.relationship_end(relationship=relationship, side=Side.MENTEE, actor=mentee, completed=True, reason="")

    attempts = [
        lambda: add_goal(relationship, title="After the end"),
        lambda: services.goal_comment(goal=goal, side=Side.MENTOR, actor=mentor, body="Late"),
        lambda: services.milestone_add(goal=goal, side=Side.MENTEE, title="Late", due_on=None),
        lambda: draft(relationship, mentor),
        lambda: accept(agreement, mentor),
        lambda: services.relationship_pause(relationship=relationship, side=Side.MENTEE, actor=mentee, reason="x"),
        lambda: services.relationship_resume(relationship=relationship, side=Side.MENTEE, actor=mentee),
        lambda: services.relationship_end(
            relationship=relationship, side=Side.MENTOR, actor=mentor, completed=False, reason="again"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(RelationshipError):
            attempt()

    assert status_of(relationship) == R.COMPLETED
    assert Goal.objects.count() == 1
    assert not GoalComment.objects.exists()
    assert Agreement.objects.get().mentor_accepted_at is None


# -- reflections and thanks --------------------------------------------------------------------------------


def ended(relationship: Relationship) -> Relationship:
    services.relationship_end(
        relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, completed=True, reason=""
    )
    return relationship


def test_reflections_come_only_after_the_end(relationship: Relationship) -> None:
    with pytest.raises(RelationshipError, match="ends"):
        services.reflection_save(
            relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, data=reflection_input()
        )
    assert not Reflection.objects.exists()


def test_each_person_reflects_once_and_the_thank_you_is_emailed_to_the_other(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    ended(relationship)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_save(
            relationship=relationship,
            side=Side.MENTEE,
            actor=relationship.mentee,
            data=reflection_input(thank_you="Thank you for every Tuesday."),
        )

    (email,) = mail.outbox
    assert email.to == [relationship.mentor.email]
    assert "Mia Mentee" in email.subject
    assert "Thank you for every Tuesday." in email.body
    assert "Thank you for every Tuesday." in email.alternatives[0][0]

    with pytest.raises(RelationshipError, match="already"):
        services.reflection_save(
            relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, data=reflection_input()
        )
    assert Reflection.objects.count() == 1


def test_a_reflection_without_a_thank_you_sends_nothing(
    relationship: Relationship, django_capture_on_commit_callbacks: Any
) -> None:
    ended(relationship)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.reflection_save(
            relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, data=reflection_input(thank_you=" ")
        )

    assert mail.outbox == []
    assert Reflection.objects.get().author == relationship.mentor


@pytest.mark.parametrize("rating", [0, 6, -1])
def test_a_rating_outside_1_to_5_is_refused(relationship: Relationship, rating: int) -> None:
    ended(relationship)
    with pytest.raises(ValidationError):
        services.reflection_save(
            relationship=relationship, side=Side.MENTOR, actor=relationship.mentor, data=reflection_input(rating=rating)
        )
    assert not Reflection.objects.exists()


def test_admins_do_not_write_reflections(relationship: Relationship, program_admin: User) -> None:
    ended(relationship)
    with pytest.raises(RelationshipError):
        services.reflection_save(
            relationship=relationship, side=Side.ADMIN, actor=program_admin, data=reflection_input()
        )
    assert not Reflection.objects.exists()


def test_a_sponsorship_program_can_require_a_smaller_gap(mentee: User, mentor: User, program_admin: User) -> None:
    program = ProgramFactory(kind=Program.Kind.SPONSORSHIP, sponsor_min_level_gap=0, administrators=[program_admin])
    mentor.profile.seniority = mentee.profile.seniority
    mentor.profile.save(update_fields=["seniority"])

    assert pair(program, mentee, mentor).kind == Relationship.Kind.SPONSORSHIP
