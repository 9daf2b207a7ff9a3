"""Form widgets shared by every app: the browser's own date and time pickers."""

from django import forms


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"
