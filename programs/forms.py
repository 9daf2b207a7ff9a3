"""Forms for running programs (HR) and applying to them (employees)."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.languages import LANGUAGE_CHOICES
from mentorship.accounts.models import Profile, User
from mentorship.accounts.roles import PROGRAM_ADMIN_GROUP
from mentorship.accounts.services import skill_list
from mentorship.common.fields import IdMultipleChoiceField
from mentorship.common.forms import Form, ModelForm, StrictModelFormSet, split_list
from mentorship.common.widgets import DateInput
from programs.invitations_csv import MAX_ROWS
from programs.models import ApplicationQuestion, Enrollment, GoalCategory, Program
from programs.selectors import RosterFilters
from programs.services import Application

MAX_CSV_BYTES = 1_000_000
# Settings that only mean something in a sponsorship program.
SPONSOR_ONLY_FIELDS = ("sponsor_min_level_gap",)
# Pasting is for a handful of people; a list longer than this belongs in a CSV file.
MAX_PASTE_CHARACTERS = 50_000
MAX_CUSTOM_GOAL_CATEGORIES = 20
MAX_QUESTION_CHOICES = 30


def program_admin_users() -> QuerySet[User]:
    return User.objects.filter(Q(groups__name=PROGRAM_ADMIN_GROUP) | Q(is_superuser=True), is_active=True).distinct()


class ProgramForm(ModelForm):
    goal_categories = forms.MultipleChoiceField(
        label=_("Goal categories in focus"),
        choices=GoalCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Mentees pick their goals from these. Leave all unticked to offer every category."),
    )
    custom_goal_categories_text = forms.CharField(
        label=_("Custom goal categories"),
        required=False,
        max_length=500,
        help_text=_("Optional, separated by commas, e.g. Returning from leave, Moving into management."),
    )
    administrators = forms.ModelMultipleChoiceField(
        label=_("Administrators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("People with the program administrator role who run this program with you."),
    )

    FIELDSETS = [
        (_("The program"), ["name", "kind", "description", "administrators"]),
        (
            _("Who can join and when"),
            ["access", "allow_external", "enrollment_opens_on", "enrollment_closes_on", "starts_on", "ends_on"],
        ),
        (
            _("Relationships"),
            [
                "default_relationship_months",
                "goal_categories",
                "custom_goal_categories_text",
                "default_cadence",
                "default_meeting_minutes",
            ],
        ),
        (
            _("Matching"),
            ["matching_mode", "default_mentor_capacity", "mentor_response_days", "sponsor_min_level_gap"],
        ),
    ]

    class Meta:
        model = Program
        fields = [
            "name",
            "kind",
            "description",
            "access",
            "allow_external",
            "enrollment_opens_on",
            "enrollment_closes_on",
            "starts_on",
            "ends_on",
            "default_relationship_months",
            "goal_categories",
            "default_cadence",
            "default_meeting_minutes",
            "matching_mode",
            "default_mentor_capacity",
            "mentor_response_days",
            "sponsor_min_level_gap",
        ]
        widgets = {
            "description": forms.Textarea({"rows": 4}),
            "enrollment_opens_on": DateInput(),
            "enrollment_closes_on": DateInput(),
            "starts_on": DateInput(),
            "ends_on": DateInput(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["administrators"].queryset = program_admin_users()
        # Validators, not min_value/max_value (read only while a field is built), so an out-of-range value
        # is explained on its field instead of by the name of the database constraint it breaks.
        minutes = self.fields["default_meeting_minutes"]
        minutes.validators += [MinValueValidator(15), MaxValueValidator(240)]
        minutes.widget.attrs.update(min=15, max=240, step=5)
        self.fields["default_relationship_months"].validators.append(MinValueValidator(1))
        self.fields["default_relationship_months"].widget.attrs.update(min=1)
        self.fields["default_mentor_capacity"].widget.attrs.update(min=0, max=20)
        if self.instance.pk:
            self.fields["administrators"].initial = list(self.instance.administrators.values_list("pk", flat=True))
            self.fields["custom_goal_categories_text"].initial = ", ".join(self.instance.custom_goal_categories)
            if self.instance.kind != Program.Kind.SPONSORSHIP:
                for name in SPONSOR_ONLY_FIELDS:
                    del self.fields[name]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            *(Fieldset(legend, *(name for name in names if name in self.fields)) for legend, names in self.FIELDSETS)
        )
        self.helper.add_input(Submit("save", _("Save program")))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        opens, closes = data.get("enrollment_opens_on"), data.get("enrollment_closes_on")
        if opens and closes and closes < opens:
            self.add_error("enrollment_closes_on", _("Enrollment cannot close before it opens."))
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The program must end after it starts."))
        return data

    def clean_custom_goal_categories_text(self) -> list[str]:
        return split_list(
            self.cleaned_data["custom_goal_categories_text"],
            limit=MAX_CUSTOM_GOAL_CATEGORIES,
            longest=60,
            what=_("custom goal categories"),
        )

    def custom_categories(self) -> list[str]:
        return self.cleaned_data.get("custom_goal_categories_text", [])

    def program_fields(self) -> dict[str, Any]:
        """The settings this form shows, as the program services take them."""
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}
        if "custom_goal_categories_text" in self.fields:
            fields["custom_goal_categories"] = self.custom_categories()
        return fields


class QuestionForm(ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        max_length=MAX_QUESTION_CHOICES * 100,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("For choice questions: one choice per line."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Asked of"),
        choices=Enrollment.Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to ask everyone."),
    )

    class Meta:
        model = ApplicationQuestion
        fields = ["prompt", "help_text", "kind", "required", "roles"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)

    def clean_choices_text(self) -> list[str]:
        return split_list(
            self.cleaned_data["choices_text"],
            separators="\n",
            limit=MAX_QUESTION_CHOICES,
            longest=200,
            what=_("choices"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        choices = data.get("choices_text", [])
        if (
            data.get("kind") in (ApplicationQuestion.Kind.SINGLE, ApplicationQuestion.Kind.MULTIPLE)
            and len(choices) < 2
        ):
            self.add_error("choices_text", _("A choice question needs at least two choices."))
        data["choices"] = choices
        return data

    def question_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "id": self.instance.pk,
            "prompt": data["prompt"],
            "help_text": data.get("help_text", ""),
            "kind": data["kind"],
            "required": data.get("required", False),
            "roles": data.get("roles", []),
            "choices": data["choices"] if data["kind"] in ("single", "multiple") else [],
        }


QuestionFormSet = forms.modelformset_factory(
    ApplicationQuestion,
    form=QuestionForm,
    formset=StrictModelFormSet,
    extra=1,
    can_delete=True,
    max_num=30,
    validate_max=True,
    # However many forms a post claims, Django builds at most this many (its default would be 1,030).
    absolute_max=31,
)


def questions_of(formset: forms.BaseModelFormSet) -> list[dict[str, Any]]:
    """The questions a valid formset keeps, in order: blank extra blocks and ticked deletions left out."""
    kept = []
    for form in formset.forms:
        blank_extra = not form.instance.pk and not form.has_changed()
        if blank_extra or form.cleaned_data.get("DELETE"):
            continue
        kept.append(form.question_data())
    return kept


class InvitePasteForm(Form):
    addresses = forms.CharField(
        label=_("Email addresses"),
        max_length=MAX_PASTE_CHARACTERS,
        widget=forms.Textarea({"rows": 5}),
        help_text=_('One per line or separated by commas. "Name <address>" keeps the name.'),
        error_messages={
            "max_length": _("That is more than we take in one paste (%(limit_value)d characters). Upload a CSV file.")
        },
    )
    role = forms.ChoiceField(label=_("Invite as"))
    is_external = forms.BooleanField(label=_("These people are from outside the organisation"), required=False)

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Enrollment.Role.choices)
        self.fields["role"].choices = [(role, labels[role]) for role in program.roles]
        if not program.allow_external:
            del self.fields["is_external"]


class InviteCsvForm(Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: name, email, role (mentee, mentor or sponsor), and optionally external (yes/no). "
            "At most %(max)s rows."
        )
        % {"max": MAX_ROWS},
        widget=forms.ClearableFileInput({"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB. Split it and upload the parts."))
        return upload.read()


class ApplicationForm(Form):
    """The application: the program's questions plus what matching needs for this role."""

    def __init__(self, *args: Any, program: Program, role: str, profile: Profile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.program = program
        self.role = role
        self.questions = [q for q in program.questions.all() if q.applies_to(role)]
        for question in self.questions:
            self.fields[f"q_{question.pk}"] = _question_field(question)
        if role == Enrollment.Role.MENTEE:
            self.fields["goal_categories"] = forms.MultipleChoiceField(
                label=_("What do you want from this program?"),
                choices=program.goal_category_choices(),
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["growth_areas"] = forms.CharField(
                label=_("Areas you want to grow in"),
                max_length=1000,
                initial=", ".join(s.name for s in profile.growth_areas.all()),
                help_text=_("Separate areas with commas."),
            )
            self.fields["prefers_outside_team"] = forms.BooleanField(
                label=_("I would prefer someone from outside my team"),
                required=False,
                initial=profile.open_to_outside_mentors,
            )
            if program.allow_external:
                self.fields["open_to_external"] = forms.BooleanField(
                    label=_("I am open to a mentor from outside the organisation"), required=False
                )
        else:
            self.fields["offers"] = forms.CharField(
                label=_("What you can offer"),
                max_length=1000,
                initial=", ".join(s.name for s in profile.skills_offered.all()),
                help_text=_("Skills and experience, separated by commas."),
            )
            self.fields["capacity"] = forms.IntegerField(
                label=_("How many people can you take on?"),
                min_value=1,
                max_value=10,
                initial=max(program.default_mentor_capacity, 1),
            )
        self.fields["languages"] = forms.MultipleChoiceField(
            label=_("Languages you can work in"),
            choices=LANGUAGE_CHOICES,
            required=False,
            initial=profile.languages,
            widget=forms.SelectMultiple({"size": 6, "data-picker": "languages", "data-remove-label": _("Remove")}),
        )
        self.helper = FormHelper()
        self.helper.add_input(Submit("apply", _("Send application")))

    def clean_growth_areas(self) -> list[str]:
        return skill_list(self.cleaned_data["growth_areas"])

    def clean_offers(self) -> list[str]:
        return skill_list(self.cleaned_data["offers"])

    def application(self) -> Application:
        data = self.cleaned_data
        return Application(
            answers={str(q.pk): data.get(f"q_{q.pk}") for q in self.questions},
            goal_categories=data.get("goal_categories", []),
            growth_areas=data.get("growth_areas", []),
            offers=data.get("offers", []),
            capacity=data.get("capacity"),
            prefers_outside_team=data.get("prefers_outside_team", False),
            open_to_external=data.get("open_to_external", False),
            languages=data.get("languages", []),
        )


def _question_field(question: ApplicationQuestion) -> forms.Field:
    common = {"label": question.prompt, "required": question.required, "help_text": question.help_text}
    choices = [(choice, choice) for choice in question.choices]
    if question.kind == ApplicationQuestion.Kind.LONG:
        return forms.CharField(max_length=4000, widget=forms.Textarea({"rows": 4}), **common)
    if question.kind == ApplicationQuestion.Kind.SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == ApplicationQuestion.Kind.MULTIPLE:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    return forms.CharField(max_length=300, **common)


class DecisionForm(Form):
    DECISIONS = [
        (Enrollment.Status.APPROVED, _("Approve")),
        (Enrollment.Status.WAITLISTED, _("Waitlist")),
        (Enrollment.Status.DECLINED, _("Decline")),
    ]
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(required=False, max_length=1000)
    # Only enrollments of this program are acceptable choices, so nothing outside it can be touched; ids that
    # are not numbers at all ("²", "abc") are refused here like any other wrong choice.
    selected = IdMultipleChoiceField(queryset=Enrollment.objects.none())

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["selected"]
        field.queryset = program.enrollments.all()
        field.error_messages["required"] = _("Tick at least one person first.")
        field.error_messages["invalid_choice"] = _("Someone you ticked is not in this program.")
        field.error_messages["invalid_pk_value"] = _("Someone you ticked is not in this program.")


class InvitationSearchForm(Form):
    """The invitations page's search: one line like any other field, so a NUL never reaches the database."""

    q = forms.CharField(label=_("Name or address"), required=False, max_length=100)


class RosterFilterForm(Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Enrollment.Status.choices]
    )
    department = forms.ChoiceField(label=_("Department"), required=False)

    def __init__(self, *args: Any, program: Program, departments: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Enrollment.Role.choices)
        self.fields["role"].choices = [("", _("Any role"))] + [(r, labels[r]) for r in program.roles]
        self.fields["department"].choices = [("", _("Any department"))] + [(d, d) for d in departments]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"

    def filters(self) -> RosterFilters:
        if not self.is_valid():
            return RosterFilters()
        data = self.cleaned_data
        return RosterFilters(
            query=data["q"].strip(), role=data["role"], status=data["status"], department=data["department"]
        )


# -- setting a program up in steps --------------------------------------------------------------------------

SETUP_STEPS: list[tuple[str, Any]] = [
    ("basics", _("Basics")),
    ("enrollment", _("Enrollment and questions")),
    ("matching", _("Matching")),
    ("meetings", _("Meeting cadence")),
    ("invite", _("Invite")),
]
# The settings each step asks for; the last step invites people and asks for none.
STEP_FIELDS: dict[str, list[str]] = {
    "basics": [
        "name",
        "kind",
        "description",
        "goal_categories",
        "custom_goal_categories_text",
        "starts_on",
        "ends_on",
        "administrators",
    ],
    "enrollment": ["access", "allow_external", "enrollment_opens_on", "enrollment_closes_on"],
    "matching": ["matching_mode", "default_mentor_capacity", "mentor_response_days", "sponsor_min_level_gap"],
    "meetings": ["default_relationship_months", "default_cadence", "default_meeting_minutes"],
}


class ProgramStepForm(ProgramForm):
    """One step of setting a program up: the program form narrowed to that step's settings.

    The kind is chosen in the first step, so later steps show sponsor-only settings only to sponsorship
    programs. The person setting the program up is ticked as an administrator and stays one until it is ready.
    """

    def __init__(self, *args: Any, step: str, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        self.actor = actor
        wanted = set(STEP_FIELDS[step])
        if self.instance.pk and self.instance.kind != Program.Kind.SPONSORSHIP:
            wanted -= set(SPONSOR_ONLY_FIELDS)
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        if "administrators" in self.fields and not self.instance.pk:
            self.fields["administrators"].initial = [actor.pk]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_administrators(self) -> QuerySet[User]:
        chosen = self.cleaned_data["administrators"]
        if not self.actor.is_superuser and self.actor not in chosen:
            raise forms.ValidationError(
                _(
                    "You are setting this program up, so you stay one of its administrators for now. Hand it "
                    "over in its settings once it is ready."
                )
            )
        return chosen
