"""Meeting pages: schedule, prepare the agenda, meet, wrap up, follow through; calendar files and the feed."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from meetings import assistant, calendars, selectors, services
from meetings.forms import (
    MAX_WRAP_UP_ITEMS,
    WRAP_UP_ITEMS_PREFIX,
    ActionItemForm,
    AgendaForm,
    MeetingForm,
    ScheduleForm,
    WrapUpForm,
    WrapUpItems,
)
from meetings.models import ActionItem, AgendaItem, CalendarFeed, Meeting
from meetings.recurrence import Ending
from mentorship.accounts.submissions import submitted_once
from mentorship.common.fields import parse_id
from mentorship.common.views import run_service
from mentorship.notifications.emails import absolute_url
from relationships.models import Relationship, Side
from relationships.selectors import get_relationship_for_user


def _ics(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _no_file(request: HttpRequest, back: str) -> HttpResponse:
    messages.error(
        request,
        _("The calendar file for this schedule cannot be made: its dates are out of range. Change or stop the series."),
    )
    return redirect(back)


# -- scheduling --------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, relationship_pk: int) -> HttpResponse:
    relationship, side = get_relationship_for_user(user=request.user, pk=relationship_pk)
    if side not in ("mentee", "mentor"):
        raise Http404("Only the pair schedules meetings")
    form = ScheduleForm(request.POST or None, relationship=relationship, viewer=request.user)
    proposals, picked = _proposals(request, form, relationship)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = services.Place(title=data["title"], provider=data["provider"], location=data["location"])
        if form.is_once:
            action = lambda: services.meeting_create(  # noqa: E731
                relationship=relationship,
                side=side,
                actor=request.user,
                # A one-off has no repeat rule, so ScheduleForm.choice() (which needs one) does not apply.
                start_local=datetime.datetime.combine(data["first_date"], data["start_time"]),
                zone=data["zone"],
                duration_minutes=data["duration_minutes"],
                place=place,
            )
        else:
            action = lambda: services.series_create(  # noqa: E731
                relationship=relationship, side=side, actor=request.user, choice=form.choice(), place=place
            )
        if run_service(request, submitted_once(request, action), success=_("Meeting scheduled."), form=form):
            return redirect(relationship.get_absolute_url() + "#meetings")
    context = {"relationship": relationship, "form": form, "series": None, "proposals": proposals, "picked": picked}
    return render(request, "meetings/schedule.html", context)


def _proposals(
    request: HttpRequest, form: ScheduleForm, relationship: Relationship
) -> tuple[list[assistant.Proposal], str]:
    """The assistant's proposals for the cadence and length in the form; ``?slot=`` fills the first meeting."""
    if not form.is_bound:
        frequency = request.GET.get("frequency", "")
        if frequency in dict(form.fields["frequency"].choices):
            form.fields["frequency"].initial = frequency
    picked = assistant.parse_slot(request.GET.get("slot"))
    if picked is not None and not form.is_bound:
        # The zone the assistant read the organiser's week in (UTC for a zone no longer known).
        form.prefill_start(picked, request.user.zone.key)
    duration = parse_id(str(form.chosen("duration_minutes")))
    if duration is None or not 5 <= duration <= 480:
        duration = form.fields["duration_minutes"].initial
    # What the form holds now: a re-shown form proposes up to the last date typed, not the agreement's.
    until = _chosen_date(form, "until_date") if str(form.chosen("ending")) == Ending.ON_DATE else None
    proposals = assistant.proposals_for(
        relationship=relationship,
        viewer=request.user,
        frequency=str(form.chosen("frequency")),
        duration_minutes=duration,
        until=until,
        earliest=form.window.earliest,
    )
    return proposals, assistant.slot_param(picked) if picked else ""


def _chosen_date(form: ScheduleForm, name: str) -> datetime.date | None:
    """The date a field holds now, or None while what was typed is not a date (the form says why)."""
    try:
        return form.fields[name].to_python(form.chosen(name))
    except ValidationError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def series_edit(request: HttpRequest, pk: int) -> HttpResponse:
    series, side = selectors.get_series_for_user(user=request.user, pk=pk)
    relationship = series.relationship
    initial = {
        "title": series.title,
        "first_date": series.first_date,
        "start_time": series.start_time,
        "zone": series.zone,
        "duration_minutes": series.duration_minutes,
        "frequency": "custom",
        "custom_rule": series.rrule,
        "provider": series.provider,
        "location": series.location,
    }
    form = ScheduleForm(
        request.POST or None, initial=initial, relationship=relationship, viewer=request.user, series=series
    )
    form.fields["frequency"].choices = [c for c in form.fields["frequency"].choices if c[0] != "once"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = services.Place(title=data["title"], provider=data["provider"], location=data["location"])
        if run_service(
            request,
            lambda: services.series_update(
                series=series, side=side, actor=request.user, choice=form.choice(), place=place
            ),
            success=_("Schedule updated. Meetings you moved or cancelled one by one keep their changes."),
            form=form,
        ):
            return redirect(relationship.get_absolute_url() + "#meetings")
    return render(request, "meetings/schedule.html", {"relationship": relationship, "form": form, "series": series})


@login_required
@require_POST
def series_end(request: HttpRequest, pk: int) -> HttpResponse:
    series, side = selectors.get_series_for_user(user=request.user, pk=pk)
    run_service(
        request,
        lambda: services.series_end(series=series, side=side, actor=request.user),
        success=_("The series is stopped; its future meetings are cancelled."),
    )
    return redirect(series.relationship.get_absolute_url() + "#meetings")


@login_required
@require_GET
def series_ics(request: HttpRequest, pk: int) -> HttpResponse:
    series, _side = selectors.get_series_for_user(user=request.user, pk=pk)
    try:
        return _ics(calendars.series_ics(series), f"mentoring-series-{series.pk}.ics")
    except calendars.CalendarUnavailable:
        return _no_file(request, series.relationship.get_absolute_url() + "#meetings")


# -- one meeting -------------------------------------------------------------------------------------------


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    context = {
        "meeting": meeting,
        "relationship": meeting.relationship,
        "side": side,
        "agenda_form": AgendaForm(),
        **selectors.meeting_page(meeting=meeting, viewer=request.user),
    }
    return render(request, "meetings/detail.html", context)


@login_required
@require_GET
def meeting_ics(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, _side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    try:
        return _ics(calendars.meeting_ics(meeting), f"mentoring-meeting-{meeting.pk}.ics")
    except calendars.CalendarUnavailable:
        return _no_file(request, meeting.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    form = MeetingForm.for_meeting(meeting, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = services.Place(title=data["title"], provider=data["provider"], location=data["location"])
        if run_service(
            request,
            lambda: services.meeting_update(
                meeting=meeting,
                side=side,
                actor=request.user,
                start_local=form.start_local(),
                zone=data["zone"],
                duration_minutes=data["duration_minutes"],
                place=place,
            ),
            success=_("Meeting updated."),
            form=form,
        ):
            return redirect(meeting)
    return render(request, "meetings/meeting_form.html", {"meeting": meeting, "form": form})


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    run_service(
        request,
        lambda: services.meeting_cancel(meeting=meeting, side=side, actor=request.user),
        success=_("Meeting cancelled."),
    )
    return redirect(meeting)


# -- agenda ------------------------------------------------------------------------------------------------


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting, side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    form = AgendaForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            submitted_once(
                request,
                lambda: services.agenda_add(meeting=meeting, side=side, actor=request.user, **_agenda(form)),
            ),
            success=_("Topic added."),
        )
    else:
        messages.error(request, _("Write the topic first (up to 300 characters)."))
    return redirect(meeting.get_absolute_url() + "#agenda")


def _agenda(form: AgendaForm) -> dict[str, Any]:
    return {"text": form.cleaned_data["text"], "needs_extra_time": form.cleaned_data["needs_extra_time"]}


def _agenda_item(request: HttpRequest, item_pk: int) -> tuple[AgendaItem, str]:
    item = AgendaItem.objects.select_related("meeting__relationship").filter(pk=item_pk).first()
    side = item.meeting.relationship.side_of(request.user.pk) if item else None
    if side is None:
        raise Http404("No such topic")
    return item, side


@login_required
@require_POST
def agenda_change(request: HttpRequest, item_pk: int, action: str) -> HttpResponse:
    item, side = _agenda_item(request, item_pk)
    operations: dict[str, tuple[Callable[[], Any], str]] = {
        "up": (lambda: services.agenda_move(item=item, side=side, direction=-1), _("Topic moved up.")),
        "down": (lambda: services.agenda_move(item=item, side=side, direction=1), _("Topic moved down.")),
        "extra": (lambda: services.agenda_toggle_extra_time(item=item, side=side), _("Topic updated.")),
        "delete": (lambda: services.agenda_delete(item=item, side=side, actor=request.user), _("Topic removed.")),
    }
    if action not in operations:
        raise Http404("Unknown change")
    run, success = operations[action]
    run_service(request, run, success=success)
    return redirect(item.meeting.get_absolute_url() + "#agenda")


# -- wrap-up and action items ------------------------------------------------------------------------------

WRAP_UP_FIELDS = ("status", "shared_notes", "private_note", "rating", "comment", "thank_you")


def _quiet(form: Any) -> None:
    """Show a bound form with what was typed but without checking it: "add an action item" is not a save."""
    form._errors = ErrorDict()
    form.cleaned_data = {}


def _wrap_up_items(request: HttpRequest, meeting: Meeting, *, more: bool = False) -> WrapUpItems:
    """The action item rows: as posted (plus one empty row when asked for), or one empty row to start with.

    A post without the rows at all (an older page, a script) wraps up without action items.
    """
    kwargs = {"relationship": meeting.relationship, "owner_id": request.user.pk}
    prefix = WRAP_UP_ITEMS_PREFIX
    total_key = f"{prefix}-TOTAL_FORMS"
    if request.method != "POST":
        return WrapUpItems(prefix=prefix, form_kwargs=kwargs)  # one empty row, the owner preset to the viewer
    data = request.POST.copy()
    if total_key not in data:
        data.update({total_key: "0", f"{prefix}-INITIAL_FORMS": "0"})
    if more:
        rows = min(parse_id(data.get(total_key, "")) or 0, MAX_WRAP_UP_ITEMS - 1)
        data[total_key] = str(rows + 1)
        # The new row shows the viewer as owner, as an untouched row does, so it still counts as empty.
        data[f"{prefix}-{rows}-owner"] = str(request.user.pk)
    return WrapUpItems(data, prefix=prefix, form_kwargs=kwargs)


@login_required
@require_http_methods(["GET", "POST"])
def wrap_up(request: HttpRequest, pk: int) -> HttpResponse:
    """One form: how it went, notes, rating, thanks and the action items agreed.

    "Add an action item" posts the form back and shows it again with everything typed kept and one more row;
    nothing is saved until "Save the wrap-up".
    """
    meeting, side = selectors.get_meeting_for_user(user=request.user, pk=pk)
    if not meeting.has_started:
        messages.info(request, services.wrap_up_not_yet_message(meeting, request.user.zone))
        return redirect(meeting.get_absolute_url())
    page = selectors.meeting_page(meeting=meeting, viewer=request.user)
    initial = {
        "shared_notes": meeting.shared_notes,
        "private_note": page["my_note"].body if page["my_note"] else "",
        "rating": page["my_feedback"].rating if page["my_feedback"] else None,
        "comment": page["my_feedback"].comment if page["my_feedback"] else "",
    }
    if meeting.status != Meeting.Status.SCHEDULED:
        initial["status"] = meeting.status
    form = WrapUpForm(request.POST or None, initial=initial)
    adding = request.method == "POST" and "add_item" in request.POST
    items = _wrap_up_items(request, meeting, more=adding)
    if adding:
        _quiet(form)
        for row in items.forms:
            if row.has_changed():
                continue  # the new empty row, and rows not typed into yet, show no "required" errors
            _quiet(row)
    elif request.method == "POST" and form.is_valid() & items.is_valid():  # both checked: every error shown
        data = services.WrapUp(**{name: form.cleaned_data[name] for name in WRAP_UP_FIELDS})
        agreed = [
            services.NewActionItem(
                description=row.cleaned_data["description"],
                owner=row.chosen_owner(),
                due_on=row.cleaned_data["due_on"],
                resource_url=row.cleaned_data["resource_url"],
            )
            for row in items.filled()
        ]
        if run_service(
            request,
            submitted_once(
                request,
                lambda: services.meeting_wrap_up(
                    meeting=meeting, side=side, actor=request.user, data=data, items=agreed
                ),
            ),
            success=_("Wrap-up saved."),
            form=form,
        ):
            return redirect("meetings:wrap_up", pk=meeting.pk)
    context = {
        "meeting": meeting,
        "relationship": meeting.relationship,
        "form": form,
        "items": items,
        "can_add_item": len(items.forms) < MAX_WRAP_UP_ITEMS,
        **page,
    }
    return render(request, "meetings/wrap_up.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_item_add(request: HttpRequest, relationship_pk: int) -> HttpResponse:
    """An action item between meetings: its own page, so the relationship page stays light and typed text survives
    a refusal. A post naming a meeting (an item agreed in it) goes back to that meeting's wrap-up."""
    relationship, side = get_relationship_for_user(user=request.user, pk=relationship_pk)
    if side not in (Side.MENTEE, Side.MENTOR):
        raise Http404("Only the pair adds action items")
    if request.method == "GET":
        if not relationship.is_open:
            messages.error(request, _("This relationship has ended: it takes no new action items."))
            return redirect(relationship.get_absolute_url())
        form = ActionItemForm(relationship=relationship, initial={"owner": request.user.pk})
        return render(request, "meetings/action_item_form.html", {"relationship": relationship, "form": form})
    meeting = None
    meeting_id = request.POST.get("meeting", "")
    if meeting_id:
        number = parse_id(meeting_id)
        if number is not None:
            meeting = relationship.meetings.filter(pk=number).first()
        if meeting is None:
            raise Http404("No such meeting")
    if meeting:
        back = reverse("meetings:wrap_up", args=[meeting.pk]) + "#action-items"
    else:
        back = relationship.get_absolute_url() + "#meetings"
    form = ActionItemForm(request.POST, relationship=relationship)
    if not form.is_valid():
        if not meeting:
            return render(request, "meetings/action_item_form.html", {"relationship": relationship, "form": form})
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    run_service(
        request,
        submitted_once(
            request,
            lambda: services.action_item_add(
                relationship=relationship,
                side=side,
                actor=request.user,
                description=data["description"],
                owner=form.chosen_owner(),
                due_on=data["due_on"],
                resource_url=data["resource_url"],
                meeting=meeting,
            ),
        ),
        success=_("Action item added."),
    )
    return redirect(back)


@login_required
@require_POST
def action_item_status(request: HttpRequest, pk: int) -> HttpResponse:
    item, side = selectors.get_action_item_for_user(user=request.user, pk=pk)
    status = request.POST.get("status", ActionItem.Status.DONE)
    labels = {ActionItem.Status.DONE: _("Done: nice work."), ActionItem.Status.OPEN: _("Reopened.")}
    run_service(
        request,
        lambda: services.action_item_set_status(item=item, side=side, status=status),
        success=labels.get(status, _("Action item updated.")),
    )
    back = request.POST.get("next", "")
    # Only a path on this site: anything else ("x", a view's name, control characters) is not somewhere to go.
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = item.relationship.get_absolute_url()
    return redirect(back)


# -- calendar feed -----------------------------------------------------------------------------------------


@never_cache
@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    user = services.calendar_feed_owner(token=token)
    if user is None:
        raise Http404("No such feed")
    response = HttpResponse(calendars.person_feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentorship.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    new_url = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar link is switched off."))
            return redirect("meetings:calendar_settings")
        token = services.calendar_feed_rotate(user=request.user)
        new_url = absolute_url(reverse("calendar_feed", args=[token]))
        messages.success(request, _("Your new calendar link is ready. Any older link has stopped working."))
    feed = CalendarFeed.objects.filter(user=request.user).first()
    return render(request, "meetings/calendar_settings.html", {"feed": feed, "new_url": new_url})
