"""Forms for signup details and the profile."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.models import Profile, User
from mentorship.accounts.services import skill_list
from mentorship.accounts.zones import TimeZoneField
from mentorship.common.forms import ModelForm, validate_one_line


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's signup form.

    allauth builds its signup form on top of this class, so the project's input rules are given to the one field
    here rather than applied to the whole form (allauth's password fields carry no length cap of ours).
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        validators=[validate_one_line],
        widget=forms.TextInput({"autocomplete": "name"}),
    )

    def signup(self, request: Any, user: User) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.save(update_fields=["full_name"])


class ProfileForm(ModelForm):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    time_zone = TimeZoneField(
        picker=True,
        help_text=_("Every date and time in the app is shown to you in this zone."),
    )
    manager_email = forms.EmailField(
        label=_("Your manager's email"),
        required=False,
        max_length=254,
        help_text=_("Optional. Matching never pairs you with your manager or anyone above them."),
    )
    skills_offered_text = forms.CharField(
        label=_("Skills you can offer"),
        required=False,
        max_length=1000,
        help_text=_("Separate skills with commas, for example: Python, public speaking, negotiation."),
        widget=forms.TextInput({"list": "skill-suggestions", "autocomplete": "off"}),
    )
    growth_areas_text = forms.CharField(
        label=_("Areas you want to grow in"),
        required=False,
        max_length=1000,
        help_text=_("Separate areas with commas."),
        widget=forms.TextInput({"list": "skill-suggestions", "autocomplete": "off"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        choices=LANGUAGE_CHOICES,
        required=False,
        # A compact list: static/js/pickers.js makes it searchable; without script it is a plain multiple select.
        widget=forms.SelectMultiple({"size": 6, "data-picker": "languages", "data-remove-label": _("Remove")}),
    )

    class Meta:
        model = Profile
        fields = [
            "department",
            "job_title",
            "seniority",
            "location",
            "time_zone",
            "bio",
            "interests",
            "languages",
            "open_to_outside_mentors",
        ]
        widgets = {"bio": forms.Textarea({"rows": 4})}
        help_texts = {
            "seniority": _("Sponsors must be clearly more senior than the people they sponsor."),
            "open_to_outside_mentors": _("Matching may then suggest mentors from other teams."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        profile: Profile = self.instance
        user = profile.user
        self.fields["full_name"].initial = user.full_name
        self.fields["seniority"].required = True
        self.fields["department"].required = True
        self.fields["job_title"].required = True
        if profile.manager_id:
            self.fields["manager_email"].initial = profile.manager.email
        if profile.pk:
            self.fields["skills_offered_text"].initial = ", ".join(s.name for s in profile.skills_offered.all())
            self.fields["growth_areas_text"].initial = ", ".join(s.name for s in profile.growth_areas.all())
        self.order_fields(["full_name", "job_title", "department", "seniority", "manager_email", "location"])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(_("About you"), "full_name", "job_title", "department", "seniority", "manager_email"),
            Fieldset(_("Where and when"), "location", "time_zone", "languages"),
            Fieldset(
                _("What you bring and what you seek"),
                "skills_offered_text",
                "growth_areas_text",
                "interests",
                "bio",
                "open_to_outside_mentors",
            ),
        )
        self.helper.add_input(Submit("save", _("Save profile")))

    def clean_manager_email(self) -> User | None:
        email = self.cleaned_data.get("manager_email", "").strip()
        if not email:
            return None
        manager = User.objects.filter(email__iexact=email, is_active=True).first()
        if manager is None:
            raise forms.ValidationError(_("Nobody with that email has an account yet."))
        if manager.pk == self.instance.user_id:
            raise forms.ValidationError(_("You cannot be your own manager."))
        return manager

    def clean_skills_offered_text(self) -> list[str]:
        return skill_list(self.cleaned_data["skills_offered_text"])

    def clean_growth_areas_text(self) -> list[str]:
        return skill_list(self.cleaned_data["growth_areas_text"])

    def skill_names(self, field: str) -> list[str]:
        return self.cleaned_data.get(field, [])
