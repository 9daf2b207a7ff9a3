"""The cached bodies of the relationship and home pages never show less than a fresh render would.

Every write of the relationships and meetings services is either listed here with a way to run it, and then
each person's relationship page after it must equal the page rendered with an empty cache, or listed as not
shown on a cached page, with the reason. A new service function in neither list fails the suite: whoever adds
one decides whether it must touch the relationship's revision.
"""

from __future__ import annotations

import datetime
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.urls import reverse

from meetings import services as meeting_services
from meetings.models import Meeting
from meetings.tests.factories import MeetingFactory, person, place, schedule_series
from meetings.tests.factories import choice as schedule_choice
from mentorship.accounts.models import Seniority, User
from mentorship.accounts.page_parts import Rendered, hole, page_part, part_key
from programs import services as program_services
from relationships import services as relationship_services
from relationships.forms import GoalForm
from relationships.models import Relationship, Side
from relationships.services import ReflectionInput, relationships_touch
from relationships.tests.factories import agreement_fields, make_active, pair

NOW = datetime.datetime(2027, 1, 4, 9, 0, tzinfo=datetime.UTC)
TOKENS = re.compile(r'name="(csrfmiddlewaretoken|submission)" value="[^"]*"')


@dataclass
class Pair:
    relationship: Relationship
    mentee: User
    mentor: User
    admin: User

    @property
    def people(self) -> list[User]:
        return [self.mentee, self.mentor, self.admin]

    def fresh(self) -> Relationship:
        return Relationship.objects.select_related("program").get(pk=self.relationship.pk)


@pytest.fixture
def sponsorship(program_admin: User) -> Pair:
    """A sponsorship under way (it shows every section, the advocacy log too), with a weekly series and an item."""
    mentee, mentor = person("sam@example.com", "Sam Sponsee"), person("sia@example.com", "Sia Sponsor")
    # A sponsor sits well above the sponsee.
    for user, seniority in ((mentee, Seniority.MID), (mentor, Seniority.DIRECTOR)):
        user.profile.seniority = seniority
        user.profile.save(update_fields=["seniority"])
    program = program_services.program_create(
        created_by=program_admin, name="Sponsors", status="running", kind="sponsorship"
    )
    relationship = make_active(pair(program, mentee, mentor))
    schedule_series(relationship)
    meeting_services.action_item_add(
        relationship=relationship,
        side=Side.MENTEE,
        actor=mentee,
        description="Draft the case",
        owner=mentee,
        due_on=datetime.date(2027, 1, 20),
    )
    return Pair(relationship, mentee, mentor, program_admin)


def page(client: Client, user: User, relationship: Relationship) -> str:
    client.force_login(user)
    response = client.get(relationship.get_absolute_url())
    assert response.status_code == 200
    # The page's main part: the bell in the layout keeps its own minute-long cache (see needs_you.ROWS_FRESH_FOR).
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return TOKENS.sub(r'name="\1" value=""', main)


def _goal(p: Pair) -> Any:
    return p.relationship.goals.first()


def _next_meeting(p: Pair) -> Meeting:
    return p.relationship.meetings.filter(status=Meeting.Status.SCHEDULED).order_by("start").first()


def _pending_agreement(p: Pair) -> None:
    relationship_services.agreement_save(
        relationship=p.relationship, side=Side.MENTOR, actor=p.mentor, **agreement_fields(cadence="monthly")
    )


def _milestone(p: Pair) -> None:
    relationship_services.milestone_add(goal=_goal(p), side=Side.MENTEE, title="First draft", due_on=None)


def _advocacy(p: Pair) -> None:
    relationship_services.advocacy_save(
        relationship=p.relationship,
        side=Side.MENTOR,
        actor=p.mentor,
        action=None,
        kind="promotion",
        happened_on=datetime.date(2027, 1, 3),
        description="Put Sam forward for the platform lead role.",
        status="done",
        outcome="pending",
    )


def _note(p: Pair) -> None:
    relationship_services.private_note_add(relationship=p.relationship, side=Side.MENTEE, actor=p.mentee, body="Mine")


def _pause(p: Pair) -> None:
    relationship_services.relationship_pause(
        relationship=p.fresh(), side=Side.MENTOR, actor=p.mentor, reason="Parental leave"
    )


def _end(p: Pair) -> None:
    relationship_services.relationship_end(
        relationship=p.fresh(), side=Side.MENTEE, actor=p.mentee, completed=True, reason=""
    )


def _past_meeting(p: Pair) -> None:
    MeetingFactory(relationship=p.relationship, start=NOW - datetime.timedelta(hours=3))
    relationships_touch(p.relationship.pk)


def _wrap_up(p: Pair) -> None:
    meeting = p.relationship.meetings.filter(start__lt=NOW).get()
    data = meeting_services.WrapUp(
        status="held", shared_notes="Went well", private_note="", rating=5, comment="", thank_you=""
    )
    meeting_services.meeting_wrap_up(meeting=meeting, side=Side.MENTOR, actor=p.mentor, data=data)


# What each write does, and what must exist before the pages are first read (so the write changes them).
WRITES: dict[str, tuple[Callable[[Pair], None] | None, Callable[[Pair], object]]] = {
    "relationships.refresh_status": (None, lambda p: relationship_services.refresh_status(
        relationship=p.fresh(), actor=p.mentee
    )),
    "relationships.goal_save": (None, lambda p: relationship_services.goal_save(
        relationship=p.relationship, side=Side.MENTEE, actor=p.mentee, goal=None, title="Speak at the summit",
        category="career",
    )),
    "relationships.goal_comment": (None, lambda p: relationship_services.goal_comment(
        goal=_goal(p), side=Side.MENTOR, actor=p.mentor, body="Start with the story."
    )),
    "relationships.milestone_add": (None, _milestone),
    "relationships.milestone_toggle": (_milestone, lambda p: relationship_services.milestone_toggle(
        milestone=_goal(p).milestones.get(), side=Side.MENTEE
    )),
    "relationships.agreement_save": (None, _pending_agreement),
    "relationships.agreement_accept": (_pending_agreement, lambda p: relationship_services.agreement_accept(
        agreement=p.relationship.agreements.first(), side=Side.MENTEE, actor=p.mentee
    )),
    "relationships.advocacy_save": (None, _advocacy),
    "relationships.advocacy_followup": (_advocacy, lambda p: relationship_services.advocacy_followup(
        action=p.relationship.advocacy.get(), side=Side.MENTEE, actor=p.mentee, text="I got the interview."
    )),
    "relationships.private_note_add": (None, _note),
    "relationships.private_note_delete": (_note, lambda p: relationship_services.private_note_delete(
        note=p.relationship.private_notes.get(), actor=p.mentee
    )),
    "relationships.relationship_pause": (None, _pause),
    "relationships.relationship_resume": (_pause, lambda p: relationship_services.relationship_resume(
        relationship=p.fresh(), side=Side.ADMIN, actor=p.admin
    )),
    "relationships.relationship_end": (None, _end),
    "relationships.reflection_save": (_end, lambda p: relationship_services.reflection_save(
        relationship=p.fresh(), side=Side.MENTEE, actor=p.mentee,
        data=ReflectionInput(goals_reached="Most", what_worked="Honesty", what_to_change="", rating=5, thank_you=""),
    )),
    "meetings.series_create": (None, lambda p: schedule_series(
        p.relationship, p.mentor, first_date=datetime.date(2027, 1, 6), start_time=datetime.time(16, 0)
    )),
    "meetings.series_update": (None, lambda p: meeting_services.series_update(
        series=p.relationship.series.get(), side=Side.MENTEE, actor=p.mentee,
        choice=schedule_choice(start_time=datetime.time(11, 0)), place=place(title="Moved"),
    )),
    "meetings.series_end": (None, lambda p: meeting_services.series_end(
        series=p.relationship.series.get(), side=Side.MENTOR, actor=p.mentor
    )),
    "meetings.series_materialise": (None, lambda p: meeting_services.series_materialise(
        series=p.relationship.series.get(), until=NOW + meeting_services.HORIZON + datetime.timedelta(days=30)
    )),
    "meetings.series_materialise_many": (None, lambda p: meeting_services.series_materialise_many(
        series_list=list(p.relationship.series.all()),
        until=NOW + meeting_services.HORIZON + datetime.timedelta(days=30),
    )),
    "meetings.horizon_extend": (None, lambda p: meeting_services.horizon_extend(now=NOW + datetime.timedelta(days=9))),
    "meetings.meeting_create": (None, lambda p: meeting_services.meeting_create(
        relationship=p.relationship, side=Side.MENTEE, actor=p.mentee,
        start_local=datetime.datetime(2027, 1, 5, 15, 0), zone="Europe/Berlin", duration_minutes=30, place=place(),
    )),
    "meetings.meeting_update": (None, lambda p: meeting_services.meeting_update(
        meeting=_next_meeting(p), side=Side.MENTOR, actor=p.mentor,
        start_local=datetime.datetime(2027, 1, 12, 8, 0), zone="Europe/Berlin", duration_minutes=30,
        place=place(),
    )),
    "meetings.meeting_cancel": (None, lambda p: meeting_services.meeting_cancel(
        meeting=_next_meeting(p), side=Side.MENTEE, actor=p.mentee
    )),
    "meetings.meeting_wrap_up": (_past_meeting, _wrap_up),
    "meetings.action_item_add": (None, lambda p: meeting_services.action_item_add(
        relationship=p.relationship, side=Side.MENTOR, actor=p.mentor, description="Book the room",
        owner=p.mentor, due_on=datetime.date(2027, 1, 8),
    )),
    "meetings.action_item_set_status": (None, lambda p: meeting_services.action_item_set_status(
        item=p.relationship.action_items.get(), side=Side.MENTEE, status="done"
    )),
}  # fmt: skip

NOT_ON_A_CACHED_PAGE = {
    "relationships.pairing_problem": "reads only",
    "relationships.relationship_create": "a new pair has no page cached yet",
    "relationships.relationships_touch": "the touch itself",
    "meetings.series_paged": "reads only",
    "meetings.horizon_chunks": "reads only",
    "meetings.wrap_up_not_yet_message": "reads only",
    "meetings.agenda_add": "topics show on the meeting page, which is not cached",
    "meetings.agenda_move": "topics show on the meeting page, which is not cached",
    "meetings.agenda_toggle_extra_time": "topics show on the meeting page, which is not cached",
    "meetings.agenda_delete": "topics show on the meeting page, which is not cached",
    "meetings.calendar_feed_rotate": "the calendar feed is on the profile page, which is not cached",
    "meetings.calendar_feed_revoke": "the calendar feed is on the profile page, which is not cached",
    "meetings.calendar_feed_owner": "reads only",
    "meetings.relationship_closed": "runs inside relationship_end, which touches the revision",
}


def service_functions() -> set[str]:
    names = set()
    for label, module in (("relationships", relationship_services), ("meetings", meeting_services)):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not name.startswith("_"):
                names.add(f"{label}.{name}")
    return names


def test_every_service_write_is_accounted_for() -> None:
    listed = set(WRITES) | set(NOT_ON_A_CACHED_PAGE)
    assert service_functions() - listed == set(), "say whether these change the cached relationship page"
    assert listed - service_functions() == set(), "these are gone from the services"


@pytest.mark.parametrize("write", sorted(WRITES))
def test_after_each_write_every_view_of_the_page_is_current(client: Client, sponsorship: Pair, write: str) -> None:
    prepare, act = WRITES[write]
    with time_machine.travel(NOW, tick=False):
        if prepare:
            prepare(sponsorship)
        before = {user.pk: page(client, user, sponsorship.relationship) for user in sponsorship.people}
        act(sponsorship)
        cached = {user.pk: page(client, user, sponsorship.relationship) for user in sponsorship.people}
        cache.clear()
        fresh = {user.pk: page(client, user, sponsorship.relationship) for user in sponsorship.people}
    for user in sponsorship.people:
        assert cached[user.pk] == fresh[user.pk], f"{write}: {user.display_name}'s page is stale"
    # The write changed what somebody sees; otherwise this entry would prove nothing.
    assert any(before[pk] != fresh[pk] for pk in before) or write in CHANGE_NOTHING_VISIBLE_HERE


# Writes that leave this pair's page as it was: it is active already, and the page lists only the next five
# meetings, well before the rows added at the end of the horizon.
CHANGE_NOTHING_VISIBLE_HERE = {
    "relationships.refresh_status",
    "meetings.series_materialise",
    "meetings.series_materialise_many",
    "meetings.horizon_extend",
}


def test_a_cached_page_serves_new_tokens_and_posts_with_them(client: Client, sponsorship: Pair) -> None:
    url = sponsorship.relationship.get_absolute_url()
    client.force_login(sponsorship.mentee)
    first, second = (client.get(url).content.decode() for _ in range(2))
    submission = re.compile(r'name="submission" value="([0-9a-f]{32})"')
    assert submission.findall(first) and not set(submission.findall(first)) & set(submission.findall(second))
    assert hole("csrf") not in second and hole("submission") not in second
    # The cached page's form is accepted (its CSRF token is the session's) and its note appears at once.
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(sponsorship.mentee)
    body = csrf.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    note_form = body[body.index(reverse("relationships:note_add", args=[sponsorship.relationship.pk])) :]
    posted = csrf.post(
        reverse("relationships:note_add", args=[sponsorship.relationship.pk]),
        {"csrfmiddlewaretoken": token, "body": "Ask about the budget", "submission": submission.search(note_form)[1]},
    )
    assert posted.status_code == 302
    assert "Ask about the budget" in csrf.get(url).content.decode()


def test_the_page_renews_itself_when_a_meeting_opens_and_when_the_day_ends(client: Client, sponsorship: Pair) -> None:
    meeting = _next_meeting(sponsorship)

    def at(moment: datetime.datetime) -> str:
        with time_machine.travel(moment, tick=False):
            client.force_login(sponsorship.mentee)
            return client.get(sponsorship.relationship.get_absolute_url()).content.decode()

    assert ">Join</a>" not in at(meeting.start - datetime.timedelta(minutes=11))
    assert ">Join</a>" in at(meeting.start - datetime.timedelta(minutes=9))
    # The action item is due on 20 January: overdue from the first minute of the 21st in the mentee's zone.
    assert "overdue since" not in at(datetime.datetime(2027, 1, 20, 22, 59, tzinfo=datetime.UTC))
    assert "overdue since" in at(datetime.datetime(2027, 1, 20, 23, 1, tzinfo=datetime.UTC))


def test_a_renamed_person_shows_at_once_on_the_other_side(client: Client, sponsorship: Pair) -> None:
    url = sponsorship.relationship.get_absolute_url()
    client.force_login(sponsorship.mentee)
    assert "Sia Sponsor" in client.get(url).content.decode()
    User.objects.filter(pk=sponsorship.mentor.pk).update(full_name="Sia Renamed")
    assert "Sia Renamed" in client.get(url).content.decode()


def test_the_home_page_shows_the_other_persons_change_at_once(client: Client, sponsorship: Pair) -> None:
    client.force_login(sponsorship.mentor)
    assert "Draft the case" not in client.get(reverse("home")).content.decode()
    meeting_services.action_item_add(
        relationship=sponsorship.relationship,
        side=Side.MENTEE,
        actor=sponsorship.mentee,
        description="Send Sia the draft",
        owner=sponsorship.mentor,
        due_on=datetime.date(2027, 1, 20),
    )
    assert "Send Sia the draft" in client.get(reverse("home")).content.decode()


def test_a_form_with_its_own_submission_token_cannot_be_cached(rf: RequestFactory, sponsorship: Pair) -> None:
    """A token rendered into the cached HTML would be the same for every visit; the part refuses to be kept."""
    request = rf.get("/")
    request.user = sponsorship.mentee
    form = GoalForm(program=sponsorship.relationship.program)
    context = {"relationship": sponsorship.relationship, "form": form, "goal": None}
    with pytest.raises(ImproperlyConfigured, match="submission_token"):
        page_part(
            request,
            key=part_key("test", "goal form"),
            lifetime=60,
            build=lambda: Rendered(template="relationships/goal_form.html", context=context),
        )
    assert cache.get(part_key("test", "goal form")) is None
