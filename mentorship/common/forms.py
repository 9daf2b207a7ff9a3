"""What every form of the project does with what people type.

* Every text field has a length cap. A form with an uncapped text field fails as soon as it is built, so one
  cannot ship by accident (and the bad-input sweep would refuse 100,000 characters anyway).
* A one-line field refuses line breaks and control characters: a title with CR/LF once broke a calendar file,
  and the same text lands in email subjects. A multi-line field keeps line breaks and tabs and refuses the rest.
* Every date lies within sane years: by default ten years either side of today, or the field's own limits.
  Year 1 and year 9999 are typos that overflowed time zone arithmetic further down.
* A list of choices names each choice once.

Forms inherit :class:`Form` or :class:`ModelForm` from here instead of Django's.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms.formsets import INITIAL_FORM_COUNT, MAX_NUM_FORM_COUNT, MIN_NUM_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from mentorship.common.fields import IdChoiceField

_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

YEARS_BACK = 10
YEARS_AHEAD = 10


def validate_one_line(value: str) -> None:
    if _ANY_CONTROL.search(value):
        raise ValidationError(
            _("Keep this to one line, without line breaks or control characters."), code="control_characters"
        )


def validate_text(value: str) -> None:
    if _CONTROL_BUT_BREAKS.search(value):
        raise ValidationError(_("This text contains control characters; remove them."), code="control_characters")


def validate_distinct(values: list[Any]) -> None:
    # A browser sends each ticked box once; a list of one choice a thousand times is not a choice.
    if len(values) != len(set(values)):
        raise ValidationError(_("Choose each option at most once."), code="repeated_choice")


def _years_from(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class DateWithin:
    """A validator: the date lies within ``years_back`` years before and ``years_ahead`` years after today."""

    def __init__(self, *, years_back: int = YEARS_BACK, years_ahead: int = YEARS_AHEAD) -> None:
        self.years_back, self.years_ahead = years_back, years_ahead

    def limits(self) -> tuple[datetime.date, datetime.date]:
        today = timezone.localdate()
        return _years_from(today, -self.years_back), _years_from(today, self.years_ahead)

    def __call__(self, value: datetime.date) -> None:
        earliest, latest = self.limits()
        if not earliest <= value <= latest:
            raise ValidationError(
                _("Pick a date between %(earliest)s and %(latest)s.")
                % {"earliest": date_format(earliest, "j F Y"), "latest": date_format(latest, "j F Y")},
                code="date_out_of_range",
            )


class BoundedDateField(forms.DateField):
    """A date field with its own limits, for dates that need a narrower range than the default."""

    def __init__(self, *, years_back: int = YEARS_BACK, years_ahead: int = YEARS_AHEAD, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators.append(DateWithin(years_back=years_back, years_ahead=years_ahead))


def apply_input_rules(form: forms.BaseForm) -> None:
    """Give each field of a built form the rules above (fields are per-instance copies, so this is safe).

    Runs when the form is built and again before it is cleaned, for fields a form adds in its own __init__
    after the base class built the rest; a field is only ever given the rules once.
    """
    for name, field in list(form.fields.items()):
        if getattr(field, "_input_rules", False):
            continue
        field._input_rules = True
        if isinstance(field, forms.CharField) and not isinstance(field, forms.FileField):
            if field.max_length is None:
                raise ImproperlyConfigured(f"{type(form).__name__}.{name} needs a max_length: every text has a cap.")
            multi_line = isinstance(field.widget, forms.Textarea)
            field.validators.append(validate_text if multi_line else validate_one_line)
        elif isinstance(field, (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)):
            field.validators.append(validate_distinct)
        elif isinstance(field, forms.DateField):
            within = next((v for v in field.validators if isinstance(v, DateWithin)), None)
            if within is None:
                within = DateWithin()
                field.validators.append(within)
            earliest, latest = within.limits()
            # The browser's picker offers the same range; a form may have narrowed it already.
            field.widget.attrs.setdefault("min", earliest.isoformat())
            field.widget.attrs.setdefault("max", latest.isoformat())


class InputRules:
    """Mixed into a form class: the rules are applied to every instance once its fields exist."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        apply_input_rules(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        apply_input_rules(self)  # type: ignore[arg-type]
        super().full_clean()  # type: ignore[misc]


class Form(InputRules, forms.Form):
    pass


class ModelForm(InputRules, forms.ModelForm):
    pass


class StrictModelFormSet(forms.BaseModelFormSet):
    """A model formset that takes only the bookkeeping its own page sent.

    Django reads the hidden form counts leniently: a negative or Unicode-digit TOTAL_FORMS silently became
    "no forms", and a view that replaces the whole set with what came back then deleted every row. Here the
    counts must be plain numbers that match the page (as many existing rows as there are now), and row ids are
    parsed like any other id, so anything else is "reload the page", and nothing changes.
    """

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, IdChoiceField):
            form.fields[name] = IdChoiceField(
                field.queryset, initial=field.initial, required=False, widget=field.widget
            )

    def clean(self) -> None:
        super().clean()
        counts = {
            name: self.data.get(self.add_prefix(name), "")
            for name in (TOTAL_FORM_COUNT, INITIAL_FORM_COUNT, MIN_NUM_FORM_COUNT, MAX_NUM_FORM_COUNT)
        }
        if not all(isinstance(v, str) and v.isascii() and v.isdigit() for v in counts.values()):
            raise ValidationError(_("This page is out of date: reload it and make your changes again."), code="stale")
        total, initial = int(counts[TOTAL_FORM_COUNT]), int(counts[INITIAL_FORM_COUNT])
        expected = (int(counts[MIN_NUM_FORM_COUNT]), int(counts[MAX_NUM_FORM_COUNT]), initial)
        if total < initial or expected != (self.min_num, self.max_num, self.get_queryset().count()):
            raise ValidationError(_("This page is out of date: reload it and make your changes again."), code="stale")


def split_list(text: str, *, separators: str = ",\n", limit: int, longest: int, what: str) -> list[str]:
    """Items typed into one field (one per line or comma-separated), de-duplicated ignoring case, at most ``limit``.

    Raises ValidationError with a sentence naming ``what`` the items are ("skills", "channels"...).
    """
    pattern = "|".join(re.escape(separator) for separator in separators)
    unique: dict[str, str] = {}
    for item in re.split(pattern, text):
        if item.strip():
            unique.setdefault(item.strip().casefold(), item.strip())
    items = list(unique.values())
    if len(items) > limit:
        raise ValidationError(
            _("At most %(limit)s %(what)s, please; this has %(count)s.")
            % {"limit": limit, "what": what, "count": len(items)},
            code="too_many",
        )
    long = [item for item in items if len(item) > longest]
    if long:
        raise ValidationError(
            _("Keep each of the %(what)s to %(longest)s characters or fewer: “%(item)s…” is longer.")
            % {"what": what, "longest": longest, "item": long[0][:30]},
            code="too_long",
        )
    return items
