from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from mentorship.accounts.models import Skill
from mentorship.accounts.tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_home_sends_visitors_to_login(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("account_login")


def test_home_shows_honest_empty_states(client: Client, member) -> None:
    client.force_login(member)
    page = client.get("/").content.decode()
    for title in ["My programs", "My relationships", "Upcoming meetings", "Open action items"]:
        assert title in page
    assert "You have not joined a program yet" in page


def test_signup_sends_a_confirmation_and_asks_for_the_profile(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "Newcomer@Example.com",
                "full_name": "Nia Newcomer",
                "password1": "a-long-secret-phrase",
                "password2": "a-long-secret-phrase",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="newcomer@example.com")
    assert user.full_name == "Nia Newcomer"
    assert hasattr(user, "profile")
    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    confirm_path = link.split("testserver", 1)[-1]
    assert client.post(confirm_path).status_code == 302
    assert user.emailaddress_set.get().verified
    # The first page after signing in asks for the profile.
    client.logout()
    response = client.post(
        reverse("account_login"), {"login": "newcomer@example.com", "password": "a-long-secret-phrase"}
    )
    assert response.url == reverse("profile_edit") + "?welcome=1"


def test_login_with_complete_profile_goes_home(client: Client, member) -> None:
    response = client.post(reverse("account_login"), {"login": "MEMBER@example.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == "/"


def test_password_reset_does_not_reveal_who_has_an_account(
    client: Client, member, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": member.email})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The unknown address gets a note that no account exists, the known one a reset link: same page either way.
    assert len(mail.outbox) == 2


def test_signup_with_taken_email_does_not_reveal_the_account(
    client: Client, member, settings, django_capture_on_commit_callbacks
) -> None:
    # As in production, where confirming the address is mandatory: the owner gets an email instead.
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": member.email,
                "full_name": "Copy",
                "password1": "another-long-pass",
                "password2": "another-long-pass",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email=member.email).count() == 1
    assert mail.outbox[-1].to == [member.email]


def test_failed_logins_are_rate_limited(client: Client, member) -> None:
    pages = [
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    blocked = client.post(reverse("account_login"), {"login": member.email, "password": PASSWORD})
    assert blocked.status_code == 200


def test_profile_pages_need_login(client: Client) -> None:
    for name in ["profile_detail", "profile_edit", "skill_suggestions"]:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def profile_post(**overrides: str) -> dict[str, object]:
    data: dict[str, object] = {
        "full_name": "Mina Member",
        "job_title": "Backend Engineer",
        "department": "Payments",
        "seniority": "3",
        "location": "Lisbon",
        "time_zone": "Europe/Lisbon",
        "languages": ["en", "pt"],
        "skills_offered_text": "Python, python , SQL",
        "growth_areas_text": "Public speaking",
        "interests": "Climbing",
        "bio": "Hello",
        "open_to_outside_mentors": "on",
        "manager_email": "",
    }
    data.update(overrides)
    return data


def test_profile_edit_saves_everything(client: Client, member, make_user) -> None:
    boss = make_user(email="boss@example.com")
    client.force_login(member)
    response = client.post(reverse("profile_edit"), profile_post(manager_email="BOSS@example.com"))
    assert response.status_code == 302
    profile = member.profile
    profile.refresh_from_db()
    assert profile.department == "Payments"
    assert profile.manager == boss
    assert profile.time_zone == "Europe/Lisbon"
    assert sorted(s.name for s in profile.skills_offered.all()) == ["Python", "SQL"]
    assert Skill.objects.filter(key="python").count() == 1
    page = client.get(reverse("profile_detail")).content.decode()
    assert "Payments" in page and "Public speaking" in page and "Portuguese" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"manager_email": "ghost@example.com"}, "Nobody with that email"),
        ({"manager_email": "member@example.com"}, "cannot be your own manager"),
        ({"languages": ["xx"]}, "Select a valid choice"),
        ({"seniority": "99"}, "Select a valid choice"),
        ({"department": ""}, "This field is required"),
    ],
)
def test_profile_edit_rejects_bad_input_in_place(client: Client, member, overrides, message) -> None:
    client.force_login(member)
    before = member.profile.department
    response = client.post(reverse("profile_edit"), profile_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    member.profile.refresh_from_db()
    assert member.profile.department == before


def test_times_are_shown_in_the_profile_zone(client: Client, member) -> None:
    from django.utils import timezone

    member.profile.time_zone = "Asia/Tokyo"
    member.profile.save()
    client.force_login(member)
    response = client.get("/")
    assert str(timezone.get_current_timezone()) in {"Asia/Tokyo", "UTC"}
    assert response.status_code == 200


def test_skill_suggestions_search(client: Client, member) -> None:
    Skill.objects.create(name="Python", vetted=True)
    Skill.objects.create(name="Pytest", vetted=True)
    Skill.objects.create(name="Negotiation", vetted=True)
    client.force_login(member)
    data = client.get(reverse("skill_suggestions"), {"q": "pyt"}).json()
    assert sorted(data["skills"]) == ["Pytest", "Python"]


def test_mfa_is_available_to_every_user(client: Client, member) -> None:
    client.force_login(member)
    response = client.get(reverse("mfa_activate_totp"))
    # allauth asks for the password again before showing the secret.
    assert response.status_code in {200, 302}
    assert client.get(reverse("mfa_index")).status_code == 200


def test_changing_the_email_or_two_factor_asks_for_the_password_again(client: Client, member) -> None:
    """A session left open is not enough to take over the account: both changes want the password first."""
    client.force_login(member)
    reauthenticate = reverse("account_reauthenticate")
    totp = client.get(reverse("mfa_activate_totp"))
    assert totp.status_code == 302 and totp["Location"].startswith(reauthenticate)
    email = client.post(reverse("account_email"), {"action_add": "", "email": "taken.over@example.com"})
    assert email.status_code == 302 and email["Location"].startswith(reauthenticate)
    assert not EmailAddress.objects.filter(email="taken.over@example.com").exists()
    assert client.post(reauthenticate, {"password": PASSWORD}).status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


def test_single_sign_on_button_appears_only_when_configured(client: Client, settings) -> None:
    assert "Company single sign-on" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Company single sign-on",
                    "client_id": "mentorship",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://id.example.com"},
                }
            ]
        }
    }
    page = client.get(reverse("account_login")).content.decode()
    assert "Company single sign-on" in page
    assert "/accounts/oidc/sso/login/" in page
