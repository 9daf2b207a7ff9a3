"""Services: program lifecycle, invitations, applications, decisions and the emails they send after commit."""

from __future__ import annotations

import datetime
import re
from itertools import product
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from mentorship.accounts.models import Skill
from mentorship.notifications.models import OutboundEmail
from programs import services
from programs.invitations_csv import InviteRow
from programs.models import Enrollment, Invitation, Program
from programs.services import Application, ProgramError
from programs.tests.factories import EnrollmentFactory, InvitationFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db

MENTEE, MENTOR, SPONSOR = Enrollment.Role.MENTEE, Enrollment.Role.MENTOR, Enrollment.Role.SPONSOR
S = Enrollment.Status


def mentee_application(**overrides: Any) -> Application:
    fields: dict[str, Any] = {"goal_categories": ["skills"], "growth_areas": ["System design", "Public speaking"]}
    return Application(**{**fields, **overrides})


def row(email: str, role: str = MENTEE, *, line: int = 1, name: str = "", is_external: bool = False) -> InviteRow:
    return InviteRow(line=line, email=email, name=name, role=role, is_external=is_external)


def link_token(message: Any) -> str:
    return re.search(r"/programs/invitations/([^/\s]+)/", message.body).group(1)


# -- programs ----------------------------------------------------------------------------------------------


def test_program_create_makes_a_draft_run_by_its_creator_and_chosen_admins(
    program_admin: Any, other_program_admin: Any
) -> None:
    program = services.program_create(
        created_by=program_admin, administrators=[other_program_admin], name="Women in Tech"
    )
    assert program.status == Program.Status.DRAFT
    assert program.slug == "women-in-tech"
    assert program.created_by == program_admin
    assert set(program.administrators.all()) == {program_admin, other_program_admin}


def test_program_slugs_are_unique_and_never_collide_with_page_names(program_admin: Any) -> None:
    first = services.program_create(created_by=program_admin, name="Mentoring")
    second = services.program_create(created_by=program_admin, name="Mentoring")
    reserved = services.program_create(created_by=program_admin, name="Manage")
    assert (first.slug, second.slug, reserved.slug) == ("mentoring", "mentoring-2", "manage-2")


def test_program_update_refuses_to_leave_a_program_without_administrators(program: Program, program_admin: Any) -> None:
    with pytest.raises(ProgramError, match="at least one administrator"):
        services.program_update(program=program, administrators=[], name="Renamed")
    program.refresh_from_db()
    assert program.name == "Engineering Mentoring"
    assert list(program.administrators.all()) == [program_admin]


def test_program_update_refuses_an_enrollment_window_that_closes_before_it_opens(program: Program) -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="program_enrollment_window_ordered"):
        services.program_update(
            program=program, enrollment_opens_on=today, enrollment_closes_on=today - datetime.timedelta(days=1)
        )
    program.refresh_from_db()
    assert program.enrollment_opens_on is None


ALL_STATUSES = list(Program.Status.values)


@pytest.mark.parametrize(("current", "new"), list(product(ALL_STATUSES, ALL_STATUSES)))
def test_program_status_moves_only_along_allowed_transitions(current: str, new: str) -> None:
    program = ProgramFactory(status=current)
    if new in Program.TRANSITIONS[current]:
        services.program_set_status(program=program, status=new)
        program.refresh_from_db()
        assert program.status == new
    else:
        with pytest.raises(ProgramError, match="cannot become"):
            services.program_set_status(program=program, status=new)
        program.refresh_from_db()
        assert program.status == current


def test_program_lifecycle_runs_draft_open_running_closed_and_never_back_to_draft_once_closed() -> None:
    program = ProgramFactory(status=Program.Status.DRAFT)
    for status in ("open", "running", "closed"):
        services.program_set_status(program=program, status=status)
    assert Program.objects.get(pk=program.pk).status == "closed"
    with pytest.raises(ProgramError):
        services.program_set_status(program=program, status="draft")
    with pytest.raises(ProgramError):
        services.program_set_status(program=program, status="open")


def test_questions_replace_keeps_order_updates_in_place_and_drops_the_rest(program: Program) -> None:
    kept, dropped = QuestionFactory(program=program, prompt="Why?"), QuestionFactory(program=program)
    services.questions_replace(
        program=program,
        questions=[
            {"prompt": "What do you want to learn?", "kind": "long", "required": True},
            {"id": kept.pk, "prompt": "Why now?", "kind": "short"},
        ],
    )
    questions = list(program.questions.all())
    assert [q.prompt for q in questions] == ["What do you want to learn?", "Why now?"]
    assert questions[1].pk == kept.pk
    assert not program.questions.filter(pk=dropped.pk).exists()


def test_questions_replace_cannot_touch_another_programs_questions(program: Program, other_program: Program) -> None:
    foreign = QuestionFactory(program=other_program, prompt="Theirs")
    services.questions_replace(program=program, questions=[{"id": foreign.pk, "prompt": "Hijacked"}])
    foreign.refresh_from_db()
    assert foreign.prompt == "Theirs"
    assert foreign.program == other_program
    assert [q.prompt for q in program.questions.all()] == ["Hijacked"]


# -- invitations -------------------------------------------------------------------------------------------


def test_inviting_someone_with_an_account_enrolls_them_as_invited_and_emails_them(
    program: Program, program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.invitations_send(program=program, rows=[row("MEMBER@Example.com")], invited_by=program_admin)
    assert report.invited_users == ["member@example.com"]
    enrollment = Enrollment.objects.get(program=program, user=member)
    assert (enrollment.role, enrollment.status, enrollment.invited_by) == (MENTEE, S.INVITED, program_admin)
    assert Invitation.objects.get(program=program).enrollment == enrollment
    [message] = mail.outbox
    assert message.to == ["member@example.com"]
    assert message.subject == "You're invited to join Engineering Mentoring as mentee"
    assert "Open the program to accept the invitation" in message.body


def test_inviting_an_unknown_address_sends_a_signup_link_whose_secret_is_stored_hashed(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.invitations_send(
            program=program, rows=[row("pat@example.com", name="Pat Newcomer")], invited_by=program_admin
        )
    assert report.invited_emails == ["pat@example.com"]
    invitation = Invitation.objects.get(program=program)
    assert invitation.enrollment is None
    assert invitation.full_name == "Pat Newcomer"
    [message] = mail.outbox
    assert "Create your account with pat@example.com from this link" in message.body
    token = link_token(message)
    assert len(token) >= 22  # at least 128 random bits, URL-safe base64
    assert invitation.token_hash != token
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert services.invitation_for_token(token=token) == invitation
    assert services.invitation_for_token(token=token + "x") is None


def test_inviting_the_same_people_twice_creates_nothing_new(
    program: Program, program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rows = [row("member@example.com"), row("pat@example.com", line=2)]
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_send(program=program, rows=rows, invited_by=program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.invitations_send(program=program, rows=rows, invited_by=program_admin)
    assert again.sent == 0
    assert again.already_invited == ["member@example.com", "pat@example.com"]
    assert Invitation.objects.filter(program=program).count() == 2
    assert Enrollment.objects.filter(program=program).count() == 1
    assert len(mail.outbox) == 2


def test_invitation_addresses_are_compared_case_insensitively(
    program: Program, program_admin: Any, member: Any
) -> None:
    InvitationFactory(program=program, email="Pat@Example.COM")
    report = services.invitations_send(program=program, rows=[row("pat@example.com")], invited_by=program_admin)
    assert report.already_invited == ["pat@example.com"]
    assert Invitation.objects.filter(program=program).count() == 1


def test_inviting_someone_already_enrolled_in_that_role_leaves_their_enrollment_alone(
    program: Program, program_admin: Any, member: Any
) -> None:
    enrollment = EnrollmentFactory(program=program, user=member, role=MENTEE, status=S.APPLIED)
    report = services.invitations_send(program=program, rows=[row(member.email)], invited_by=program_admin)
    assert report.already_invited == [member.email]
    enrollment.refresh_from_db()
    assert enrollment.status == S.APPLIED
    assert not Invitation.objects.exists()


def test_the_same_person_can_be_invited_in_a_second_role(program: Program, program_admin: Any, member: Any) -> None:
    services.invitations_send(program=program, rows=[row(member.email, MENTEE)], invited_by=program_admin)
    report = services.invitations_send(program=program, rows=[row(member.email, MENTOR)], invited_by=program_admin)
    assert report.invited_users == [member.email]
    assert set(Enrollment.objects.filter(user=member).values_list("role", flat=True)) == {MENTEE, MENTOR}


def test_external_mentors_are_marked_when_the_program_admits_them(
    program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program = ProgramFactory(allow_external=True, administrators=[program_admin])
    rows = [row(member.email, MENTOR, is_external=True), row("ext@partner.example", MENTOR, line=2, is_external=True)]
    report = services.invitations_send(program=program, rows=rows, invited_by=program_admin)
    assert report.errors == []
    assert all(Invitation.objects.filter(program=program).values_list("is_external", flat=True))
    member.profile.refresh_from_db()
    assert member.profile.is_external


def test_external_people_are_refused_where_the_program_does_not_admit_them(
    program: Program, program_admin: Any
) -> None:
    open_to_externals = ProgramFactory(allow_external=True, administrators=[program_admin])
    closed = services.invitations_send(
        program=program, rows=[row("ext@partner.example", MENTOR, line=3, is_external=True)], invited_by=program_admin
    )
    mentee = services.invitations_send(
        program=open_to_externals,
        rows=[row("ext@partner.example", MENTEE, line=4, is_external=True)],
        invited_by=program_admin,
    )
    assert closed.errors == [(3, "This program does not admit external participants in that role.")]
    assert mentee.errors == [(4, "This program does not admit external participants in that role.")]
    assert not Invitation.objects.exists()


def test_a_role_the_program_does_not_have_is_reported_with_its_line(program: Program, program_admin: Any) -> None:
    report = services.invitations_send(
        program=program,
        rows=[row("ok@example.com", line=2), row("sponsor@example.com", SPONSOR, line=3)],
        invited_by=program_admin,
        errors=[(4, "earlier problem")],
    )
    assert report.invited_emails == ["ok@example.com"]
    assert report.errors == [(4, "earlier problem"), (3, "sponsor is not a role in this program.")]


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.CLOSED])
def test_invitations_wait_until_the_program_is_open_or_running(status: str, program_admin: Any) -> None:
    program = ProgramFactory(status=status, administrators=[program_admin])
    with pytest.raises(ProgramError, match="before inviting"):
        services.invitations_send(program=program, rows=[row("pat@example.com")], invited_by=program_admin)
    assert not Invitation.objects.exists()


def test_claiming_an_emailed_invitation_enrolls_the_new_account_once(program: Program, make_user: Any) -> None:
    invitation = InvitationFactory(program=program, email="pat@example.com", role=MENTOR)
    pat = make_user(email="pat@example.com")
    enrollment = services.invitation_accept(invitation=invitation, user=pat)
    assert (enrollment.user, enrollment.role, enrollment.status) == (pat, MENTOR, S.INVITED)
    invitation.refresh_from_db()
    assert invitation.enrollment == enrollment
    accepted_at = invitation.accepted_at
    assert accepted_at is not None
    assert services.invitation_accept(invitation=invitation, user=pat) == enrollment
    invitation.refresh_from_db()
    assert invitation.accepted_at == accepted_at
    assert Enrollment.objects.filter(user=pat).count() == 1


def test_an_external_newcomer_is_marked_external_when_they_claim_the_invitation(
    program_admin: Any, make_user: Any
) -> None:
    program = ProgramFactory(allow_external=True, administrators=[program_admin])
    services.invitations_send(
        program=program, rows=[row("eve@partner.example", MENTOR, is_external=True)], invited_by=program_admin
    )
    eve = make_user(email="eve@partner.example")
    assert not eve.profile.is_external
    services.invitation_accept(invitation=Invitation.objects.get(), user=eve)
    eve.profile.refresh_from_db()
    assert eve.profile.is_external


def test_an_invitation_taken_by_one_account_cannot_be_claimed_by_another(
    program: Program, member: Any, outsider: Any
) -> None:
    invitation = InvitationFactory(program=program, email=member.email)
    services.invitation_accept(invitation=invitation, user=member)
    with pytest.raises(ProgramError, match="another account has already accepted it"):
        services.invitation_accept(invitation=invitation, user=outsider)
    assert not Enrollment.objects.filter(user=outsider).exists()


def test_only_the_account_with_the_invited_address_may_accept(program: Program, member: Any, outsider: Any) -> None:
    invitation = InvitationFactory(program=program, email="Mina.Private@example.net", full_name="Mina")
    with pytest.raises(ProgramError, match=r"This invitation is for Mina \(Mina.Private@example.net\)"):
        services.invitation_accept(invitation=invitation, user=outsider)
    # An address the account added but never confirmed is theirs: the link mailed to it confirms it.
    EmailAddress.objects.create(user=member, email="mina.private@example.net", verified=False)
    enrollment = services.invitation_accept(invitation=invitation, user=member)
    assert enrollment.user == member
    assert EmailAddress.objects.get(email="mina.private@example.net").verified


def test_an_account_whose_address_is_unconfirmed_is_not_enrolled_by_the_invitation_alone(
    program: Program, program_admin: Any, make_user: Any
) -> None:
    squatter = make_user(email="pat@example.com")
    EmailAddress.objects.filter(user=squatter).update(verified=False)
    report = services.invitations_send(program=program, rows=[row("pat@example.com")], invited_by=program_admin)
    assert report.invited_emails == ["pat@example.com"]
    assert not Enrollment.objects.exists()


def test_claiming_a_second_invitation_for_a_role_already_held_keeps_the_enrollment(
    program: Program, program_admin: Any, member: Any
) -> None:
    # HR invited both the work and the private address; the member opens the second link too.
    services.invitations_send(program=program, rows=[row(member.email)], invited_by=program_admin)
    EmailAddress.objects.create(user=member, email="mina.private@example.net", verified=True)
    private = InvitationFactory(program=program, email="mina.private@example.net")
    enrollment = services.invitation_accept(invitation=private, user=member)
    assert enrollment == Enrollment.objects.get(program=program, user=member)
    assert enrollment.status == S.INVITED
    private.refresh_from_db()
    assert private.accepted_at is not None


def test_confirming_an_address_claims_every_invitation_sent_to_it(program: Program, make_user: Any) -> None:
    second = ProgramFactory()
    InvitationFactory(program=program, email="Pat@Example.com", role=MENTEE)
    InvitationFactory(program=second, email="pat@example.com", role=MENTOR)
    InvitationFactory(program=program, email="someone.else@example.com")
    pat = make_user(email="pat@example.com")
    claimed = services.invitations_claim_for_email(user=pat, email="pat@example.com")
    assert {(e.program, e.role) for e in claimed} == {(program, MENTEE), (second, MENTOR)}
    assert services.invitations_claim_for_email(user=pat, email="pat@example.com") == []


# -- applications ------------------------------------------------------------------------------------------


def test_applying_to_an_approval_program_waits_for_review_and_tells_every_admin(
    program: Program, member: Any, other_program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program.administrators.add(other_program_admin)
    question = QuestionFactory(program=program, prompt="Why now?")
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_apply(
            program=program,
            user=member,
            role=MENTEE,
            application=mentee_application(answers={str(question.pk): "Promotion coming up"}, languages=["en"]),
        )
    assert enrollment.status == S.APPLIED
    assert enrollment.answers == {str(question.pk): "Promotion coming up"}
    assert enrollment.goal_categories == ["skills"]
    assert sorted(s.name for s in enrollment.growth_areas.all()) == ["Public speaking", "System design"]
    assert sorted(m.to[0] for m in mail.outbox) == ["hr2@example.com", "hr@example.com"]
    assert {m.subject for m in mail.outbox} == {"New mentee application for Engineering Mentoring"}
    assert "?status=applied" in mail.outbox[0].body


def test_mentors_offer_skills_and_capacity_but_no_goal_categories(program: Program, member: Any) -> None:
    enrollment = services.enrollment_apply(
        program=program,
        user=member,
        role=MENTOR,
        application=Application(goal_categories=["skills"], offers=["python ", "Python", "Negotiation"], capacity=3),
    )
    assert enrollment.goal_categories == []
    assert enrollment.capacity == 3
    assert sorted(s.name for s in enrollment.offers.all()) == ["Negotiation", "python"]
    assert Skill.objects.count() == 2


def test_applying_to_an_open_program_approves_at_once_and_says_so(
    program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program = ProgramFactory(access=Program.Access.OPEN, administrators=[program_admin], name="Open Doors")
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_apply(
            program=program, user=member, role=MENTEE, application=mentee_application()
        )
    assert enrollment.status == S.APPROVED
    [message] = mail.outbox
    assert (message.to, message.subject) == (["member@example.com"], "You're in: Open Doors")


def test_accepting_an_invitation_through_the_form_approves_without_emails(
    program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program = ProgramFactory(access=Program.Access.INVITATION, administrators=[program_admin])
    EnrollmentFactory(program=program, user=member, status=S.INVITED)
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = services.enrollment_apply(
            program=program, user=member, role=MENTEE, application=mentee_application()
        )
    assert enrollment.status == S.APPROVED
    assert mail.outbox == []
    assert Enrollment.objects.filter(user=member).count() == 1


def test_an_invitation_can_be_accepted_after_the_enrollment_window_closed(program_admin: Any, member: Any) -> None:
    program = ProgramFactory(
        status=Program.Status.RUNNING,
        enrollment_closes_on=timezone.localdate() - datetime.timedelta(days=10),
        administrators=[program_admin],
    )
    EnrollmentFactory(program=program, user=member, status=S.INVITED)
    enrollment = services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())
    assert enrollment.status == S.APPROVED


@pytest.mark.parametrize("status", [S.APPLIED, S.APPROVED, S.WAITLISTED])
def test_applying_twice_in_the_same_role_is_refused_with_the_current_status(
    status: str, program: Program, member: Any
) -> None:
    EnrollmentFactory(program=program, user=member, role=MENTEE, status=status)
    with pytest.raises(ProgramError, match=f"already applied as mentee; your application is {status}"):
        services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())
    assert Enrollment.objects.get(user=member).status == status


def test_the_database_allows_one_enrollment_per_person_role_and_program(program: Program, member: Any) -> None:
    EnrollmentFactory(program=program, user=member, role=MENTEE)
    EnrollmentFactory(program=program, user=member, role=MENTOR)  # another role is fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(program=program, user=member, role=MENTEE, status=S.APPLIED)


def test_a_declined_applicant_cannot_simply_apply_again(program: Program, member: Any) -> None:
    EnrollmentFactory(program=program, user=member, status=S.DECLINED, decision_reason="Full")
    with pytest.raises(ProgramError, match="was declined"):
        services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())


def test_someone_who_withdrew_can_apply_again(program: Program, member: Any) -> None:
    old = EnrollmentFactory(program=program, user=member, status=S.WITHDRAWN, decision_reason="stale")
    enrollment = services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())
    assert enrollment.pk == old.pk
    assert (enrollment.status, enrollment.decision_reason) == (S.APPLIED, "")


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(3, None, "Enrollment opens on"), (None, -1, "Enrollment closed on")],
    ids=["before-window", "after-window"],
)
def test_applying_outside_the_enrollment_window_is_refused_with_the_date(
    opens: int | None, closes: int | None, message: str, program_admin: Any, member: Any
) -> None:
    today = timezone.localdate()
    program = ProgramFactory(
        enrollment_opens_on=today + datetime.timedelta(days=opens) if opens is not None else None,
        enrollment_closes_on=today + datetime.timedelta(days=closes) if closes is not None else None,
        administrators=[program_admin],
    )
    with pytest.raises(ProgramError, match=message):
        services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())
    assert not Enrollment.objects.exists()


def test_applying_on_the_first_and_last_day_of_the_window_works(program_admin: Any, make_user: Any) -> None:
    today = timezone.localdate()
    first_day = ProgramFactory(enrollment_opens_on=today, administrators=[program_admin])
    last_day = ProgramFactory(enrollment_closes_on=today, administrators=[program_admin])
    for program in (first_day, last_day):
        services.enrollment_apply(program=program, user=make_user(), role=MENTEE, application=mentee_application())
    assert Enrollment.objects.filter(status=S.APPLIED).count() == 2


@pytest.mark.parametrize("status", [Program.Status.DRAFT, Program.Status.RUNNING, Program.Status.CLOSED])
def test_applying_when_the_program_is_not_open_is_refused(status: str, member: Any) -> None:
    program = ProgramFactory(status=status)
    with pytest.raises(ProgramError, match="not taking applications"):
        services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())
    assert not Enrollment.objects.exists()


def test_invitation_only_programs_refuse_applications_from_the_uninvited(member: Any) -> None:
    program = ProgramFactory(access=Program.Access.INVITATION)
    with pytest.raises(ProgramError, match="invitation only"):
        services.enrollment_apply(program=program, user=member, role=MENTEE, application=mentee_application())


def test_a_role_the_program_does_not_have_is_refused(program: Program, member: Any) -> None:
    with pytest.raises(ProgramError, match="no sponsor role"):
        services.enrollment_apply(program=program, user=member, role=SPONSOR, application=Application())


def test_external_people_may_mentor_only_where_the_program_admits_them(program: Program, make_user: Any) -> None:
    external = make_user()
    external.profile.is_external = True
    external.profile.save()
    with pytest.raises(ProgramError, match="does not admit external"):
        services.enrollment_apply(program=program, user=external, role=MENTOR, application=Application(capacity=1))
    welcoming = ProgramFactory(allow_external=True)
    enrollment = services.enrollment_apply(
        program=welcoming, user=external, role=MENTOR, application=Application(capacity=1)
    )
    assert enrollment.status == S.APPLIED


def test_a_sponsorship_program_takes_mentees_and_sponsors_not_mentors(member: Any) -> None:
    program = ProgramFactory(kind=Program.Kind.SPONSORSHIP)
    assert program.roles == [MENTEE, SPONSOR]
    services.enrollment_apply(program=program, user=member, role=SPONSOR, application=Application(capacity=1))
    with pytest.raises(ProgramError, match="no mentor role"):
        services.enrollment_apply(program=program, user=member, role=MENTOR, application=Application(capacity=1))


@pytest.mark.parametrize("status", [S.INVITED, S.APPLIED, S.APPROVED, S.WAITLISTED])
def test_an_active_enrollment_can_be_withdrawn_once(status: str, program: Program, member: Any) -> None:
    enrollment = EnrollmentFactory(program=program, user=member, status=status)
    services.enrollment_withdraw(enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.WITHDRAWN
    with pytest.raises(ProgramError, match="already ended"):
        services.enrollment_withdraw(enrollment=enrollment)


def test_a_declined_enrollment_cannot_be_withdrawn(program: Program, member: Any) -> None:
    enrollment = EnrollmentFactory(program=program, user=member, status=S.DECLINED)
    with pytest.raises(ProgramError):
        services.enrollment_withdraw(enrollment=enrollment)
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.DECLINED


# -- decisions ---------------------------------------------------------------------------------------------


def test_approving_in_bulk_changes_only_decidable_applications_and_emails_each_person(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    applied = EnrollmentFactory.create_batch(2, program=program, status=S.APPLIED)
    waitlisted = EnrollmentFactory(program=program, status=S.WAITLISTED)
    untouched = [EnrollmentFactory(program=program, status=s) for s in (S.INVITED, S.APPROVED, S.WITHDRAWN)]
    with django_capture_on_commit_callbacks(execute=True):
        report = services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.APPROVED, decided_by=program_admin
        )
    assert (report.changed, report.skipped) == (3, 3)
    for enrollment in [*applied, waitlisted]:
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.decided_by) == (S.APPROVED, program_admin)
        assert enrollment.decided_at is not None
    assert [Enrollment.objects.get(pk=e.pk).status for e in untouched] == [S.INVITED, S.APPROVED, S.WITHDRAWN]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in [*applied, waitlisted])
    assert {m.subject for m in mail.outbox} == {"You're in: Engineering Mentoring"}


def test_declining_needs_a_reason_which_the_applicant_reads(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    enrollment = EnrollmentFactory(program=program, status=S.APPLIED)
    with pytest.raises(ProgramError, match="Say why"):
        services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.DECLINED, decided_by=program_admin, reason="  "
        )
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollments_decide(
            enrollments=program.enrollments.all(),
            decision=S.DECLINED,
            decided_by=program_admin,
            reason=" The cohort is full. ",
        )
    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.decision_reason) == (S.DECLINED, "The cohort is full.")
    [message] = mail.outbox
    assert message.subject == "About your application to Engineering Mentoring"
    assert "Their reason: The cohort is full." in message.body


def test_waitlisting_then_approving_tells_the_person_each_time(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    enrollment = EnrollmentFactory(program=program, status=S.APPLIED)
    queryset = program.enrollments.filter(pk=enrollment.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollments_decide(enrollments=queryset, decision=S.WAITLISTED, decided_by=program_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollments_decide(enrollments=queryset, decision=S.APPROVED, decided_by=program_admin)
    assert [m.subject for m in mail.outbox] == [
        "You're on the waiting list for Engineering Mentoring",
        "You're in: Engineering Mentoring",
    ]


def test_a_decision_that_does_not_apply_is_skipped_without_an_email(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    approved = EnrollmentFactory(program=program, status=S.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        report = services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.WAITLISTED, decided_by=program_admin
        )
    assert (report.changed, report.skipped) == (0, 1)
    assert Enrollment.objects.get(pk=approved.pk).status == S.APPROVED
    assert mail.outbox == []


def test_an_unknown_decision_is_refused(program: Program, program_admin: Any) -> None:
    EnrollmentFactory(program=program, status=S.APPLIED)
    with pytest.raises(ProgramError, match="Unknown decision"):
        services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.WITHDRAWN, decided_by=program_admin
        )
    assert program.enrollments.get().status == S.APPLIED


def test_emails_leave_only_after_the_transaction_commits(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    EnrollmentFactory(program=program, status=S.APPLIED)
    with django_capture_on_commit_callbacks() as callbacks:
        services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.APPROVED, decided_by=program_admin
        )
        assert mail.outbox == []
    assert OutboundEmail.objects.filter(kind="enrollment_approved").count() == 1
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_a_rolled_back_decision_sends_nothing(
    program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    enrollment = EnrollmentFactory(program=program, status=S.APPLIED)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        services.enrollments_decide(
            enrollments=program.enrollments.all(), decision=S.APPROVED, decided_by=program_admin
        )
        raise RuntimeError("something later in the request failed")
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPLIED
    assert mail.outbox == []
    assert not OutboundEmail.objects.exists()
