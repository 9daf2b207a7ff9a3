"""Forms for the relationship page."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.submissions import SubmitOnceMixin
from mentorship.common.forms import Form, ModelForm, split_list
from mentorship.common.widgets import DateInput
from programs.models import Program
from relationships.models import AGREEMENT_TEXT, AdvocacyAction, Agreement, Goal, Reflection

MAX_CHANNELS = 10


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", label))
    return helper


class GoalForm(SubmitOnceMixin, ModelForm):
    class Meta:
        model = Goal
        fields = [
            "title",
            "category",
            "custom_category",
            "why",
            "success_measure",
            "target_date",
            "status",
            "progress",
            "shared_with_program",
        ]
        widgets = {
            "why": forms.Textarea({"rows": 3}),
            "success_measure": forms.Textarea({"rows": 3}),
            "target_date": DateInput(),
            "progress": forms.NumberInput({"min": 0, "max": 100, "step": 5}),
        }

    def __init__(self, *args: Any, program: Program, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        custom = program.custom_goal_categories
        if custom and not self.instance.pk:
            self.fields["custom_category"].help_text = _("This program also suggests: %(list)s") % {
                "list": ", ".join(custom)
            }
        self.helper = _helper(_("Save goal"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("category") == Goal.CUSTOM and not data.get("custom_category", "").strip():
            self.add_error("custom_category", _("Name the category when you choose Other."))
        return data


class MilestoneForm(Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())


class CommentForm(Form):
    body = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class AgreementForm(SubmitOnceMixin, ModelForm):
    channels_text = forms.CharField(
        label=_("How we keep in touch"),
        max_length=AGREEMENT_TEXT,
        widget=forms.Textarea({"rows": 3}),
        help_text=_('One channel per line, with what it is for: "Chat: quick questions between meetings".'),
    )

    class Meta:
        model = Agreement
        fields = [
            "cadence",
            "meeting_minutes",
            "mentee_responsibilities",
            "mentor_responsibilities",
            "mentee_offers",
            "mentor_offers",
            "desired_outcomes",
            "confidentiality",
            "review_on",
            "ends_on",
        ]
        widgets = {
            "mentee_responsibilities": forms.Textarea({"rows": 3}),
            "mentor_responsibilities": forms.Textarea({"rows": 3}),
            "mentee_offers": forms.Textarea({"rows": 2}),
            "mentor_offers": forms.Textarea({"rows": 2}),
            "desired_outcomes": forms.Textarea({"rows": 3}),
            "confidentiality": forms.Textarea({"rows": 2}),
            "review_on": DateInput(),
            "ends_on": DateInput(),
            "meeting_minutes": forms.NumberInput({"min": 15, "max": 240, "step": 5}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Setting min_value after the field is built adds no validator; without these, a bad length reached the
        # database constraint and came back as a cryptic "constraint violated" error.
        self.fields["meeting_minutes"].validators += [MinValueValidator(15), MaxValueValidator(240)]
        if self.instance.pk or self.instance.channels:
            self.fields["channels_text"].initial = "\n".join(
                f"{c['channel']}: {c['purpose']}" if c.get("purpose") else c["channel"] for c in self.instance.channels
            )
        self.helper = _helper(_("Save the agreement"))

    def clean_channels_text(self) -> list[dict[str, str]]:
        lines = split_list(
            self.cleaned_data["channels_text"], separators="\n", limit=MAX_CHANNELS, longest=260, what=_("channels")
        )
        channels = []
        for line in lines:
            channel, _sep, purpose = line.partition(":")
            if len(channel.strip()) > 60 or len(purpose.strip()) > 200:
                raise forms.ValidationError(
                    _("Keep each channel's name to 60 characters and what it is for to 200: “%(line)s…”.")
                    % {"line": line[:30]}
                )
            channels.append({"channel": channel.strip(), "purpose": purpose.strip()})
        if not channels:
            raise forms.ValidationError(_("Name at least one way to keep in touch."))
        return channels

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        review, ends = data.get("review_on"), data.get("ends_on")
        if review and ends and review > ends:
            self.add_error("review_on", _("Plan the review before the relationship ends."))
        return data


class AdvocacyForm(SubmitOnceMixin, ModelForm):
    class Meta:
        model = AdvocacyAction
        fields = ["kind", "happened_on", "description", "status", "outcome"]
        widgets = {"happened_on": DateInput(), "description": forms.Textarea({"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Save"))


class FollowupForm(Form):
    text = forms.CharField(label=_("What followed"), max_length=2000, widget=forms.Textarea({"rows": 2}))


class NoteForm(Form):
    body = forms.CharField(
        label=_("Private note"),
        max_length=5000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Only you will ever see this note."),
    )


class PauseForm(Form):
    reason = forms.CharField(label=_("Why pause?"), max_length=1000, widget=forms.Textarea({"rows": 2}))


class EndForm(Form):
    outcome = forms.ChoiceField(
        label=_("How does it end?"),
        choices=[("completed", _("We completed what we set out to do")), ("early", _("We are ending early"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("A few words on why"),
        required=False,
        max_length=1000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Required when ending early."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("End the relationship"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("outcome") == "early" and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why the relationship ends early."))
        return data


class ReflectionForm(ModelForm):
    rating = forms.TypedChoiceField(
        label=_("How was the relationship overall?"),
        coerce=int,
        choices=[
            (5, _("5 (excellent)")),
            (4, _("4 (good)")),
            (3, _("3 (fine)")),
            (2, _("2 (poor)")),
            (1, _("1 (bad)")),
        ],
        widget=forms.RadioSelect,
        help_text=_("Only the rating is shared with the program team, to improve the program."),
    )

    class Meta:
        model = Reflection
        fields = ["goals_reached", "what_worked", "what_to_change", "rating", "thank_you"]
        widgets = {
            "goals_reached": forms.Textarea({"rows": 2}),
            "what_worked": forms.Textarea({"rows": 2}),
            "what_to_change": forms.Textarea({"rows": 2}),
            "thank_you": forms.Textarea({"rows": 3}),
        }
        help_texts = {"thank_you": _("Optional. We email it to the other person.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Share my reflection"))
