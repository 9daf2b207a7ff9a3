"""The weekly availability form: a row per weekday with a box to tick and the hours, in the person's zone."""

from __future__ import annotations

import calendar
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.hours import WEEKDAYS, DayHours, WeeklyHours, time_to_minutes
from mentorship.common.forms import Form
from mentorship.common.widgets import TimeInput


class ClockField(forms.TimeField):
    """A time of day typed as HH:MM in ASCII digits (strptime would read full-width or Arabic-Indic digits too)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(_("Enter a time such as 09:00."), code="invalid")
        return super().to_python(value)


class AvailabilityForm(Form):
    """Seven rows; fields are named ``day<N>_on``, ``day<N>_from``, ``day<N>_to`` with N = 0 for Monday."""

    def __init__(self, *args: Any, week: WeeklyHours, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in range(WEEKDAYS):
            name = calendar.day_name[day]
            ranges = week.ranges_on(day)
            first = ranges[0] if ranges else None
            self.fields[f"day{day}_on"] = forms.BooleanField(
                label=_("Available on %(day)s") % {"day": name}, required=False, initial=first is not None
            )
            self.fields[f"day{day}_from"] = ClockField(
                label=_("%(day)s from") % {"day": name},
                required=False,
                widget=TimeInput(),
                initial=first.start_time if first else "09:00",
            )
            self.fields[f"day{day}_to"] = ClockField(
                label=_("%(day)s until") % {"day": name},
                required=False,
                widget=TimeInput(),
                initial=first.end_time if first else "17:00",
            )
        self.rows = [
            {
                "name": calendar.day_name[day],
                "on": self[f"day{day}_on"],
                "times": [self[f"day{day}_from"], self[f"day{day}_to"]],
            }
            for day in range(WEEKDAYS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ranges: list[DayHours] = []
        for day in range(WEEKDAYS):
            if not data.get(f"day{day}_on"):
                continue
            start, end = data.get(f"day{day}_from"), data.get(f"day{day}_to")
            if start is None and f"day{day}_from" not in self.errors:
                self.add_error(f"day{day}_from", _("Say from when you are available."))
            if end is None and f"day{day}_to" not in self.errors:
                self.add_error(f"day{day}_to", _("Say until when you are available."))
            if start is None or end is None:
                continue
            first, last = time_to_minutes(start), time_to_minutes(end)
            if last <= first:
                self.add_error(f"day{day}_to", _("The end must come after the start, on the same day."))
                continue
            ranges.append(DayHours(day, first, last))
        if not ranges and not self.errors:
            raise forms.ValidationError(_("Tick at least one day you can meet."))
        data["ranges"] = ranges
        return data
