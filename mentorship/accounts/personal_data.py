"""The account's part of a person's data: what they can download, and how it is erased."""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.sessions.models import Session

from mentorship.accounts.models import DeletionRequest, Profile, User, WorkingHours
from mentorship.common.plain import plain_rows

# What an erased person is called wherever their name used to appear.
ERASED_NAME = "Former participant"


def erased_email(user: User) -> str:
    # A reserved domain (RFC 2606), so no mail can ever reach anyone through it.
    return f"erased-{user.pk}@erased.invalid"


def export_for(user: User) -> dict[str, Any]:
    profile = Profile.objects.filter(user=user).first()
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "email_addresses": plain_rows(EmailAddress.objects.filter(user=user), "email", "verified", "primary"),
            "two_factor": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
            "single_sign_on": plain_rows(SocialAccount.objects.filter(user=user), "provider", "date_joined"),
        },
        "profile": None
        if profile is None
        else {
            "job_title": profile.job_title,
            "department": profile.department,
            "seniority": profile.seniority,
            "manager": profile.manager.email if profile.manager else None,
            "location": profile.location,
            "time_zone": profile.time_zone,
            "bio": profile.bio,
            "skills_offered": sorted(profile.skills_offered.values_list("name", flat=True)),
            "growth_areas": sorted(profile.growth_areas.values_list("name", flat=True)),
            "interests": profile.interests,
            "languages": profile.languages,
            "open_to_outside_mentors": profile.open_to_outside_mentors,
            "is_external": profile.is_external,
        },
        "availability": plain_rows(
            WorkingHours.objects.filter(user=user).order_by("weekday", "start_minute"),
            "weekday",
            "start_minute",
            "end_minute",
        ),
        "deletion_requests": plain_rows(DeletionRequest.objects.filter(user=user), "status", "requested_at"),
    }


def erase(user: User) -> None:
    """Last of all the apps: the account itself keeps its row (statistics stay whole) but nothing of the person."""
    Profile.objects.filter(user=user).update(
        job_title="", department="", seniority=None, manager=None, location="", bio="", interests="", languages=[]
    )
    for profile in Profile.objects.filter(user=user):
        profile.skills_offered.clear()
        profile.growth_areas.clear()
    Profile.objects.filter(manager=user).update(manager=None)
    WorkingHours.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    # Sign the person out everywhere: sessions name their user id only inside the encoded data.
    for session in Session.objects.iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
    user.email = erased_email(user)
    user.full_name = ERASED_NAME
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
