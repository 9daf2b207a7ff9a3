"""Meeting services: schedules become occurrence rows, and every change keeps the rules the issue sets."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from meetings import selectors, services, tasks
from meetings.models import (
    ActionItem,
    AgendaItem,
    CalendarFeed,
    Meeting,
    MeetingFeedback,
    MeetingPrivateNote,
    MeetingSeries,
)
from meetings.recurrence import Ending, Frequency
from meetings.tests.conftest import NOW
from meetings.tests.factories import (
    choice,
    local,
    occurrences,
    pair,
    person,
    place,
    schedule_once,
    schedule_series,
)
from mentorship.accounts.models import User
from mentorship.notifications.models import OutboundEmail
from relationships import services as relationship_services
from relationships.models import Relationship, Side

BERLIN = "Europe/Berlin"
D = datetime.date
T = datetime.time
DT = datetime.datetime


def local_starts(series: MeetingSeries, limit: int | None = None) -> list[DT]:
    return [local(m.start, series.zone) for m in occurrences(series)][:limit]


# -- schedules -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "rrule", "first_four"),
    [
        (
            {"frequency": Frequency.WEEKLY},
            "FREQ=WEEKLY;BYDAY=MO",
            [D(2027, 1, 11), D(2027, 1, 18), D(2027, 1, 25), D(2027, 2, 1)],
        ),
        (
            {"frequency": Frequency.BIWEEKLY},
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
            [D(2027, 1, 11), D(2027, 1, 25), D(2027, 2, 8), D(2027, 2, 22)],
        ),
        (
            # 11 January 2027 is the second Monday of its month.
            {"frequency": Frequency.MONTHLY_WEEKDAY},
            "FREQ=MONTHLY;BYDAY=2MO",
            [D(2027, 1, 11), D(2027, 2, 8), D(2027, 3, 8), D(2027, 4, 12)],
        ),
        (
            {"frequency": Frequency.MONTHLY_DAY, "first_date": D(2027, 1, 30)},
            "FREQ=MONTHLY;BYMONTHDAY=28,29,30;BYSETPOS=-1",
            [D(2027, 1, 30), D(2027, 2, 28), D(2027, 3, 30), D(2027, 4, 30)],
        ),
        (
            {"frequency": Frequency.CUSTOM, "custom_rule": "FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO"},
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=2MO",
            [D(2027, 1, 11), D(2027, 4, 12), D(2027, 7, 12), D(2027, 10, 11)],
        ),
    ],
    ids=["weekly", "biweekly", "monthly-nth-weekday", "monthly-on-the-30th", "custom-rrule"],
)
def test_each_frequency_stores_its_rule_and_materialises_its_dates(
    relationship: Relationship, changes: dict[str, Any], rrule: str, first_four: list[D]
) -> None:
    series = schedule_series(relationship, **changes)

    assert series.rrule == rrule
    assert [moment.date() for moment in local_starts(series, 4)] == first_four
    assert {moment.time() for moment in local_starts(series)} == {T(9, 30)}


def test_an_open_ended_series_is_materialised_up_to_the_horizon_only(relationship: Relationship) -> None:
    series = schedule_series(relationship)

    rows = occurrences(series)
    assert series.materialised_until == NOW + services.HORIZON
    assert rows[-1].start < NOW + services.HORIZON <= rows[-1].start + datetime.timedelta(days=7)
    assert len(rows) == 57  # every Monday from 11 January 2027 to 7 February 2028
    assert all(m.status == Meeting.Status.SCHEDULED and not m.is_override for m in rows)
    assert all(m.original_start == m.start and m.end - m.start == datetime.timedelta(minutes=45) for m in rows)


def test_a_series_ending_on_a_date_includes_that_day(relationship: Relationship) -> None:
    series = schedule_series(relationship, ending=Ending.ON_DATE, until_date=D(2027, 2, 1))

    assert [m.date() for m in local_starts(series)] == [D(2027, 1, 11), D(2027, 1, 18), D(2027, 1, 25), D(2027, 2, 1)]


def test_a_series_ending_after_a_count_has_exactly_that_many_meetings(relationship: Relationship) -> None:
    series = schedule_series(relationship, frequency=Frequency.MONTHLY_WEEKDAY, ending=Ending.AFTER_COUNT, count=3)

    assert series.rrule == "FREQ=MONTHLY;BYDAY=2MO;COUNT=3"
    assert [m.date() for m in local_starts(series)] == [D(2027, 1, 11), D(2027, 2, 8), D(2027, 3, 8)]


def test_wall_clock_time_holds_across_daylight_saving_in_the_series_zone(relationship: Relationship) -> None:
    series = schedule_series(relationship)

    by_date = {local(m.start, BERLIN).date(): m.start for m in occurrences(series)}
    assert by_date[D(2027, 1, 18)].astimezone(datetime.UTC).time() == T(8, 30)  # CET, UTC+1
    assert by_date[D(2027, 7, 19)].astimezone(datetime.UTC).time() == T(7, 30)  # CEST, UTC+2
    assert {local(start, BERLIN).time() for start in by_date.values()} == {T(9, 30)}


def test_a_series_in_new_york_keeps_its_own_wall_clock(relationship: Relationship) -> None:
    series = schedule_series(relationship, actor=relationship.mentor, zone="America/New_York", start_time=T(8, 0))

    starts = {local(m.start, "America/New_York").date(): m.start for m in occurrences(series)}
    assert starts[D(2027, 3, 8)].astimezone(datetime.UTC).time() == T(13, 0)  # EST before 14 March
    assert starts[D(2027, 3, 15)].astimezone(datetime.UTC).time() == T(12, 0)  # EDT after


def test_a_one_off_meeting_is_a_row_without_a_series(relationship: Relationship) -> None:
    meeting = schedule_once(relationship, DT(2027, 7, 1, 9, 30), duration_minutes=50)

    assert meeting.series is None and meeting.original_start is None
    assert meeting.start == DT(2027, 7, 1, 7, 30, tzinfo=datetime.UTC)
    assert meeting.end - meeting.start == datetime.timedelta(minutes=50)
    assert meeting.uid == f"meeting-{meeting.pk}@mentorship"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ending": Ending.ON_DATE, "until_date": D(2027, 1, 10)}, "until_date"),
        ({"ending": Ending.AFTER_COUNT, "count": 0}, "count"),
        ({"frequency": Frequency.CUSTOM, "custom_rule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"}, "custom_rule"),
        ({"frequency": Frequency.CUSTOM, "custom_rule": "FREQ=WEEKLY;UNTIL=20261231T000000Z"}, "custom_rule"),
        (
            {
                "first_date": D(2027, 3, 28),
                "start_time": T(2, 30),
                "frequency": Frequency.CUSTOM,
                "custom_rule": "FREQ=WEEKLY",
            },
            "start_time",
        ),
        ({"zone": "Mars/Olympus_Mons"}, "zone"),
    ],
    ids=["until-before-first", "count-zero", "rule-without-dates", "rule-ending-before-start", "skipped-hour", "zone"],
)
def test_an_impossible_schedule_is_refused_on_its_field_and_creates_nothing(
    relationship: Relationship, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(services.MeetingError) as refused:
        schedule_series(relationship, **changes)

    assert refused.value.field == field
    assert str(refused.value)
    assert not MeetingSeries.objects.exists() and not Meeting.objects.exists()


def test_a_one_off_in_the_skipped_hour_is_refused(relationship: Relationship) -> None:
    with pytest.raises(services.MeetingError) as refused:
        schedule_once(relationship, DT(2027, 3, 28, 2, 30))

    assert refused.value.field == "start_time"
    assert "does not exist" in str(refused.value)
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("provider", "location"),
    [
        ("zoom", "https://zoom.us.evil.example/j/1"),
        ("teams", "https://acme.zoom.us/j/1"),
        ("meet", "http://meet.google.com/abc-defg-hij"),
        ("phone", "call me maybe"),
    ],
)
def test_a_link_that_does_not_fit_its_provider_is_refused(
    relationship: Relationship, provider: str, location: str
) -> None:
    with pytest.raises(services.MeetingError) as refused:
        schedule_series(relationship, place=place(provider, location))

    assert refused.value.field == "location"
    assert not MeetingSeries.objects.exists()


def test_scheduling_emails_the_other_person(
    relationship: Relationship, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule_series(relationship, actor=relationship.mentor)

    assert [message.to for message in mail.outbox] == [[relationship.mentee.email]]
    assert "Marco Mentor" in mail.outbox[0].subject


def test_only_the_two_people_of_an_open_relationship_schedule(relationship: Relationship, program_admin: User) -> None:
    with pytest.raises(services.MeetingError):
        services.series_create(
            relationship=relationship, side=Side.ADMIN, actor=program_admin, choice=choice(), place=place()
        )
    relationship_services.relationship_end(
        relationship=relationship, side=Side.MENTEE, actor=relationship.mentee, completed=True, reason=""
    )
    with pytest.raises(services.MeetingError, match="ended"):
        schedule_series(relationship)
    assert not MeetingSeries.objects.exists()


# -- the rolling horizon -------------------------------------------------------------------------------------------


def test_the_periodic_task_extends_the_horizon_without_touching_existing_rows(
    relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    series = schedule_series(relationship)
    first = occurrences(series)[0]
    AgendaItem.objects.create(meeting=first, author=relationship.mentee, text="Career plan", position=1)
    before = {m.pk: m.original_start for m in occurrences(series)}

    clock.shift(datetime.timedelta(days=70))
    tasks.extend_horizon.delay()

    series.refresh_from_db()
    after = occurrences(series)
    assert series.materialised_until == NOW + datetime.timedelta(days=70) + services.HORIZON
    assert len(after) == len(before) + 10
    assert {m.pk: m.original_start for m in after if m.pk in before} == before
    assert first.agenda.get().text == "Career plan"
    assert services.horizon_extend() == 0  # a second run finds nothing to do


def test_the_periodic_task_hands_the_series_to_workers_in_chunks(
    relationship: Relationship,
    other_relationship: Relationship,
    clock: time_machine.Coordinates,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first = schedule_series(relationship)
    second = schedule_series(other_relationship, actor=other_relationship.mentee)
    third = schedule_series(relationship, first_date=datetime.date(2027, 1, 12))
    services.series_end(series=third, side=Side.MENTEE, actor=relationship.mentee)
    monkeypatch.setattr(tasks, "HORIZON_CHUNK", 1)
    handed: list[list[int]] = []
    run_chunk = tasks.extend_horizon_for.run
    monkeypatch.setattr(tasks.extend_horizon_for, "run", lambda ids: handed.append(ids) or run_chunk(ids))

    clock.shift(datetime.timedelta(days=70))
    assert tasks.extend_horizon.delay().get() == 2  # one chunk per running series; the stopped one is left

    assert sorted(handed) == sorted([[first.pk], [second.pk]])
    until = NOW + datetime.timedelta(days=70) + services.HORIZON
    for series in (first, second):
        series.refresh_from_db()
        assert series.materialised_until == until
    assert list(services.horizon_chunks()) == []


def test_extending_named_series_leaves_the_others_behind(
    relationship: Relationship, other_relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    first = schedule_series(relationship)
    second = schedule_series(other_relationship, actor=other_relationship.mentee)
    clock.shift(datetime.timedelta(days=70))
    assert services.horizon_extend(series_ids=[first.pk]) == 10
    assert list(services.horizon_chunks()) == [[second.pk]]


def test_the_horizon_does_not_grow_for_a_stopped_series(relationship: Relationship, clock: Any) -> None:
    series = schedule_series(relationship)
    services.series_end(series=series, side=Side.MENTEE, actor=relationship.mentee)
    count = Meeting.objects.count()

    clock.shift(datetime.timedelta(days=90))

    assert services.horizon_extend() == 0
    assert Meeting.objects.count() == count


# -- one occurrence on its own -------------------------------------------------------------------------------------


def test_moving_one_occurrence_leaves_the_others_alone(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    second = occurrences(series)[1]

    moved = services.meeting_update(
        meeting=second,
        side=Side.MENTOR,
        actor=relationship.mentor,
        start_local=DT(2027, 1, 19, 16, 0),
        zone=BERLIN,
        duration_minutes=30,
        place=place("in_person", "Room 4.12"),
    )

    moved.refresh_from_db()
    assert moved.is_override and moved.sequence == 1
    assert local(moved.start, BERLIN) == DT(2027, 1, 19, 16, 0)
    assert moved.original_start == DT(2027, 1, 18, 8, 30, tzinfo=datetime.UTC)
    assert (moved.provider, moved.location, moved.duration_minutes) == ("in_person", "Room 4.12", 30)
    others = [m for m in occurrences(series) if m.pk != moved.pk]
    assert all(not m.is_override and m.sequence == 0 and m.provider == "zoom" for m in others)


def test_cancelling_one_occurrence_keeps_it_as_a_cancelled_row(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    third = occurrences(series)[2]

    services.meeting_cancel(meeting=third, side=Side.MENTEE, actor=relationship.mentee)

    third.refresh_from_db()
    assert third.status == Meeting.Status.CANCELLED and third.is_override and third.sequence == 1
    with pytest.raises(services.MeetingError):
        services.meeting_cancel(meeting=third, side=Side.MENTEE, actor=relationship.mentee)
    with pytest.raises(services.MeetingError):
        services.meeting_update(
            meeting=third,
            side=Side.MENTEE,
            actor=relationship.mentee,
            start_local=DT(2027, 1, 26, 9, 30),
            zone=BERLIN,
            duration_minutes=45,
            place=place(),
        )


# -- editing the series --------------------------------------------------------------------------------------------


def test_editing_the_series_moves_future_occurrences_but_keeps_individual_changes(
    relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    series = schedule_series(relationship)
    rows = occurrences(series)
    past, moved, cancelled = rows[0], rows[2], rows[3]
    services.meeting_update(
        meeting=moved,
        side=Side.MENTEE,
        actor=relationship.mentee,
        start_local=DT(2027, 1, 27, 15, 0),
        zone=BERLIN,
        duration_minutes=45,
        place=place(),
    )
    services.meeting_cancel(meeting=cancelled, side=Side.MENTEE, actor=relationship.mentee)
    clock.move_to(DT(2027, 1, 12, 8, 0, tzinfo=datetime.UTC))  # the first meeting is history now

    services.series_update(
        series=series,
        side=Side.MENTOR,
        actor=relationship.mentor,
        choice=choice(start_time=T(10, 0)),
        place=place("meet", "https://meet.google.com/abc-defg-hij"),
    )

    series.refresh_from_db()
    assert series.sequence == 1 and series.rrule == "FREQ=WEEKLY;BYDAY=MO"
    past.refresh_from_db()
    assert local(past.start, BERLIN) == DT(2027, 1, 11, 9, 30) and past.provider == "zoom"
    moved.refresh_from_db()
    cancelled.refresh_from_db()
    assert local(moved.start, BERLIN) == DT(2027, 1, 27, 15, 0) and moved.provider == "zoom"
    assert cancelled.status == Meeting.Status.CANCELLED
    followers = series.meetings.filter(is_override=False, start__gte=DT(2027, 1, 12, tzinfo=datetime.UTC))
    assert followers.count() > 50
    assert {local(m.start, BERLIN).time() for m in followers} == {T(10, 0)}
    assert {(m.provider, m.sequence) for m in followers} == {("meet", 1)}
    assert not series.meetings.filter(original_start=DT(2027, 1, 18, 8, 30, tzinfo=datetime.UTC)).exists()


def test_editing_only_the_place_keeps_the_same_occurrence_rows(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    before = [m.pk for m in occurrences(series)]

    services.series_update(
        series=series,
        side=Side.MENTEE,
        actor=relationship.mentee,
        choice=choice(duration_minutes=60),
        place=place("in_person", "Café Einstein", title="Coffee chat"),
    )

    after = occurrences(series)
    assert [m.pk for m in after] == before
    assert {(m.title, m.location, m.duration_minutes, m.sequence) for m in after} == {
        ("Coffee chat", "Café Einstein", 60, 1)
    }


def test_agenda_topics_of_removed_occurrences_move_to_the_first_new_one(relationship: Relationship) -> None:
    series = schedule_series(relationship)
    rows = occurrences(series)
    AgendaItem.objects.create(meeting=rows[0], author=relationship.mentee, text="Promotion case", position=1)
    AgendaItem.objects.create(meeting=rows[1], author=relationship.mentor, text="Conference talk", position=1)

    services.series_update(
        series=series,
        side=Side.MENTEE,
        actor=relationship.mentee,
        choice=choice(first_date=D(2027, 1, 13)),  # Wednesdays instead of Mondays
        place=place(),
    )

    first = occurrences(series)[0]
    assert local(first.start, BERLIN) == DT(2027, 1, 13, 9, 30)
    assert sorted(first.agenda.values_list("text", flat=True)) == ["Conference talk", "Promotion case"]
    assert AgendaItem.objects.count() == 2
    assert {local(m.start, BERLIN).weekday() for m in occurrences(series)} == {2}


def test_ending_a_series_cancels_its_future_meetings_and_keeps_them_visible(
    relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    series = schedule_series(relationship)
    clock.move_to(DT(2027, 1, 20, tzinfo=datetime.UTC))

    services.series_end(series=series, side=Side.MENTOR, actor=relationship.mentor)

    series.refresh_from_db()
    assert series.ended_at is not None and series.sequence == 1
    statuses = [(local(m.start, BERLIN).date(), m.status) for m in occurrences(series)]
    assert statuses[:2] == [(D(2027, 1, 11), "scheduled"), (D(2027, 1, 18), "scheduled")]
    assert {status for _day, status in statuses[2:]} == {"cancelled"}
    # The rule now stops at the last row, so calendars show nothing the app does not have.
    last = occurrences(series)[-1].original_start
    assert series.rrule == f"FREQ=WEEKLY;BYDAY=MO;UNTIL={last:%Y%m%dT%H%M%SZ}"


def test_a_stopped_series_can_be_neither_edited_nor_stopped_again(relationship: Relationship) -> None:
    series = schedule_series(relationship, ending=Ending.AFTER_COUNT, count=5)
    services.series_end(series=series, side=Side.MENTOR, actor=relationship.mentor)
    series.refresh_from_db()
    rows = [(m.pk, m.start, m.status, m.sequence) for m in occurrences(series)]

    with pytest.raises(services.MeetingError):
        services.series_update(
            series=series, side=Side.MENTEE, actor=relationship.mentee, choice=choice(), place=place()
        )
    with pytest.raises(services.MeetingError):
        services.series_end(series=series, side=Side.MENTEE, actor=relationship.mentee)

    assert [(m.pk, m.start, m.status, m.sequence) for m in occurrences(series)] == rows
    assert MeetingSeries.objects.get().sequence == 1


# -- agenda --------------------------------------------------------------------------------------------------------


@pytest.fixture
def meeting(relationship: Relationship) -> Meeting:
    return occurrences(schedule_series(relationship))[0]


def agenda_texts(meeting: Meeting) -> list[str]:
    return list(meeting.agenda.values_list("text", flat=True))


def test_both_people_add_topics_and_extra_time_goes_first(meeting: Meeting, relationship: Relationship) -> None:
    services.agenda_add(
        meeting=meeting, side="mentee", actor=relationship.mentee, text="Feedback", needs_extra_time=False
    )
    services.agenda_add(
        meeting=meeting, side="mentor", actor=relationship.mentor, text="Tooling", needs_extra_time=False
    )
    services.agenda_add(
        meeting=meeting, side="mentee", actor=relationship.mentee, text=" Promotion ", needs_extra_time=True
    )

    assert agenda_texts(meeting) == ["Promotion", "Feedback", "Tooling"]

    # Among topics that need extra time, the agreed order still holds.
    tooling = meeting.agenda.get(text="Tooling")
    services.agenda_toggle_extra_time(item=tooling, side="mentee")
    assert agenda_texts(meeting) == ["Tooling", "Promotion", "Feedback"]
    services.agenda_toggle_extra_time(item=tooling, side="mentor")
    assert agenda_texts(meeting) == ["Promotion", "Feedback", "Tooling"]


def test_topics_move_up_and_down(meeting: Meeting, relationship: Relationship) -> None:
    for text in ("One", "Two", "Three"):
        services.agenda_add(
            meeting=meeting, side="mentee", actor=relationship.mentee, text=text, needs_extra_time=False
        )

    services.agenda_move(item=meeting.agenda.get(text="Three"), side="mentor", direction=-1)
    assert agenda_texts(meeting) == ["One", "Three", "Two"]
    services.agenda_move(item=meeting.agenda.get(text="One"), side="mentee", direction=1)
    assert agenda_texts(meeting) == ["Three", "One", "Two"]
    services.agenda_move(item=meeting.agenda.get(text="Three"), side="mentee", direction=-1)  # already first
    services.agenda_move(item=meeting.agenda.get(text="Two"), side="mentee", direction=1)  # already last
    assert agenda_texts(meeting) == ["Three", "One", "Two"]


def test_only_the_author_removes_a_topic(meeting: Meeting, relationship: Relationship) -> None:
    mine = services.agenda_add(
        meeting=meeting, side="mentee", actor=relationship.mentee, text="Mine", needs_extra_time=False
    )

    with pytest.raises(services.MeetingError):
        services.agenda_delete(item=mine, side="mentor", actor=relationship.mentor)
    assert agenda_texts(meeting) == ["Mine"]

    services.agenda_delete(item=mine, side="mentee", actor=relationship.mentee)
    assert agenda_texts(meeting) == []


def test_an_empty_topic_is_refused(meeting: Meeting, relationship: Relationship) -> None:
    with pytest.raises(services.MeetingError) as refused:
        services.agenda_add(
            meeting=meeting, side="mentee", actor=relationship.mentee, text="   ", needs_extra_time=False
        )
    assert refused.value.field == "text"


# -- wrap-up -------------------------------------------------------------------------------------------------------


def wrap(**changes: Any) -> services.WrapUp:
    values: dict[str, Any] = {
        "status": Meeting.Status.HELD,
        "shared_notes": "",
        "private_note": "",
        "rating": None,
        "comment": "",
        "thank_you": "",
    }
    values.update(changes)
    return services.WrapUp(**values)


def test_each_person_keeps_their_own_private_note_and_feedback(
    meeting: Meeting, relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    clock.move_to(meeting.end)

    services.meeting_wrap_up(
        meeting=meeting,
        side="mentee",
        actor=relationship.mentee,
        data=wrap(
            shared_notes="We talked about the launch.", private_note="I felt nervous.", rating=5, comment="Great"
        ),
    )
    services.meeting_wrap_up(
        meeting=meeting,
        side="mentor",
        actor=relationship.mentor,
        data=wrap(shared_notes="We talked about the launch.", private_note="Push harder.", rating=3),
    )

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD and meeting.wrapped_up_at == meeting.end
    assert selectors.meeting_page(meeting=meeting, viewer=relationship.mentee)["my_note"].body == "I felt nervous."
    assert selectors.meeting_page(meeting=meeting, viewer=relationship.mentor)["my_note"].body == "Push harder."
    ratings = dict(MeetingFeedback.objects.values_list("author__email", "rating"))
    assert ratings == {"mia@example.com": 5, "marco@example.com": 3}

    services.meeting_wrap_up(meeting=meeting, side="mentee", actor=relationship.mentee, data=wrap(rating=4))
    assert MeetingFeedback.objects.get(author=relationship.mentee).rating == 4
    assert not MeetingPrivateNote.objects.filter(author=relationship.mentee).exists()  # cleared when emptied


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.CANCELLED])
def test_a_meeting_that_has_not_started_cannot_be_wrapped_up(
    meeting: Meeting, relationship: Relationship, status: str
) -> None:
    with pytest.raises(services.MeetingError) as refused:
        services.meeting_wrap_up(meeting=meeting, side="mentee", actor=relationship.mentee, data=wrap(status=status))

    assert refused.value.field == "status" and "has not started yet" in str(refused.value)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED


def test_a_thank_you_is_emailed_to_the_other_person_once(
    meeting: Meeting,
    relationship: Relationship,
    clock: time_machine.Coordinates,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    clock.move_to(meeting.end)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_wrap_up(
            meeting=meeting, side="mentor", actor=relationship.mentor, data=wrap(thank_you="Thanks for your questions!")
        )
        services.meeting_wrap_up(
            meeting=meeting, side="mentor", actor=relationship.mentor, data=wrap(thank_you="Thanks for your questions!")
        )

    assert [message.to for message in mail.outbox] == [[relationship.mentee.email]]
    assert "Thanks for your questions!" in mail.outbox[0].body
    assert "Marco Mentor" in mail.outbox[0].subject


def test_no_email_without_a_thank_you(
    meeting: Meeting, relationship: Relationship, clock: Any, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    clock.move_to(meeting.end)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_wrap_up(meeting=meeting, side="mentor", actor=relationship.mentor, data=wrap(thank_you="  "))

    assert mail.outbox == []
    assert not OutboundEmail.objects.filter(kind="meeting_thanks").exists()


def test_cancelling_an_occurrence_in_the_wrap_up_marks_it_for_calendars(
    meeting: Meeting, relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    clock.move_to(meeting.start)
    services.meeting_wrap_up(
        meeting=meeting, side="mentee", actor=relationship.mentee, data=wrap(status=Meeting.Status.CANCELLED)
    )

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.is_override and meeting.sequence == 1


def test_cancelling_a_one_off_in_the_wrap_up_raises_its_sequence(
    relationship: Relationship, clock: time_machine.Coordinates
) -> None:
    meeting = schedule_once(relationship, DT(2027, 1, 20, 10, 0))
    clock.move_to(meeting.start)

    services.meeting_wrap_up(
        meeting=meeting, side="mentee", actor=relationship.mentee, data=wrap(status=Meeting.Status.CANCELLED)
    )

    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.sequence == 1 and not meeting.is_override


# -- action items --------------------------------------------------------------------------------------------------


def test_an_action_item_belongs_to_the_mentor_or_the_mentee(
    relationship: Relationship, other_relationship: Relationship
) -> None:
    item = services.action_item_add(
        relationship=relationship,
        side="mentor",
        actor=relationship.mentor,
        description=" Draft the proposal ",
        owner=relationship.mentee,
        due_on=D(2027, 1, 29),
        resource_url="https://docs.example.com/proposal",
    )
    assert (item.description, item.owner, item.status, item.created_by) == (
        "Draft the proposal",
        relationship.mentee,
        ActionItem.Status.OPEN,
        relationship.mentor,
    )

    with pytest.raises(services.MeetingError) as refused:
        services.action_item_add(
            relationship=relationship,
            side="mentor",
            actor=relationship.mentor,
            description="Not yours",
            owner=other_relationship.mentee,
            due_on=D(2027, 1, 29),
        )
    assert refused.value.field == "owner"
    assert ActionItem.objects.count() == 1


def test_completing_and_reopening_an_action_item(relationship: Relationship) -> None:
    item = services.action_item_add(
        relationship=relationship,
        side="mentee",
        actor=relationship.mentee,
        description="Book the course",
        owner=relationship.mentee,
        due_on=D(2027, 1, 29),
    )

    services.action_item_set_status(item=item, side="mentee", status=ActionItem.Status.DONE)
    item.refresh_from_db()
    assert item.status == "done" and item.completed_at == NOW

    services.action_item_set_status(item=item, side="mentor", status=ActionItem.Status.OPEN)
    item.refresh_from_db()
    assert item.status == "open" and item.completed_at is None

    with pytest.raises(services.MeetingError):
        services.action_item_set_status(item=item, side="mentee", status="finished-ish")


def test_my_open_items_across_relationships_list_overdue_first(
    relationship: Relationship, program: Any, mentee: User
) -> None:
    second_mentee = person("sue@example.com", "Sue Second", zone="Europe/Berlin")
    # Mia mentors Sue in another relationship: her items there count too.
    other = pair(program, second_mentee, mentee)

    def add(rel: Relationship, owner: User, description: str, due: D) -> ActionItem:
        side = rel.side_of(owner.pk)
        return services.action_item_add(
            relationship=rel, side=side, actor=owner, description=description, owner=owner, due_on=due
        )

    add(relationship, mentee, "Due next week", D(2027, 1, 11))
    add(other, mentee, "Overdue a while", D(2026, 12, 1))
    add(relationship, mentee, "Due today", D(2027, 1, 4))
    add(other, mentee, "Overdue yesterday", D(2027, 1, 3))
    add(relationship, relationship.mentor, "Not mine", D(2026, 11, 1))
    done = add(other, mentee, "Done already", D(2026, 10, 1))
    services.action_item_set_status(item=done, side="mentor", status="done")

    items = selectors.open_action_items(user=mentee)

    assert [i.description for i in items] == ["Overdue a while", "Overdue yesterday", "Due today", "Due next week"]
    assert [i.is_overdue for i in items] == [True, True, False, False]


# -- the calendar feed secret --------------------------------------------------------------------------------------


def test_a_feed_token_is_random_enough_and_stored_only_as_a_digest(mentee: User) -> None:
    token = services.calendar_feed_rotate(user=mentee)

    assert len(token) >= 43  # 32 random bytes, base64url: 256 bits
    feed = CalendarFeed.objects.get(user=mentee)
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(CalendarFeed.objects.values()))
    assert services.calendar_feed_owner(token=token) == mentee


def test_rotating_the_token_retires_the_old_one(mentee: User) -> None:
    old = services.calendar_feed_rotate(user=mentee)
    new = services.calendar_feed_rotate(user=mentee)

    assert old != new
    assert services.calendar_feed_owner(token=old) is None
    assert services.calendar_feed_owner(token=new) == mentee
    assert CalendarFeed.objects.filter(user=mentee).count() == 1


def test_a_revoked_feed_or_a_deactivated_account_has_no_owner(mentee: User, mentor: User) -> None:
    revoked = services.calendar_feed_rotate(user=mentee)
    services.calendar_feed_revoke(user=mentee)
    deactivated = services.calendar_feed_rotate(user=mentor)
    mentor.is_active = False
    mentor.save(update_fields=["is_active"])

    assert services.calendar_feed_owner(token=revoked) is None
    assert services.calendar_feed_owner(token=deactivated) is None
    assert services.calendar_feed_owner(token="") is None


def test_a_failed_occurrence_insert_leaves_no_scratch_table_behind(relationship: Relationship) -> None:
    """The staging table goes with a failed batch, so the next batch in the same transaction still works."""
    series = schedule_series(relationship)
    now = timezone.now()
    start = int((now + datetime.timedelta(days=900)).timestamp())
    with transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            # An end before the start breaks the table's check constraint.
            services._insert_occurrences([(series.pk, start, start - 60)], now)
        services._insert_occurrences([(series.pk, start, start + 3600)], now)
    assert Meeting.objects.filter(series=series, start=datetime.datetime.fromtimestamp(start, datetime.UTC)).exists()
