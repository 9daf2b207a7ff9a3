"""The weekly availability form: a row per weekday with a box to tick and its hours, in the person's zone."""

from __future__ import annotations

import calendar
from itertools import pairwise
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mentorship.accounts.hours import MAX_RANGES_PER_DAY, WEEKDAYS, DayHours, WeeklyHours, time_to_minutes
from mentorship.common.forms import Form
from mentorship.common.widgets import TimeInput


class ClockField(forms.TimeField):
    """A time of day typed as HH:MM in ASCII digits (strptime would read full-width or Arabic-Indic digits too)."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(_("Enter a time such as 09:00."), code="invalid")
        return super().to_python(value)


class AvailabilityForm(Form):
    """Seven rows, one per weekday, each with up to MAX_RANGES_PER_DAY stretches (a split day: a long lunch).

    The first stretch of a day is ``day<N>_from`` / ``day<N>_to`` with N = 0 for Monday; the others add ``_<k>``
    (``day0_from_2``). A day's extra stretches are optional: both times blank means no such stretch.
    """

    def __init__(self, *args: Any, week: WeeklyHours, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day in range(WEEKDAYS):
            name = calendar.day_name[day]
            ranges = week.ranges_on(day)
            self.fields[f"day{day}_on"] = forms.BooleanField(
                label=_("Available on %(day)s") % {"day": name}, required=False, initial=bool(ranges)
            )
            for number in STRETCHES:
                saved = ranges[number - 1] if len(ranges) >= number else None
                start, end = _names(day, number)
                words = {"day": name, "n": number}
                if number == 1:
                    # The first stretch of a day is offered filled in with office hours; the others start blank.
                    labels = (_("%(day)s from") % words, _("%(day)s until") % words)
                    initial = (saved.start_time, saved.end_time) if saved else ("09:00", "17:00")
                else:
                    labels = (_("%(day)s, stretch %(n)s, from") % words, _("%(day)s, stretch %(n)s, until") % words)
                    initial = (saved.start_time, saved.end_time) if saved else (None, None)
                for field_name, label, value in zip((start, end), labels, initial, strict=True):
                    self.fields[field_name] = ClockField(label=label, required=False, widget=TimeInput(), initial=value)

    @property
    def rows(self) -> list[dict[str, Any]]:
        """What the template draws per day; read when the page is drawn, after the form was checked."""
        rows = []
        for day in range(WEEKDAYS):
            extra = [self._pair(day, number) for number in STRETCHES[1:]]
            rows.append(
                {
                    "name": calendar.day_name[day],
                    "on": self[f"day{day}_on"],
                    "times": self._pair(day, 1),
                    "extra": extra,
                    # Shown open when the day is split already, or something typed there needs a look.
                    "split": any(cell["field"].value() or cell["field"].errors for pair in extra for cell in pair),
                }
            )
        return rows

    def _pair(self, day: int, number: int) -> list[dict[str, Any]]:
        """A stretch's two fields, each with the short caption shown above it (the label says the rest)."""
        start, end = _names(day, number)
        return [{"field": self[start], "caption": _("From")}, {"field": self[end], "caption": _("Until")}]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        ranges: list[DayHours] = []
        for day in range(WEEKDAYS):
            if not data.get(f"day{day}_on"):
                continue
            stretches = []
            for number in STRETCHES:
                stretch = self._stretch(data, day, number)
                if stretch is not None:
                    stretches.append((stretch, number))
            stretches.sort()
            for (before, _first), (after, number) in pairwise(stretches):
                if after.start < before.end:
                    self.add_error(_names(day, number)[0], _("This overlaps another stretch of the same day."))
            ranges += [stretch for stretch, _number in stretches]
        if not ranges and not self.errors:
            raise forms.ValidationError(_("Tick at least one day you can meet."))
        data["ranges"] = ranges
        return data

    def _stretch(self, data: dict[str, Any], day: int, number: int) -> DayHours | None:
        """One stretch of a ticked day, or None when it is left out (an extra one, blank) or has an error."""
        start_name, end_name = _names(day, number)
        start, end = data.get(start_name), data.get(end_name)
        if start_name in self.errors or end_name in self.errors:
            return None
        if number > 1 and start is None and end is None:
            return None
        if start is None:
            self.add_error(start_name, _("Say from when you are available."))
        if end is None:
            self.add_error(end_name, _("Say until when you are available."))
        if start is None or end is None:
            return None
        first, last = time_to_minutes(start), time_to_minutes(end)
        if last <= first:
            self.add_error(end_name, _("The end must come after the start, on the same day."))
            return None
        return DayHours(day, first, last)


STRETCHES = tuple(range(1, MAX_RANGES_PER_DAY + 1))


def _names(day: int, number: int) -> tuple[str, str]:
    suffix = "" if number == 1 else f"_{number}"
    return f"day{day}_from{suffix}", f"day{day}_to{suffix}"
