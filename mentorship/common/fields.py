"""Form fields for ids a page posts back: anything but a plain positive number that fits a key is a refusal.

Django's model choice fields hand the raw text to the database; on SQLite a 40-digit number overflows there
(a 500) and Unicode digits such as "١٢" are read as numbers. These check the text first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

# The largest primary key the database can hold.
MAX_ID = 2**63 - 1


def parse_id(value: Any) -> int | None:
    """The id the text spells in ASCII digits, or None when it is anything else or out of range."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


class IdChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class IdField(forms.IntegerField):
    """A bare id (of a row the view then fetches through its permission-checked getter)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class AsciiIntegerField(forms.IntegerField):
    """A number a page posts back (a count it showed), in ASCII digits: Unicode digits are refused, not read."""

    def to_python(self, value: Any) -> int | None:
        if value not in self.empty_values:
            text = str(value).strip()
            if not (text.removeprefix("-").isascii() and text.removeprefix("-").isdigit()):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
