"""Employee pages: browse, read, apply, withdraw, the home page, and taking up an invitation."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorship.accounts.tests.factories import PASSWORD
from programs import services
from programs.models import ApplicationQuestion, Enrollment, Invitation, Program
from programs.tests.factories import EnrollmentFactory, InvitationFactory, ProgramFactory, QuestionFactory

pytestmark = pytest.mark.django_db

S = Enrollment.Status
MENTEE_FORM = {"goal_categories": ["skills"], "growth_areas": "System design, Public speaking", "languages": ["en"]}


def messages_of(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def apply_url(program: Program, role: str = "mentee") -> str:
    return reverse("programs:apply", args=[program.slug, role])


def invitation_link(address: str) -> str:
    message = next(m for m in mail.outbox if m.to == [address] and "invited" in m.subject)
    return re.search(r"/programs/invitations/\S+/", message.body).group(0)


# -- browsing ----------------------------------------------------------------------------------------------


def test_browse_lists_what_is_open_to_me_and_where_i_take_part(
    client: Client, member: Any, program: Program, other_program: Program
) -> None:
    running = ProgramFactory(name="Running Program", status=Program.Status.RUNNING)
    ProgramFactory(name="Draft Program", status=Program.Status.DRAFT)
    ProgramFactory(name="Secret Program", access=Program.Access.INVITATION)
    ProgramFactory(name="Finished Program", status=Program.Status.CLOSED)
    mine_closed = ProgramFactory(name="My Old Program", status=Program.Status.CLOSED)
    EnrollmentFactory(program=mine_closed, user=member, status=S.APPROVED)
    EnrollmentFactory(program=program, user=member, role="mentor", status=S.WAITLISTED)
    client.force_login(member)
    page = client.get(reverse("programs:list")).content.decode()
    for name in [program.name, other_program.name, running.name, mine_closed.name]:
        assert name in page
    for name in ["Draft Program", "Secret Program", "Finished Program"]:
        assert name not in page
    assert "You, as Mentor:" in page
    assert "Waitlisted" in page


def test_browse_takes_the_same_number_of_queries_however_many_programs(
    client: Client, member: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(member)
    ProgramFactory()
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("programs:list"))
    for program in ProgramFactory.create_batch(15):
        EnrollmentFactory(program=program, user=member)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("programs:list"))
    assert response.content.decode().count("You, as Mentee:") == 15


def test_invitation_only_program_is_visible_to_the_invited_and_no_one_else(
    client: Client, member: Any, outsider: Any
) -> None:
    program = ProgramFactory(name="Secret Program", access=Program.Access.INVITATION)
    InvitationFactory(program=program, email="MEMBER@example.com")
    client.force_login(member)
    assert "Secret Program" in client.get(reverse("programs:list")).content.decode()
    assert client.get(program.get_absolute_url()).status_code == 200
    client.force_login(outsider)
    assert "Secret Program" not in client.get(reverse("programs:list")).content.decode()
    assert client.get(program.get_absolute_url()).status_code == 404
    assert client.get(apply_url(program)).status_code == 404
    assert client.post(apply_url(program), MENTEE_FORM).status_code == 404
    assert not Enrollment.objects.exists()


def test_drafts_are_hidden_from_everyone_but_their_administrators(
    client: Client, member: Any, program_admin: Any, other_program_admin: Any
) -> None:
    draft = ProgramFactory(status=Program.Status.DRAFT, administrators=[program_admin])
    EnrollmentFactory(program=draft, user=member, status=S.APPROVED)  # even someone already enrolled
    for person in (member, other_program_admin):
        client.force_login(person)
        assert client.get(draft.get_absolute_url()).status_code == 404
        assert client.get(apply_url(draft)).status_code == 404
    client.force_login(program_admin)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, program: Program) -> None:
    for url in [reverse("programs:list"), program.get_absolute_url(), apply_url(program)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_program_page_describes_the_program_and_offers_each_role(client: Client, member: Any, program: Program) -> None:
    client.force_login(member)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Mentoring for people who want to grow." in page
    assert "Apply as mentee" in page
    assert "Apply as mentor" in page
    assert "Apply as sponsor" not in page
    assert "Manage this program" not in page


def test_program_page_links_its_administrators_to_the_manage_pages(
    client: Client, program_admin: Any, program: Program
) -> None:
    client.force_login(program_admin)
    assert program.get_manage_url() in client.get(program.get_absolute_url()).content.decode()


def test_program_page_shows_my_status_and_the_reason_i_was_declined(
    client: Client, member: Any, program: Program
) -> None:
    EnrollmentFactory(program=program, user=member, status=S.DECLINED, decision_reason="The cohort is full.")
    client.force_login(member)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Declined" in page
    assert "The cohort is full." in page
    assert "Apply as mentee" not in page


def test_program_page_explains_why_nobody_can_apply_yet(client: Client, member: Any) -> None:
    opens = timezone.localdate() + datetime.timedelta(days=7)
    program = ProgramFactory(enrollment_opens_on=opens)
    client.force_login(member)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Apply as" not in page
    assert f"Enrollment opens on {opens:%d %B %Y}." in page


# -- applying ----------------------------------------------------------------------------------------------


def test_application_form_asks_the_questions_meant_for_the_role(client: Client, member: Any, program: Program) -> None:
    QuestionFactory(program=program, prompt="What brings you here?")
    QuestionFactory(program=program, prompt="How many years have you led teams?", roles=["mentor"])
    client.force_login(member)
    page = client.get(apply_url(program)).content.decode()
    assert "Join as mentee" in page
    assert "What brings you here?" in page
    assert "How many years have you led teams?" not in page
    assert "Areas you want to grow in" in page
    mentor_page = client.get(apply_url(program, "mentor")).content.decode()
    assert "How many years have you led teams?" in mentor_page
    assert "What you can offer" in mentor_page


def test_applying_sends_the_application_to_the_administrators(
    client: Client, member: Any, program: Program, django_capture_on_commit_callbacks: Any
) -> None:
    question = QuestionFactory(program=program, kind=ApplicationQuestion.Kind.SINGLE, choices=["Yes", "No"])
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(apply_url(program), {**MENTEE_FORM, f"q_{question.pk}": "Yes"})
    assert response.status_code == 302
    assert response.url == program.get_absolute_url()
    assert messages_of(response) == ["Application sent. The program administrators will review it."]
    enrollment = Enrollment.objects.get(program=program, user=member)
    assert (enrollment.role, enrollment.status) == ("mentee", S.APPLIED)
    assert enrollment.answers == {str(question.pk): "Yes"}
    assert [m.to for m in mail.outbox] == [["hr@example.com"]]


def test_applying_as_mentor_stores_what_they_offer(client: Client, member: Any, program: Program) -> None:
    client.force_login(member)
    client.post(apply_url(program, "mentor"), {"offers": "Python, Negotiation", "capacity": "2"})
    enrollment = Enrollment.objects.get(program=program, user=member)
    assert (enrollment.role, enrollment.capacity) == ("mentor", 2)
    assert sorted(s.name for s in enrollment.offers.all()) == ["Negotiation", "Python"]


def test_joining_an_open_program_approves_at_once(client: Client, member: Any) -> None:
    program = ProgramFactory(access=Program.Access.OPEN)
    client.force_login(member)
    response = client.post(apply_url(program), MENTEE_FORM)
    assert messages_of(response) == ["You are in! You joined as mentee."]
    assert Enrollment.objects.get(user=member).status == S.APPROVED


def test_an_incomplete_application_is_shown_again_with_errors(client: Client, member: Any, program: Program) -> None:
    QuestionFactory(program=program, prompt="Why now?", required=True)
    client.force_login(member)
    response = client.post(apply_url(program), {"growth_areas": "Python"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"goal_categories", f"q_{program.questions.get().pk}"}
    assert not Enrollment.objects.exists()


def test_applying_twice_explains_that_the_application_exists(client: Client, member: Any, program: Program) -> None:
    client.force_login(member)
    client.post(apply_url(program), MENTEE_FORM)
    for response in (client.get(apply_url(program)), client.post(apply_url(program), MENTEE_FORM)):
        assert response.status_code == 302
        assert messages_of(response)[-1] == "You have already applied as mentee; your application is applied."
    assert Enrollment.objects.filter(user=member).count() == 1


def test_applying_after_enrollment_closed_explains_when_it_closed(client: Client, member: Any) -> None:
    closed_on = timezone.localdate() - datetime.timedelta(days=1)
    program = ProgramFactory(enrollment_closes_on=closed_on)
    client.force_login(member)
    response = client.post(apply_url(program), MENTEE_FORM)
    assert response.status_code == 302
    assert messages_of(response) == [f"Enrollment closed on {closed_on:%d %B %Y}."]
    assert not Enrollment.objects.exists()


def test_applying_to_a_closed_program_explains_that_it_is_not_taking_anyone(
    client: Client, participant: Any, program: Program
) -> None:
    program.status = Program.Status.CLOSED
    program.save()
    client.force_login(participant)
    response = client.post(apply_url(program, "mentor"), {"offers": "Python", "capacity": "1"})
    assert response.status_code == 302
    assert messages_of(response) == ["This program is not taking applications right now."]
    assert not Enrollment.objects.filter(role="mentor").exists()


def test_a_refusal_from_the_service_itself_is_a_message_not_an_error(
    client: Client, member: Any, program: Program, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two tabs submitting at once: the view's check passed, the service's own check under a lock refuses.
    def refuse(**kwargs: Any) -> None:
        raise services.ProgramError("You have already applied in this role.")

    monkeypatch.setattr(services, "enrollment_apply", refuse)
    client.force_login(member)
    response = client.post(apply_url(program), MENTEE_FORM)
    assert response.status_code == 302
    assert messages_of(response) == ["You have already applied in this role."]


def test_a_role_the_program_does_not_have_is_not_found(client: Client, member: Any, program: Program) -> None:
    client.force_login(member)
    assert client.get(apply_url(program, "sponsor")).status_code == 404
    assert client.get(apply_url(program, "overlord")).status_code == 404


# -- withdrawing -------------------------------------------------------------------------------------------


def test_withdrawing_ends_my_enrollment(client: Client, member: Any, program: Program) -> None:
    enrollment = EnrollmentFactory(program=program, user=member, status=S.APPROVED)
    client.force_login(member)
    response = client.post(reverse("programs:withdraw", args=[program.slug, enrollment.pk]))
    assert response.status_code == 302
    assert messages_of(response) == ["You withdrew from Engineering Mentoring."]
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.WITHDRAWN
    again = client.post(reverse("programs:withdraw", args=[program.slug, enrollment.pk]))
    assert messages_of(again)[-1] == "This enrollment has already ended."


def test_withdrawing_needs_a_post(client: Client, member: Any, program: Program) -> None:
    enrollment = EnrollmentFactory(program=program, user=member, status=S.APPROVED)
    client.force_login(member)
    assert client.get(reverse("programs:withdraw", args=[program.slug, enrollment.pk])).status_code == 405
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPROVED


@pytest.mark.parametrize("persona", ["outsider", "program_admin", "other_program_admin"])
def test_nobody_can_withdraw_someone_else(
    persona: str, request: pytest.FixtureRequest, client: Client, participant: Any, program: Program
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("programs:withdraw", args=[program.slug, enrollment.pk])).status_code == 404
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPROVED


def test_withdraw_link_of_another_program_is_not_found(
    client: Client, participant: Any, program: Program, other_program: Program
) -> None:
    enrollment = Enrollment.objects.get(user=participant)
    client.force_login(participant)
    assert client.post(reverse("programs:withdraw", args=[other_program.slug, enrollment.pk])).status_code == 404
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPROVED


# -- home --------------------------------------------------------------------------------------------------


def test_home_lists_my_programs_with_role_and_status(client: Client, member: Any, program: Program) -> None:
    EnrollmentFactory(program=program, user=member, role="mentor", status=S.APPROVED)
    draft = ProgramFactory(name="Hidden Draft", status=Program.Status.DRAFT)
    EnrollmentFactory(program=draft, user=member)
    client.force_login(member)
    page = client.get(reverse("home")).content.decode()
    assert f'href="{program.get_absolute_url()}">Engineering Mentoring</a>' in page
    assert "· Mentor" in page
    assert "Approved" in page
    assert "Hidden Draft" not in page
    assert "You have not joined a program yet" not in page


# -- invitations -------------------------------------------------------------------------------------------


def invite(program: Program, by: Any, email: str, role: str = "mentee") -> None:
    from programs.invitations_csv import InviteRow

    services.invitations_send(program=program, rows=[InviteRow(line=1, email=email, name="", role=role)], invited_by=by)


def signup_from(link: str, email: str) -> dict[str, str]:
    """The signup form as posted from the invitation page's "Create my account" link (next carries the link)."""
    return {
        "email": email,
        "full_name": "Pat Newcomer",
        "password1": "lilac-harbour-77",
        "password2": "lilac-harbour-77",
        "next": link,
    }


def test_newcomer_signs_up_from_the_invitation_and_accepts_it(
    client: Client, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    program = ProgramFactory(name="Secret Program", access=Program.Access.INVITATION, administrators=[program_admin])
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, program_admin, "pat@example.com", "mentor")
    link = invitation_link("pat@example.com")
    landing = client.get(link)
    assert landing.status_code == 200
    page = landing.content.decode()
    assert "You're invited to Secret Program" in page
    assert "was sent to pat@example.com" in page
    assert f"/accounts/signup/?email=pat%40example.com&amp;next={link}" in page
    assert not client.session.keys()  # opening the link stores nothing
    signup = client.post(f"{reverse('account_signup')}?next={link}", signup_from(link, "Pat@Example.com"))
    assert signup.status_code == 302
    assert signup.url == link
    assert not Enrollment.objects.exists()  # nothing taken until the invited person accepts
    pat_account = Invitation.objects.get().email
    assert EmailAddress.objects.get(email=pat_account).verified  # the link mailed to the address proves it
    assert "Accept the invitation" in client.get(link).content.decode()
    accepted = client.post(link)
    assert accepted.url == apply_url(program, "mentor")
    enrollment = Enrollment.objects.get(program=program)
    assert (enrollment.user.email, enrollment.role, enrollment.status) == ("pat@example.com", "mentor", S.INVITED)
    assert Invitation.objects.get().accepted_at is not None
    response = client.post(accepted.url, {"offers": "Kotlin", "capacity": "1"})
    assert messages_of(response)[-1] == "You are in! You joined as mentor."
    assert Enrollment.objects.get(pk=enrollment.pk).status == S.APPROVED


def test_signing_up_from_the_link_with_another_address_proves_nothing(
    client: Client, program: Program, program_admin: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, program_admin, "pat@example.com")
    link = invitation_link("pat@example.com")
    signup = client.post(f"{reverse('account_signup')}?next={link}", signup_from(link, "eve@example.com"))
    assert signup.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email="eve@example.com").verified
    assert not Enrollment.objects.exists()


def test_with_mandatory_verification_the_invited_newcomer_needs_no_second_email(
    client: Client, settings: Any, program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, program_admin, "pat@example.com")
    link = invitation_link("pat@example.com")
    mail.outbox.clear()
    signup = client.post(f"{reverse('account_signup')}?next={link}", signup_from(link, "pat@example.com"))
    assert signup.url == link  # signed in: the address is proved by the link
    assert not mail.outbox
    assert client.post(link).url == apply_url(program)
    assert client.get(apply_url(program)).status_code == 200


def test_existing_user_signs_in_from_the_invitation_and_comes_back_to_accept(
    client: Client, program: Program, program_admin: Any, member: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, program_admin, member.email)
    assert "Open the program to accept the invitation" in mail.outbox[0].body
    link = invitation_link(member.email)
    assert f"/accounts/login/?next={link}" in client.get(link).content.decode()
    response = client.post(f"{reverse('account_login')}?next={link}", {"login": member.email, "password": PASSWORD})
    assert response.url == link
    assert client.post(link).url == apply_url(program)
    page = client.get(program.get_absolute_url()).content.decode()
    assert "Invited" in page
    assert "Accept the invitation" in page


def test_signed_in_person_accepts_an_invitation_with_a_post_not_by_opening_the_link(
    client: Client, program: Program, member: Any
) -> None:
    InvitationFactory(program=program, email=member.email.upper(), token="private-token-for-mina-0001")
    url = reverse("programs:invitation", args=["private-token-for-mina-0001"])
    client.force_login(member)
    page = client.get(url)
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert not Enrollment.objects.exists()  # a GET changes nothing
    response = client.post(url)
    assert response.url == apply_url(program)
    assert Enrollment.objects.get(user=member).status == S.INVITED
    assert "You have accepted this invitation." in client.get(url).content.decode()


def test_the_next_person_to_sign_in_on_the_same_browser_cannot_take_the_invitation(
    client: Client, program: Program, program_admin: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invite(program, program_admin, "pat@example.com")
    link = invitation_link("pat@example.com")
    client.get(link)  # Pat opens the link on a shared computer and walks away
    signed_in = client.post(reverse("account_login"), {"login": outsider.email, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert not Enrollment.objects.exists()
    page = client.get(link)
    assert page.status_code == 200
    text = page.content.decode()
    assert "This invitation is for pat@example.com, and you are signed in as outsider@example.com" in text
    assert "Accept the invitation" not in text
    refused = client.post(link)
    assert refused.status_code == 403
    assert not Enrollment.objects.exists()
    assert Invitation.objects.get().accepted_at is None


def test_an_unknown_invitation_link_is_not_found(client: Client, member: Any) -> None:
    url = reverse("programs:invitation", args=["no-such-token"])
    assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_someone_not_signed_in_who_posts_is_sent_to_sign_in(client: Client, program: Program) -> None:
    InvitationFactory(program=program, email="pat@example.com", token="posted-token-0000000001")
    url = reverse("programs:invitation", args=["posted-token-0000000001"])
    response = client.post(url)
    assert response.url == f"{reverse('account_login')}?next={url}"
    assert not Enrollment.objects.exists()


def test_an_invitation_taken_by_its_owner_tells_others_whose_it_is(
    client: Client, program: Program, member: Any, outsider: Any
) -> None:
    invitation = InvitationFactory(
        program=program, email=member.email, full_name="Mina M.", token="taken-token-0000000001"
    )
    services.invitation_accept(invitation=invitation, user=member)
    client.force_login(outsider)
    url = reverse("programs:invitation", args=["taken-token-0000000001"])
    page = client.get(url).content.decode()
    assert "This invitation is for Mina M. (member@example.com) and another account has already accepted it." in page
    assert client.post(url).status_code == 403
    assert not Enrollment.objects.filter(user=outsider).exists()


def test_confirming_the_address_claims_invitations_made_before_signup(
    client: Client, program: Program, program_admin: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invite(program, program_admin, "pat@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "pat@example.com",
                "full_name": "Pat",
                "password1": "lilac-harbour-77",
                "password2": "lilac-harbour-77",
            },
        )
    # Signing up without the link does not yet prove the address is theirs.
    assert not Enrollment.objects.exists()
    link = re.search(r"/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    response = client.post(link)
    assert response.status_code == 302
    assert messages_of(response)[-1].startswith("You have confirmed")
    enrollment = Enrollment.objects.get(program=program)
    assert (enrollment.user.email, enrollment.status) == ("pat@example.com", S.INVITED)
