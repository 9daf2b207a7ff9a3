"""Forms for the insights pages: the at-risk filters and the administrator's actions on a pair."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from insights.health import ReasonCode
from insights.selectors import AtRiskFilters
from programs.models import Program
from relationships.models import Relationship

NOTE_MAX = 1000
SEARCH_MAX = 100


class AtRiskFilterForm(forms.Form):
    program = forms.ChoiceField(label=_("Program"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any open status"))]
        + [(value, label) for value, label in Relationship.Status.choices if value in Relationship.OPEN_STATUSES],
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False, choices=[("", _("Any reason")), *ReasonCode.choices])
    mentor = forms.CharField(label=_("Mentor or sponsor (name or email)"), required=False, max_length=SEARCH_MAX)

    def __init__(self, *args: Any, programs: QuerySet[Program], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programs = programs
        self.fields["program"].choices = [("", _("All my programs")), *((p.slug, p.name) for p in programs)]

    def chosen(self) -> tuple[list[Program], AtRiskFilters]:
        """The programs and filters to apply; what did not validate is left out (the errors show on the form)."""
        if self.is_bound:
            self.is_valid()  # cleaned_data then holds the fields that passed
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        slug = data.get("program", "")
        programs = [p for p in self.programs if not slug or p.slug == slug]
        filters = AtRiskFilters(
            status=data.get("status", ""), reason=data.get("reason", ""), mentor=data.get("mentor", "").strip()
        )
        return programs, filters


class NudgeForm(forms.Form):
    note = forms.CharField(
        label=_("A message to both (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("It goes into the email, under a few friendly words from the program team."),
    )


class PauseForm(forms.Form):
    note = forms.CharField(
        label=_("Why pause?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Both will read it."),
    )


class EndForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("How does it end?"),
        choices=[("completed", _("Completed: they reached what they set out to do")), ("early", _("Ended early"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Why"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("Needed when it ends early; both will read it."),
    )


class RematchForm(forms.Form):
    note = forms.CharField(
        label=_("Why a new match?"),
        max_length=NOTE_MAX,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("The relationship ends early with this reason, and the next-best mentor is asked."),
    )
