from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone
from factory.django import DjangoModelFactory

from mentorship.accounts.models import Profile, Seniority, Skill, User

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def with_profile(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            ProfileFactory(user=self)
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class ProfileFactory(DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
    department = "Engineering"
    job_title = "Engineer"
    seniority = Seniority.MID
    time_zone = "Europe/Berlin"
    languages = factory.LazyFunction(lambda: ["en"])
    completed_at = factory.LazyFunction(timezone.now)


class SkillFactory(DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Skill {n}")
