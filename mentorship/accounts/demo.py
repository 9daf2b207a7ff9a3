"""Demo people for `seed_demo`: a small organisation with HR, mentors, sponsors and mentees."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from mentorship.accounts.hours import DayHours
from mentorship.accounts.models import Profile, Seniority, User
from mentorship.accounts.roles import grant_program_admin
from mentorship.accounts.services import skills_from_names, working_hours_save

DEMO_PASSWORD = "mentorship-demo"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: str
    title: str
    department: str
    seniority: int
    time_zone: str
    location: str
    offers: tuple[str, ...] = ()
    grows: tuple[str, ...] = ()
    languages: tuple[str, ...] = ("en",)
    manager: str = ""
    external: bool = False


PEOPLE = [
    DemoPerson(
        "hr@example.com",
        "Hana Reyes",
        "HR admin",
        "People Programs Lead",
        "People",
        Seniority.LEAD,
        "Europe/Berlin",
        "Berlin",
        offers=("Coaching", "Career planning"),
    ),
    DemoPerson(
        "vp.engineering@example.com",
        "Victor Osei",
        "Sponsor",
        "VP Engineering",
        "Engineering",
        Seniority.EXECUTIVE,
        "America/New_York",
        "New York",
        offers=("Leadership", "Strategy"),
        languages=("en", "fr"),
    ),
    DemoPerson(
        "director.product@example.com",
        "Dana Kowalski",
        "Sponsor",
        "Director of Product",
        "Product",
        Seniority.DIRECTOR,
        "Europe/Warsaw",
        "Warsaw",
        offers=("Product strategy", "Negotiation"),
        languages=("en", "pl"),
    ),
    DemoPerson(
        "maria.lopez@example.com",
        "María López",
        "Mentor",
        "Staff Engineer",
        "Engineering",
        Seniority.LEAD,
        "Europe/Madrid",
        "Madrid",
        offers=("Python", "System design", "Public speaking"),
        languages=("en", "es"),
        manager="vp.engineering@example.com",
    ),
    DemoPerson(
        "kenji.watanabe@example.com",
        "Kenji Watanabe",
        "Mentor",
        "Engineering Manager",
        "Platform",
        Seniority.PRINCIPAL,
        "Asia/Tokyo",
        "Tokyo",
        offers=("People management", "Kubernetes"),
        languages=("en", "ja"),
        manager="vp.engineering@example.com",
    ),
    DemoPerson(
        "amara.nwosu@example.com",
        "Amara Nwosu",
        "Mentor",
        "Senior Data Scientist",
        "Data",
        Seniority.SENIOR,
        "Africa/Lagos",
        "Lagos",
        offers=("Statistics", "Python", "Storytelling with data"),
    ),
    DemoPerson(
        "li.wei@example.com",
        "Li Wei",
        "Mentor",
        "Senior Product Designer",
        "Design",
        Seniority.SENIOR,
        "Asia/Singapore",
        "Singapore",
        offers=("User research", "Design critique"),
        languages=("en", "zh"),
    ),
    DemoPerson(
        "omar.haddad@partner.example.org",
        "Omar Haddad",
        "Mentor (external)",
        "Independent Coach",
        "Partner network",
        Seniority.PRINCIPAL,
        "Asia/Dubai",
        "Dubai",
        offers=("Negotiation", "Coaching"),
        languages=("en", "ar"),
        external=True,
    ),
    DemoPerson(
        "sam.taylor@example.com",
        "Sam Taylor",
        "Mentee",
        "Software Engineer",
        "Engineering",
        Seniority.JUNIOR,
        "Europe/London",
        "London",
        grows=("System design", "Public speaking"),
        manager="maria.lopez@example.com",
    ),
    DemoPerson(
        "priya.shah@example.com",
        "Priya Shah",
        "Mentee",
        "Data Analyst",
        "Data",
        Seniority.MID,
        "Asia/Kolkata",
        "Pune",
        grows=("Python", "Leadership"),
        languages=("en", "hi"),
    ),
    DemoPerson(
        "lucas.martin@example.com",
        "Lucas Martin",
        "Mentee",
        "Product Manager",
        "Product",
        Seniority.MID,
        "Europe/Paris",
        "Paris",
        grows=("Negotiation", "Product strategy"),
        languages=("en", "fr"),
        manager="director.product@example.com",
    ),
    DemoPerson(
        "ana.souza@example.com",
        "Ana Souza",
        "Mentee",
        "UX Designer",
        "Design",
        Seniority.ENTRY,
        "America/Sao_Paulo",
        "São Paulo",
        grows=("User research", "Career planning"),
        languages=("en", "pt"),
    ),
    DemoPerson(
        "noah.fischer@example.com",
        "Noah Fischer",
        "Mentee",
        "Site Reliability Engineer",
        "Platform",
        Seniority.JUNIOR,
        "Europe/Berlin",
        "Berlin",
        grows=("Kubernetes", "People management"),
        languages=("en", "de"),
        manager="kenji.watanabe@example.com",
    ),
    DemoPerson(
        "grace.kim@example.com",
        "Grace Kim",
        "Mentee",
        "Marketing Specialist",
        "Marketing",
        Seniority.MID,
        "America/Los_Angeles",
        "Seattle",
        grows=("Storytelling with data", "Leadership"),
        languages=("en", "ko"),
    ),
]


def _days(days: range | tuple[int, ...], start: int, end: int) -> tuple[DayHours, ...]:
    return tuple(DayHours(day, start * 60, end * 60) for day in days)


# The demo people's weeks, handed out in turn: office hours, early birds, late starters, a four-day week and a
# part-time week, so the scheduling assistant has real overlaps (and near misses) to find across the zones.
WEEKS = [
    _days(range(5), 9, 17),
    _days(range(5), 8, 16),
    _days(range(5), 11, 19),
    _days(range(4), 9, 18),
    _days((1, 2, 3), 10, 16),
    _days(range(5), 7, 15),
]


@transaction.atomic
def seed_people() -> list[tuple[DemoPerson, User]]:
    """Create or refresh the demo people; running it again changes nothing that is already right."""
    seeded: list[tuple[DemoPerson, User]] = []
    users: dict[str, User] = {}
    for person in PEOPLE:
        user, created = User.objects.get_or_create(email=person.email, defaults={"full_name": person.name})
        if created or not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
        user.full_name = person.name
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=person.email, defaults={"verified": True, "primary": True}
        )
        users[person.email] = user
        seeded.append((person, user))
    for person, user in seeded:
        profile, _created = Profile.objects.get_or_create(user=user)
        profile.job_title = person.title
        profile.department = person.department
        profile.seniority = person.seniority
        profile.time_zone = person.time_zone
        profile.location = person.location
        profile.languages = list(person.languages)
        profile.is_external = person.external
        profile.manager = users.get(person.manager)
        profile.bio = f"{person.title} in {person.location}."
        if profile.completed_at is None:
            profile.completed_at = user.date_joined
        profile.save()
        # The demo organisation's vocabulary, as if its administrators had curated it.
        profile.skills_offered.set(skills_from_names(names=person.offers, vetted=True))
        profile.growth_areas.set(skills_from_names(names=person.grows, vetted=True))
        if person.role == "HR admin":
            grant_program_admin(user)
    for index, (_person, user) in enumerate(seeded):
        working_hours_save(user=user, ranges=WEEKS[index % len(WEEKS)])
    return seeded
