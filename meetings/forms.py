"""Forms for scheduling, preparing and wrapping up meetings."""

from __future__ import annotations

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.links import MeetingLinkError, validate_meeting_link
from meetings.models import PROVIDER_CHOICES, ActionItem, Meeting, MeetingSeries
from meetings.recurrence import MAX_COUNT, Ending, Frequency, ScheduleChoice, ScheduleError
from meetings.window import MeetingWindow
from mentorship.accounts.models import User
from mentorship.accounts.submissions import SubmitOnceMixin
from mentorship.accounts.zones import TimeZoneField
from mentorship.common.forms import BoundedDateField, DateWithin, Form
from mentorship.common.widgets import DateInput, TimeInput
from programs.models import Cadence
from relationships.models import Relationship

ONCE = "once"
FREQUENCY_CHOICES = [
    (ONCE, _("Just once")),
    (Frequency.WEEKLY, _("Every week")),
    (Frequency.BIWEEKLY, _("Every two weeks")),
    (Frequency.MONTHLY_WEEKDAY, _("Monthly, on the same weekday (e.g. 2nd Tuesday)")),
    (Frequency.MONTHLY_DAY, _("Monthly, on the same day of the month")),
    (Frequency.MONTHLY_LAST_DAY, _("Monthly, on the last day")),
    (Frequency.CUSTOM, _("Custom rule (RRULE)")),
]
# What the schedule form suggests for each agreed cadence.
CADENCE_SUGGESTION = {
    Cadence.WEEKLY: (Frequency.WEEKLY, ""),
    Cadence.BIWEEKLY: (Frequency.BIWEEKLY, ""),
    Cadence.MONTHLY: (Frequency.MONTHLY_WEEKDAY, ""),
    Cadence.QUARTERLY: (Frequency.CUSTOM, "FREQ=MONTHLY;INTERVAL=3"),
}


class PlaceFields(SubmitOnceMixin):
    title = forms.CharField(label=_("Title"), max_length=120, initial=_("Mentoring meeting"))
    provider = forms.ChoiceField(label=_("Where"), choices=PROVIDER_CHOICES)
    location = forms.CharField(
        label=_("Link or place"),
        max_length=500,
        help_text=_("The meeting link for video calls, a phone number, or the place you meet."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("provider") and data.get("location"):
            try:
                data["location"] = validate_meeting_link(data["provider"], data["location"]).value
            except MeetingLinkError as exc:
                self.add_error("location", exc.message)
        return data


def _set_schedule_error(form: forms.Form, exc: ScheduleError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)


def _date_limits(field: forms.Field, window: MeetingWindow, check: Callable[[datetime.date], None]) -> None:
    """The window instead of the default years: on the field (with its own words) and in the browser's picker."""
    field.widget.attrs.update(min=window.earliest.isoformat(), max=window.latest.isoformat())

    def within(day: datetime.date) -> None:
        try:
            check(day)
        except ScheduleError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from None

    field.validators = [v for v in field.validators if not isinstance(v, DateWithin)] + [within]


class ScheduleForm(PlaceFields):
    frequency = forms.ChoiceField(label=_("How often"), choices=FREQUENCY_CHOICES)
    first_date = forms.DateField(label=_("First meeting on"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    zone = TimeZoneField(picker=True)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=480, initial=60)
    ending = forms.ChoiceField(
        label=_("Until"),
        choices=[
            (Ending.NEVER, _("As long as the relationship lasts")),
            (Ending.ON_DATE, _("A date")),
            (Ending.AFTER_COUNT, _("A number of meetings")),
        ],
        initial=Ending.NEVER,
    )
    until_date = forms.DateField(label=_("Last date"), required=False, widget=DateInput())
    count = forms.IntegerField(
        label=_("Number of meetings"),
        required=False,
        min_value=1,
        max_value=MAX_COUNT,
        error_messages={
            "min_value": _("The number of meetings must be at least 1."),
            "max_value": _("A series can have at most %(limit_value)s meetings."),
        },
    )
    custom_rule = forms.CharField(
        label=_("Custom rule"),
        required=False,
        max_length=500,
        help_text=_("An RFC 5545 RRULE, e.g. FREQ=MONTHLY;INTERVAL=3"),
    )

    field_order = [
        "title",
        "frequency",
        "first_date",
        "start_time",
        "zone",
        "duration_minutes",
        "ending",
        "until_date",
        "count",
        "custom_rule",
        "provider",
        "location",
    ]

    def __init__(
        self,
        *args: Any,
        relationship: Relationship,
        viewer: User,
        series: MeetingSeries | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.window = MeetingWindow.for_relationship(relationship, series=series)
        _date_limits(self.fields["first_date"], self.window, self.window.check_start)
        _date_limits(
            self.fields["until_date"], self.window, lambda day: self.window.check_start(day, field="until_date")
        )
        agreement = relationship.agreements.first()
        zone = viewer.profile.time_zone
        self.fields["zone"].initial = zone
        if agreement is not None:
            frequency, rule = CADENCE_SUGGESTION[Cadence(agreement.cadence)]
            self.fields["frequency"].initial = frequency
            self.fields["custom_rule"].initial = rule
            self.fields["duration_minutes"].initial = agreement.meeting_minutes
            self.fields["frequency"].help_text = _("Suggested from your agreement: %(cadence)s.") % {
                "cadence": agreement.get_cadence_display().lower()
            }
        else:
            self.fields["frequency"].initial = Frequency.MONTHLY_WEEKDAY
            self.fields["duration_minutes"].initial = relationship.program.default_meeting_minutes
        self.fields["start_time"].initial = datetime.time(9, 0)
        if series is None:
            self._end_with_relationship(relationship, agreement)

    def _end_with_relationship(self, relationship: Relationship, agreement: Any) -> None:
        """A new series ends when the relationship is planned to end, when it has a date for that."""
        end = relationship.planned_end_on or (agreement.ends_on if agreement is not None else None)
        if end is not None and timezone.localdate() <= end <= self.window.latest:
            self.fields["ending"].initial = Ending.ON_DATE
            self.fields["until_date"].initial = end

    def prefill_start(self, start: datetime.datetime, zone: str) -> None:
        """Fill the first meeting from a proposed start (an aware instant), read in ``zone``."""
        local = start.astimezone(zoneinfo.ZoneInfo(zone))
        self.fields["first_date"].initial = local.date()
        self.fields["start_time"].initial = local.time().replace(tzinfo=None)
        self.fields["zone"].initial = zone

    def chosen(self, name: str) -> Any:
        """What the field holds now: the posted value, or the initial one."""
        if self.is_bound:
            return self.data.get(name, "")
        return self.initial.get(name, self.fields[name].initial)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            if data["frequency"] == ONCE:
                start = datetime.datetime.combine(data["first_date"], data["start_time"])
                self.window.check_meeting(start, data["zone"], field="first_date")
            else:
                self.window.check_choice(self.choice())
        except ScheduleError as exc:
            _set_schedule_error(self, exc)
        return data

    @property
    def is_once(self) -> bool:
        return self.cleaned_data["frequency"] == ONCE

    def choice(self) -> ScheduleChoice:
        data = self.cleaned_data
        return ScheduleChoice(
            frequency=Frequency(data["frequency"]),
            first_date=data["first_date"],
            start_time=data["start_time"],
            zone=data["zone"],
            duration_minutes=data["duration_minutes"],
            ending=Ending(data["ending"]),
            until_date=data.get("until_date"),
            count=data.get("count"),
            custom_rule=data.get("custom_rule", ""),
        )


class MeetingForm(PlaceFields):
    """Move or relocate one meeting."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts at"), widget=TimeInput())
    zone = TimeZoneField(picker=True)
    duration_minutes = forms.IntegerField(label=_("Length (minutes)"), min_value=5, max_value=480)

    field_order = ["title", "date", "start_time", "zone", "duration_minutes", "provider", "location"]

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.window = MeetingWindow.for_relationship(relationship)
        _date_limits(self.fields["date"], self.window, lambda day: self.window.check_start(day, field="date"))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                self.window.check_meeting(self.start_local(), data["zone"], field="date")
            except ScheduleError as exc:
                _set_schedule_error(self, exc)
        return data

    def start_local(self) -> datetime.datetime:
        return datetime.datetime.combine(self.cleaned_data["date"], self.cleaned_data["start_time"])

    @classmethod
    def for_meeting(cls, meeting: Meeting, data: Any = None) -> MeetingForm:
        local = meeting.local_start
        return cls(
            data,
            relationship=meeting.relationship,
            initial={
                "title": meeting.title,
                "date": local.date(),
                "start_time": local.time().replace(tzinfo=None),
                "zone": meeting.zone,
                "duration_minutes": meeting.duration_minutes,
                "provider": meeting.provider,
                "location": meeting.location,
            },
        )


class AgendaForm(Form):
    text = forms.CharField(label=_("Topic"), max_length=300)
    needs_extra_time = forms.BooleanField(label=_("Needs more time (we discuss it first)"), required=False)


class WrapUpForm(SubmitOnceMixin):
    status = forms.ChoiceField(
        label=_("How did it go?"),
        choices=[
            (Meeting.Status.HELD, _("We met")),
            (Meeting.Status.MISSED, _("We missed it")),
            (Meeting.Status.CANCELLED, _("It was cancelled")),
        ],
        widget=forms.RadioSelect,
        initial=Meeting.Status.HELD,
    )
    shared_notes = forms.CharField(
        label=_("Shared notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea({"rows": 4}),
        help_text=_("Both of you see these."),
    )
    private_note = forms.CharField(
        label=_("My private notes"),
        required=False,
        max_length=10000,
        widget=forms.Textarea({"rows": 3}),
        help_text=_("Only you see these."),
    )
    rating = forms.TypedChoiceField(
        label=_("How useful was this meeting for you?"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
        widget=forms.RadioSelect,
        help_text=_("5 is most useful. The program team sees only averages."),
    )
    comment = forms.CharField(label=_("Feedback comment"), required=False, max_length=2000)
    thank_you = forms.CharField(
        label=_("Say thanks (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea({"rows": 2}),
        help_text=_("We email it to the other person."),
    )


class ActionItemForm(SubmitOnceMixin):
    description = forms.CharField(label=_("Action item"), max_length=300)
    owner = forms.ChoiceField(label=_("Who"))
    # Due dates: from a year back (recording what is already late) to five years ahead.
    due_on = BoundedDateField(label=_("Due on"), widget=DateInput(), years_back=1, years_ahead=5)
    resource_url = forms.URLField(
        label=_("Link to a shared resource"), required=False, max_length=500, assume_scheme="https"
    )

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.relationship = relationship
        self.fields["owner"].choices = [
            (relationship.mentee_id, relationship.mentee.display_name),
            (relationship.mentor_id, relationship.mentor.display_name),
        ]

    def chosen_owner(self) -> User:
        owner_id = int(self.cleaned_data["owner"])
        return self.relationship.mentee if owner_id == self.relationship.mentee_id else self.relationship.mentor


class ActionItemStatusForm(Form):
    status = forms.ChoiceField(choices=ActionItem.Status.choices)


class WrapUpItemForm(ActionItemForm):
    """One action item row inside the wrap-up form; the wrap-up's own token guards the whole save."""

    def __init__(self, *args: Any, relationship: Relationship, owner_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, relationship=relationship, **kwargs)
        self.fields.pop("submission", None)
        # A row left as shown (owner preset to the person writing) counts as unchanged and is skipped.
        self.fields["owner"].initial = None if owner_id is None else str(owner_id)  # compared as posted text
        self.fields["description"].required = True


WRAP_UP_ITEMS_PREFIX = "items"
MAX_WRAP_UP_ITEMS = 10


class BaseWrapUpItems(forms.BaseFormSet):
    def clean(self) -> None:
        # Django reads a negative or odd count as "no rows"; only a forged form sends one, so it saves nothing.
        counts = [self.data.get(self.add_prefix(name), "") for name in ("TOTAL_FORMS", "INITIAL_FORMS")]
        limits = {
            self.add_prefix("MIN_NUM_FORMS"): str(self.min_num),
            self.add_prefix("MAX_NUM_FORMS"): str(self.max_num),
        }
        if (
            not all(isinstance(v, str) and v.isascii() and v.isdigit() for v in counts)
            or counts[1] != "0"
            or any(key in self.data and self.data[key] != value for key, value in limits.items())
        ):
            raise forms.ValidationError(_("The action item rows arrived garbled; please send the form again."))

    def filled(self) -> list[WrapUpItemForm]:
        """The rows someone typed into (valid formset only); untouched empty rows are not action items."""
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]


WrapUpItems = forms.formset_factory(
    WrapUpItemForm,
    formset=BaseWrapUpItems,
    extra=1,
    min_num=0,
    max_num=MAX_WRAP_UP_ITEMS,
    absolute_max=MAX_WRAP_UP_ITEMS,
    validate_max=True,
)
