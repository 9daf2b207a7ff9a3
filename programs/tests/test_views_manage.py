"""HR pages: create and edit programs, move them through their lifecycle, invite, review and browse rosters."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import Profile
from programs.models import ApplicationQuestion, Enrollment, Invitation, Program
from programs.tests.factories import EnrollmentFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db

S = Enrollment.Status


def messages_of(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def url(name: str, program: Program) -> str:
    return reverse(f"programs:{name}", args=[program.slug])


def program_form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Women in Tech",
        "kind": "mentoring",
        "description": "Mentoring for women engineers.",
        "access": "approval",
        "default_relationship_months": "6",
        "goal_categories": ["skills", "career"],
        "custom_goal_categories_text": "Returning from leave, Moving into management",
        "default_cadence": "monthly",
        "default_meeting_minutes": "45",
        "matching_mode": "engine",
        "default_mentor_capacity": "2",
        "mentor_response_days": "3",
        "sponsor_min_level_gap": "2",
    }
    return {**data, **overrides}


@pytest.fixture
def admin_client(client: Client, program_admin: Any) -> Client:
    client.force_login(program_admin)
    return client


# -- programs ----------------------------------------------------------------------------------------------


def test_manage_list_shows_only_the_programs_i_run_with_their_numbers(
    admin_client: Client, program: Program, other_program: Program
) -> None:
    EnrollmentFactory.create_batch(2, program=program, status=S.APPLIED)
    EnrollmentFactory(program=program, status=S.APPROVED)
    EnrollmentFactory(program=program, role="mentor", status=S.APPROVED)
    response = admin_client.get(reverse("programs:manage_list"))
    page = response.content.decode()
    assert "Engineering Mentoring" in page
    assert "Sales Sponsorship" not in page
    [listed] = response.context["programs"]
    assert (listed.mentees, listed.helpers, listed.waiting) == (1, 1, 2)
    assert f'{url("roster", program)}?status=applied">2</a>' in page


def test_creating_a_program_makes_a_draft_i_run_with_the_colleagues_i_chose(
    admin_client: Client, program_admin: Any, other_program_admin: Any
) -> None:
    response = admin_client.post(reverse("programs:create"), program_form(administrators=[other_program_admin.pk]))
    program = Program.objects.get()
    assert response.status_code == 302
    assert response.url == program.get_manage_url()
    assert (program.name, program.slug, program.status) == ("Women in Tech", "women-in-tech", "draft")
    assert program.goal_categories == ["skills", "career"]
    assert program.custom_goal_categories == ["Returning from leave", "Moving into management"]
    assert program.created_by == program_admin
    assert set(program.administrators.all()) == {program_admin, other_program_admin}


def test_a_program_form_with_dates_out_of_order_is_shown_again_and_saves_nothing(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("programs:create"),
        program_form(
            enrollment_opens_on="2030-03-10",
            enrollment_closes_on="2030-03-01",
            starts_on="2030-04-01",
            ends_on="2030-04-01",
        ),
    )
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"enrollment_closes_on", "ends_on"}
    assert not Program.objects.exists()


def test_out_of_range_numbers_are_explained_on_their_fields(admin_client: Client, program: Program) -> None:
    for target in (reverse("programs:create"), url("edit", program)):
        response = admin_client.post(target, program_form(default_meeting_minutes="5", default_relationship_months="0"))
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert errors == {
            "default_meeting_minutes": ["Ensure this value is greater than or equal to 15."],
            "default_relationship_months": ["Ensure this value is greater than or equal to 1."],
        }
    assert Program.objects.get() == program
    program.refresh_from_db()
    assert program.default_meeting_minutes == 60


def test_editing_a_program_saves_it_and_never_leaves_it_without_an_administrator(
    admin_client: Client, program: Program, program_admin: Any
) -> None:
    response = admin_client.post(url("edit", program), program_form(name="Engineering Mentoring 2030"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Engineering Mentoring 2030"
    assert program.slug == "engineering-mentoring"  # links sent out earlier keep working
    assert list(program.administrators.all()) == [program_admin]


def test_handing_a_program_to_a_colleague_removes_my_access(
    admin_client: Client, program: Program, other_program_admin: Any
) -> None:
    admin_client.post(url("edit", program), program_form(administrators=[other_program_admin.pk]))
    assert list(program.administrators.all()) == [other_program_admin]
    assert admin_client.get(program.get_manage_url()).status_code == 404


def test_dashboard_counts_enrollments_and_points_to_waiting_applications(
    admin_client: Client, program: Program
) -> None:
    EnrollmentFactory.create_batch(3, program=program, status=S.APPLIED)
    EnrollmentFactory(program=program, role="mentor", status=S.APPROVED)
    response = admin_client.get(program.get_manage_url())
    page = response.content.decode()
    assert "3 applications are waiting for your review." in page
    mentee_row, mentor_row = response.context["rows"]
    statuses = [s for s, _label in response.context["statuses"]]
    assert mentee_row["cells"][statuses.index("applied")] == 3
    assert mentor_row["cells"][statuses.index("approved")] == 1
    assert [s for s, _label in response.context["transitions"]] == ["draft", "running", "closed"]


@pytest.mark.parametrize(
    ("start", "target", "message"),
    [
        ("draft", "open", "The program is now enrollment open."),
        ("open", "running", "The program is now running."),
        ("running", "closed", "The program is now closed."),
        ("closed", "running", "The program is now running."),
    ],
)
def test_moving_a_program_along_its_lifecycle(
    start: str, target: str, message: str, admin_client: Client, program: Program
) -> None:
    Program.objects.filter(pk=program.pk).update(status=start)
    response = admin_client.post(url("status", program), {"status": target})
    assert response.url == program.get_manage_url()
    assert messages_of(response) == [message]
    assert Program.objects.get(pk=program.pk).status == target


def test_a_move_the_lifecycle_does_not_allow_is_explained_and_changes_nothing(
    admin_client: Client, program: Program
) -> None:
    Program.objects.filter(pk=program.pk).update(status="closed")
    response = admin_client.post(url("status", program), {"status": "draft"})
    assert messages_of(response) == ["A program that is closed cannot become draft."]
    unknown = admin_client.post(url("status", program), {"status": "archived"})
    assert messages_of(unknown)[-1] == "Unknown status."
    assert Program.objects.get(pk=program.pk).status == "closed"


def test_status_changes_only_by_post(admin_client: Client, program: Program) -> None:
    assert admin_client.get(url("status", program), {"status": "closed"}).status_code == 405
    assert Program.objects.get(pk=program.pk).status == "open"


# -- questions ---------------------------------------------------------------------------------------------


def questions_form(forms: list[dict[str, Any]], initial: int = 0) -> dict[str, Any]:
    data: dict[str, Any] = {
        "questions-TOTAL_FORMS": str(len(forms)),
        "questions-INITIAL_FORMS": str(initial),
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "30",
    }
    for index, form in enumerate(forms):
        for key, value in form.items():
            data[f"questions-{index}-{key}"] = value
    return data


def test_adding_editing_and_deleting_application_questions(admin_client: Client, program: Program) -> None:
    keep = QuestionFactory(program=program, prompt="Why now?")
    drop = QuestionFactory(program=program, prompt="Old question")
    data = questions_form(
        [
            {"id": keep.pk, "prompt": "Why this year?", "kind": "short"},
            {"id": drop.pk, "prompt": "Old question", "kind": "short", "DELETE": "on"},
            {
                "prompt": "Which track?",
                "kind": "single",
                "choices_text": "Backend\nFrontend\nBackend",
                "required": "on",
            },
            {"prompt": "", "kind": "short"},  # the empty block at the end adds nothing
        ],
        initial=2,
    )
    response = admin_client.post(url("questions", program), data)
    assert response.status_code == 302
    questions = list(program.questions.all())
    assert [(q.prompt, q.kind, q.choices, q.required) for q in questions] == [
        ("Why this year?", "short", [], False),
        ("Which track?", "single", ["Backend", "Frontend"], True),
    ]
    assert questions[0].pk == keep.pk
    assert not ApplicationQuestion.objects.filter(pk=drop.pk).exists()


def test_a_choice_question_without_choices_is_refused(admin_client: Client, program: Program) -> None:
    data = questions_form([{"prompt": "Which track?", "kind": "multiple", "choices_text": "Only one"}])
    response = admin_client.post(url("questions", program), data)
    assert response.status_code == 200
    assert "A choice question needs at least two choices." in response.content.decode()
    assert not program.questions.exists()


def test_another_programs_question_cannot_be_edited_through_my_form(
    admin_client: Client, program: Program, other_program: Program
) -> None:
    foreign = QuestionFactory(program=other_program, prompt="Theirs")
    data = questions_form([{"id": foreign.pk, "prompt": "Hijacked", "kind": "short"}], initial=1)
    admin_client.post(url("questions", program), data)
    foreign.refresh_from_db()
    assert (foreign.prompt, foreign.program) == ("Theirs", other_program)
    assert foreign.pk not in program.questions.values_list("pk", flat=True)


# -- invitations -------------------------------------------------------------------------------------------


def test_pasting_addresses_invites_members_and_newcomers_and_lists_bad_lines(
    admin_client: Client, program: Program, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    addresses = "Pat Newcomer <pat@example.com>\nMEMBER@example.com\nnot an address"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url("invite", program), {"paste": "1", "addresses": addresses, "role": "mentee"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 person with an account was invited." in page
    assert "1 invitation to sign up was sent." in page
    assert "<td>3</td><td>&#x27;not an address&#x27; is not a valid email address.</td>" in page
    assert messages_of(response) == ["2 invitations sent."]
    assert Enrollment.objects.get(program=program).user == member
    assert sorted(m.to[0] for m in mail.outbox) == ["member@example.com", "pat@example.com"]


CSV = (
    b"name,email,role\n"
    b"Ann Lee,ann@example.com,mentee\n"
    b"Bo Chen,bo@example,mentor\n"
    b"Cy Diaz,cy@example.com,coach\n"
    b"Di Epp,di@example.com,mentor\n"
    b"Ann Again,ANN@example.com,mentee\n"
)


def upload(client: Client, program: Program, data: bytes, name: str = "people.csv") -> HttpResponse:
    return client.post(url("invite", program), {"upload": "1", "file": SimpleUploadedFile(name, data, "text/csv")})


def test_uploading_a_csv_imports_the_good_rows_and_reports_each_bad_one(
    admin_client: Client, program: Program, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, program, CSV)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert (summary["invited_emails"], summary["invited_users"]) == (2, 0)
    assert summary["errors"] == [
        (3, "'bo@example' is not a valid email address."),
        (4, "Unknown role 'coach': use mentee, mentor or sponsor."),
        (6, "Duplicate of line 2."),
    ]
    page = response.content.decode()
    assert "3 lines could not be used" in page
    assert "<td>4</td><td>Unknown role &#x27;coach&#x27;: use mentee, mentor or sponsor.</td>" in page
    assert sorted(Invitation.objects.values_list("email", "role")) == [
        ("ann@example.com", "mentee"),
        ("di@example.com", "mentor"),
    ]
    assert len(mail.outbox) == 2


def test_uploading_the_same_csv_again_creates_no_duplicates(
    admin_client: Client, program: Program, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, program, CSV)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, program, CSV)
    assert "2 were already invited and were skipped." in response.content.decode()
    assert Invitation.objects.count() == 2
    assert len(mail.outbox) == 2


def test_uploading_a_file_that_is_not_utf8_says_how_to_fix_it(admin_client: Client, program: Program) -> None:
    response = upload(admin_client, program, "name,email,role\nJosé,jose@example.com,mentee\n".encode("cp1252"))
    assert "The file is not UTF-8 text. Save it as CSV UTF-8 and try again." in response.content.decode()
    assert not Invitation.objects.exists()


def test_uploading_a_csv_without_header_says_what_the_first_line_must_be(
    admin_client: Client, program: Program
) -> None:
    response = upload(admin_client, program, b"ann@example.com,mentee\n")
    assert "The first line must name the columns: name, email, role." in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_csv_over_one_megabyte_is_refused(admin_client: Client, program: Program) -> None:
    response = upload(admin_client, program, b"name,email,role\n" + b"x" * 1_000_001)
    assert response.context["csv_form"].errors == {
        "file": ["The file is larger than 1 MB. Split it and upload the parts."]
    }
    assert not Invitation.objects.exists()


def test_external_participants_are_marked_from_the_csv(admin_client: Client, program_admin: Any, member: Any) -> None:
    program = ProgramFactory(allow_external=True, administrators=[program_admin])
    data = b"name,email,role,external\nMina,member@example.com,mentor,yes\nEve,eve@partner.example,mentor,yes\n"
    upload(admin_client, program, data)
    assert set(Invitation.objects.values_list("email", "is_external")) == {
        ("member@example.com", True),
        ("eve@partner.example", True),
    }
    assert Profile.objects.get(user=member).is_external


def test_the_external_checkbox_appears_only_where_externals_are_admitted(
    admin_client: Client, program: Program, program_admin: Any
) -> None:
    welcoming = ProgramFactory(allow_external=True, administrators=[program_admin])
    assert "is_external" not in admin_client.get(url("invite", program)).context["paste_form"].fields
    assert "is_external" in admin_client.get(url("invite", welcoming)).context["paste_form"].fields


def test_inviting_to_a_draft_explains_what_to_do_first(admin_client: Client, program_admin: Any) -> None:
    draft = ProgramFactory(status="draft", administrators=[program_admin])
    response = upload(admin_client, draft, CSV)
    assert messages_of(response) == ["Open enrollment or start the program before inviting people."]
    assert response.context["summary"] is None
    assert not Invitation.objects.exists()


# -- roster and decisions ----------------------------------------------------------------------------------


@pytest.fixture
def roster_people(program: Program, make_user: Any) -> dict[str, Enrollment]:
    def person(key: str, name: str, department: str, title: str, role: str, status: str) -> Enrollment:
        user = make_user(email=f"{key}@example.com", full_name=name)
        Profile.objects.filter(user=user).update(department=department, job_title=title)
        return EnrollmentFactory(program=program, user=user, role=role, status=status)

    return {
        "ada": person("ada", "Ada Applicant", "Engineering", "Backend engineer", "mentee", S.APPLIED),
        "ben": person("ben", "Ben Backer", "Sales", "Account manager", "mentor", S.APPROVED),
        "cat": person("cat", "Cat Candidate", "Sales", "Sales lead", "mentee", S.APPLIED),
        "dan": person("dan", "Dan Waiting", "Finance", "Analyst", "mentee", S.WAITLISTED),
    }


def roster_names(client: Client, program: Program, **params: str) -> list[str]:
    response = client.get(url("roster", program), params)
    assert response.status_code == 200
    return [e.user.full_name for e in response.context["page"]]


def test_roster_lists_everyone_enrolled_by_name(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment]
) -> None:
    assert roster_names(admin_client, program) == ["Ada Applicant", "Ben Backer", "Cat Candidate", "Dan Waiting"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "cat"}, ["Cat Candidate"]),
        ({"q": "BEN@EXAMPLE"}, ["Ben Backer"]),
        ({"q": "engineer"}, ["Ada Applicant"]),
        ({"role": "mentor"}, ["Ben Backer"]),
        ({"status": "applied"}, ["Ada Applicant", "Cat Candidate"]),
        ({"department": "Sales"}, ["Ben Backer", "Cat Candidate"]),
        ({"department": "Sales", "role": "mentee", "status": "applied"}, ["Cat Candidate"]),
        ({"q": "nobody-like-this"}, []),
    ],
)
def test_roster_search_and_filters(
    params: dict[str, str],
    expected: list[str],
    admin_client: Client,
    program: Program,
    roster_people: dict[str, Enrollment],
) -> None:
    assert roster_names(admin_client, program, **params) == expected


def test_roster_offers_the_departments_found_in_the_program(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment]
) -> None:
    response = admin_client.get(url("roster", program))
    choices = [value for value, _label in response.context["filter_form"].fields["department"].choices]
    assert choices == ["", "Engineering", "Finance", "Sales"]


def test_roster_pages_by_fifty_and_keeps_filters_in_page_links(
    admin_client: Client, program: Program, make_user: Any
) -> None:
    EnrollmentFactory.create_batch(55, program=program, status=S.APPLIED)
    EnrollmentFactory.create_batch(3, program=program, status=S.APPROVED)
    first = admin_client.get(url("roster", program), {"status": "applied"})
    assert len(first.context["page"]) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?status=applied&amp;page=2"' in first.content.decode()
    second = admin_client.get(url("roster", program), {"status": "applied", "page": "2"})
    assert len(second.context["page"]) == 5
    assert admin_client.get(url("roster", program), {"page": "999"}).context["page"].number == 2


def decide(client: Client, program: Program, *enrollments: Enrollment, **data: Any) -> HttpResponse:
    return client.post(url("decide", program), {"selected": [e.pk for e in enrollments], **data})


def test_approving_several_applications_at_once_tells_each_person(
    admin_client: Client,
    program: Program,
    program_admin: Any,
    roster_people: dict[str, Enrollment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    ada, cat = roster_people["ada"], roster_people["cat"]
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(admin_client, program, ada, cat, decision="approved")
    assert response.url == url("roster", program)
    assert messages_of(response) == ["2 marked approved."]
    for enrollment in (ada, cat):
        enrollment.refresh_from_db()
        assert (enrollment.status, enrollment.decided_by) == (S.APPROVED, program_admin)
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.com", "cat@example.com"]


def test_declining_without_a_reason_is_refused_and_changes_nothing(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment]
) -> None:
    response = decide(admin_client, program, roster_people["ada"], decision="declined", reason="")
    assert messages_of(response) == ["Say why the applications are declined; the applicants will read it."]
    assert Enrollment.objects.get(pk=roster_people["ada"].pk).status == S.APPLIED


def test_declining_with_a_reason_records_it_for_the_applicant(
    admin_client: Client,
    program: Program,
    roster_people: dict[str, Enrollment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decide(admin_client, program, roster_people["ada"], decision="declined", reason="The cohort is full.")
    ada = Enrollment.objects.get(pk=roster_people["ada"].pk)
    assert (ada.status, ada.decision_reason) == (S.DECLINED, "The cohort is full.")
    [message] = mail.outbox
    assert "The cohort is full." in message.body


def test_waitlisting_reports_those_it_does_not_apply_to(
    admin_client: Client,
    program: Program,
    roster_people: dict[str, Enrollment],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(admin_client, program, roster_people["ada"], roster_people["ben"], decision="waitlisted")
    assert messages_of(response) == [
        "1 marked waitlisted.",
        "1 left as they were: the decision does not apply to their current status.",
    ]
    assert Enrollment.objects.get(pk=roster_people["ada"].pk).status == S.WAITLISTED
    assert Enrollment.objects.get(pk=roster_people["ben"].pk).status == S.APPROVED
    assert [m.subject for m in mail.outbox] == ["You're on the waiting list for Engineering Mentoring"]


def test_deciding_with_nobody_ticked_asks_to_tick_someone(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment]
) -> None:
    response = admin_client.post(url("decide", program), {"decision": "approved"})
    assert messages_of(response) == ["Tick at least one person first."]
    assert not Enrollment.objects.filter(decided_by__isnull=False).exists()


def test_enrollments_of_another_program_cannot_be_decided_from_mine(
    admin_client: Client, program: Program, other_program: Program, roster_people: dict[str, Enrollment]
) -> None:
    foreign = EnrollmentFactory(program=other_program, status=S.APPLIED)
    response = decide(admin_client, program, roster_people["ada"], foreign, decision="approved")
    assert messages_of(response) == ["Someone you ticked is not in this program."]
    assert Enrollment.objects.get(pk=foreign.pk).status == S.APPLIED
    assert Enrollment.objects.get(pk=roster_people["ada"].pk).status == S.APPLIED


def test_after_deciding_the_roster_comes_back_as_filtered_but_never_elsewhere(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment]
) -> None:
    back = url("roster", program) + "?status=applied&page=1"
    response = decide(admin_client, program, roster_people["ada"], decision="approved", return_to=back)
    assert response.url == back
    for elsewhere in ["https://evil.example/", "//evil.example/", "/programs/other/manage/roster/"]:
        response = decide(admin_client, program, roster_people["cat"], decision="waitlisted", return_to=elsewhere)
        assert response.url == url("roster", program)


def test_invited_people_are_on_the_roster_and_can_later_accept(
    admin_client: Client, program: Program, member: Any
) -> None:
    admin_client.post(url("invite", program), {"paste": "1", "addresses": member.email, "role": "mentor"})
    response = admin_client.get(url("roster", program), {"status": "invited"})
    assert [e.user for e in response.context["page"]] == [member]


def test_enrollment_window_dates_show_on_the_program_page(admin_client: Client, program: Program) -> None:
    Program.objects.filter(pk=program.pk).update(
        enrollment_opens_on=datetime.date(2030, 3, 1), enrollment_closes_on=datetime.date(2030, 3, 31)
    )
    page = admin_client.get(program.get_absolute_url()).content.decode()
    assert "1 Mar 2030 \u2013 31 Mar 2030" in page  # an en dash between the dates


@pytest.mark.parametrize("bad", ["²", "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩٠", "abc", "-1", "1e9", "9" * 40])
def test_ids_that_are_no_enrollment_are_refused_on_the_page(
    admin_client: Client, program: Program, roster_people: dict[str, Enrollment], bad: str
) -> None:
    response = admin_client.post(url("decide", program), {"selected": [bad], "decision": "approved"})
    assert response.status_code == 302
    assert messages_of(response) == ["Someone you ticked is not in this program."]
    assert not Enrollment.objects.filter(decided_by__isnull=False).exists()
