from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.common.forms import Form
from mentorship.notifications.models import LEAD_TIME_CHOICES, Kind, Mode, NotificationSettings


class PreferencesForm(Form):
    """One choice per kind of notice, and the lead times of meeting reminders."""

    lead_minutes = forms.TypedMultipleChoiceField(
        label=_("Remind me before a meeting"),
        choices=LEAD_TIME_CHOICES,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave all unticked to get the usual reminders a day and an hour before."),
    )

    def __init__(self, *args: Any, current: NotificationSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[f"mode_{kind.value}"] = forms.ChoiceField(
                label=kind.label, choices=Mode.choices, initial=current.mode_for(kind.value)
            )
        self.fields["lead_minutes"].initial = current.leads

    def modes(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[f"mode_{kind.value}"] for kind in Kind}

    def mode_fields(self) -> list[forms.BoundField]:
        return [self[f"mode_{kind.value}"] for kind in Kind]
