"""Forms for matching pages. Ids posted by a page are parsed here, so "²" or "abc" is a refusal, not a crash."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import PairRule
from mentorship.accounts.models import User
from mentorship.common.fields import AsciiIntegerField, IdChoiceField, IdField
from mentorship.common.forms import Form

# Longer than any question or answer a person needs; the model columns accept the same.
TEXT_MAX = 2000


def _enrollment_id(label: str, *, required: bool = True) -> IdField:
    return IdField(label=label, required=required)


class ReviewActionForm(Form):
    """One press of a button on the draft review: run, or a rule for one pair (publishing has its own page)."""

    RULES = {"lock": PairRule.Rule.LOCK, "forbid": PairRule.Rule.FORBID, "clear": ""}

    action = forms.ChoiceField(choices=[(name, name) for name in ("run", *RULES)])
    mentee = _enrollment_id(_("Mentee"), required=False)
    mentor = _enrollment_id(_("Mentor"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") in self.RULES and not (data.get("mentee") and data.get("mentor")):
            raise forms.ValidationError(_("Choose the pair the rule is about."))
        return data

    @property
    def rule(self) -> str:
        return self.RULES[self.cleaned_data["action"]]


class SecondarySubmit(Submit):
    """A second, outlined submit button. crispy's Submit is always btn-primary, and an outline class added on top
    of it put grey text on the primary blue, which fails colour contrast."""

    field_classes = "btn btn-outline-secondary"


class PublishForm(Form):
    """The administrator's confirmation, with the number of pairs they saw."""

    expected = AsciiIntegerField(min_value=0, max_value=1_000_000)


class MentorChoiceForm(Form):
    mentor = _enrollment_id(_("Mentor"))


class ProposalReplyForm(Form):
    """The mentor's accept, decline or question, or the mentee's answer."""

    ACTIONS = ("accept", "decline", "ask", "answer")

    text = forms.CharField(required=False, max_length=TEXT_MAX, strip=True)


class PairForm(Form):
    mentee = IdChoiceField(label=_("Mentee"), queryset=User.objects.none())
    mentor = IdChoiceField(label=_("Mentor or sponsor"), queryset=User.objects.none())

    def __init__(self, *args: Any, mentees: QuerySet[User], mentors: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["mentor"].queryset = mentors
        for name in ("mentee", "mentor"):  # everyone approved in the program: searchable by name (static/js/pickers.js)
            self.fields[name].widget.attrs["data-picker"] = "people"
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Pair them")))
        self.helper.add_input(SecondarySubmit("action", _("Check the pair first")))
