"""Bad input into every form of the project: never a 500, and a refused form changes nothing.

The forms are not listed here. Every URL of the project must have a scene below (who visits it, with which
arguments); the sweep opens each scene's pages as that person, reads the forms they show from the HTML, and for
every field sends what people and scripts really send: nothing, 100,000 characters, control characters and line
breaks, Unicode digits, years 1 and 9999, negative and huge numbers, and ids of another person's objects. A form
added later is found on its page and swept without anyone touching this file; a URL added later without a
scene fails ``test_every_url_has_a_scene`` with its name.

For each send it checks:
* the answer is not a server error;
* a refusal (a form shown again with errors, an error message, a 4xx) leaves every table of the project exactly
  as it was: row counts and a checksum of every row;
* hostile values (too long, control characters, a line break in a one-line field, years 1 and 9999, numbers out
  of range, an option that is not offered, another person's id) change nothing, whatever the answer says;
* the form as the page fills it in (with ordinary values in empty required fields) does save, so the values
  above reach the form's real checks rather than bouncing off a missing field.

Each send runs in a savepoint that is rolled back, so all sends start from the same organisation.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from relationships.tests.conftest import FAST_HASHERS
from tests.sweep.html_forms import Control, PageForm, forms_on
from tests.sweep.world import NOW, PROJECT_APPS, ZOOM, World, build_world, reset_sequences

LONG = "x" * 100_000
CONTROL = "a\x00b\x07c"
CRLF = "one\r\ntwo"
PROJECT_PACKAGES = ("mentorship", "programs", "relationships", "meetings", "matching", "insights")

# -- scenes: who sees each URL, with which arguments ----------------------------------------------------------

Path = Callable[[World], str]


@dataclass(frozen=True)
class Scene:
    """``visits``: (persona, page) pairs; the forms posting to this URL are read from those pages.

    A scene with no form (a download, a list, a JSON answer) is only opened. ``base`` fills fields the page
    leaves empty; ``writes`` says whether the form as filled in saves something.
    """

    visits: tuple[tuple[str, Path], ...]
    base: dict[str, Any] = field(default_factory=dict)  # a value may be a function of the world
    writes: bool = True
    has_form: bool = True


def page(persona: str, name: str, *args: Callable[[World], Any]) -> tuple[str, Path]:
    return persona, lambda w: reverse(name, args=[arg(w) for arg in args])


def only(persona: str, name: str, *args: Callable[[World], Any]) -> Scene:
    return Scene(visits=(page(persona, name, *args),), has_form=False)


REL = lambda w: w.relationship.pk  # noqa: E731
SPONSOR = lambda w: w.sponsorship.pk  # noqa: E731
PAUSED = lambda w: w.paused.pk  # noqa: E731
ENDED = lambda w: w.ended.pk  # noqa: E731
GOAL = lambda w: w.goal.pk  # noqa: E731
MEETING = lambda w: w.meeting.pk  # noqa: E731
STARTED = lambda w: w.started.pk  # noqa: E731
SERIES = lambda w: w.series.pk  # noqa: E731
PROGRAM = lambda w: w.program.slug  # noqa: E731
APPLICATIONS = lambda w: w.applications.slug  # noqa: E731
CHOOSING = lambda w: w.chooser_program.slug  # noqa: E731
ADVOCACY = lambda w: w.advocacy.pk  # noqa: E731
VERSION = lambda w: w.relationship.agreements.first().version  # noqa: E731
DETAIL = page("mentee", "relationships:detail", REL)
MEETING_PAGE = page("mentee", "meetings:detail", MEETING)

SCENES: dict[str, Scene] = {
    "home": only("mentee", "home"),
    "healthz": only("anonymous", "healthz"),
    "profile_detail": only("mentee", "profile_detail"),
    # Saving the same values again at a frozen clock changes no row, so edit forms change one thing.
    "profile_edit": Scene((page("mentee", "profile_edit"),), base={"location": "Lisbon"}),
    "skill_suggestions": only("mentee", "skill_suggestions"),
    "calendar_feed": Scene((("anonymous", lambda w: reverse("calendar_feed", args=[w.feed_token])),), has_form=False),
    # matching
    "matching:proposals": only("busy_mentor", "matching:proposals"),
    "matching:proposal_respond": Scene(
        (page("busy_mentor", "matching:proposals"), page("waiting_mentee", "matching:proposals")),
        base={"text": "Not this quarter"},
    ),
    "matching:review": Scene((page("admin", "matching:review", PROGRAM),)),
    "matching:relationships": Scene((page("admin", "matching:relationships", PROGRAM),)),
    "matching:choose": Scene((page("chooser", "matching:choose", CHOOSING),)),
    # programs
    "programs:list": only("mentee", "programs:list"),
    "programs:manage_list": only("admin", "programs:manage_list"),
    "programs:create": Scene((page("admin", "programs:create"),), base={"name": "A new program"}),
    "programs:invitation": Scene(
        (("invitee", lambda w: reverse("programs:invitation", args=[w.invitation_token])),), writes=True
    ),
    "programs:detail": only("mentee", "programs:detail", APPLICATIONS),
    "programs:apply": Scene(
        (page("mentee", "programs:apply", APPLICATIONS, lambda w: "mentee"),),
        base={"goal_categories": "skills"},
    ),
    "programs:withdraw": Scene((page("applicant", "programs:detail", APPLICATIONS),)),
    "programs:manage": only("admin", "programs:manage", PROGRAM),
    "programs:edit": Scene((page("admin", "programs:edit", PROGRAM),), base={"description": "Changed."}),
    "programs:status": Scene((page("admin", "programs:manage", PROGRAM),)),
    "programs:questions": Scene(
        (page("admin", "programs:questions", APPLICATIONS),), base={"questions-4-prompt": "One more question?"}
    ),
    "programs:invite": Scene(
        (page("admin", "programs:invite", APPLICATIONS),), base={"addresses": "new.person@example.com"}
    ),
    "programs:roster": Scene((page("admin", "programs:roster", APPLICATIONS),), writes=False),
    "programs:decide": Scene(
        (page("admin", "programs:roster", APPLICATIONS),), base={"selected": lambda w: [str(w.enrollment.pk)]}
    ),
    # relationships
    "relationships:list": only("mentee", "relationships:list"),
    "relationships:detail": only("mentee", "relationships:detail", REL),
    "relationships:goal_new": Scene((page("mentee", "relationships:goal_new", REL),)),
    "relationships:goal_edit": Scene((page("mentee", "relationships:goal_edit", REL, GOAL),)),
    "relationships:goal_comment": Scene((DETAIL,)),
    "relationships:milestone_add": Scene((DETAIL,)),
    "relationships:milestone_toggle": Scene((DETAIL,)),
    "relationships:agreement_edit": Scene((page("mentee", "relationships:agreement_edit", REL),)),
    "relationships:agreement_version": only("mentee", "relationships:agreement_version", REL, VERSION),
    "relationships:agreement_accept": Scene((DETAIL,)),
    "relationships:advocacy_new": Scene((page("mentor", "relationships:advocacy_new", SPONSOR),)),
    "relationships:advocacy_edit": Scene((page("mentor", "relationships:advocacy_edit", SPONSOR, ADVOCACY),)),
    "relationships:advocacy_followup": Scene((page("mentee", "relationships:detail", SPONSOR),)),
    "relationships:note_add": Scene((DETAIL,)),
    "relationships:note_delete": Scene((DETAIL,)),
    "relationships:pause": Scene((DETAIL,)),
    "relationships:resume": Scene((page("paused_mentee", "relationships:detail", PAUSED),)),
    "relationships:end": Scene((page("mentee", "relationships:end", REL),), base={"outcome": "completed"}),
    "relationships:reflect": Scene((page("ended_mentee", "relationships:reflect", ENDED),)),
    # meetings
    "meetings:schedule": Scene((page("mentee", "meetings:schedule", REL),), base={"location": ZOOM}),
    "meetings:series_edit": Scene((page("mentee", "meetings:series_edit", SERIES),)),
    "meetings:series_end": Scene((page("mentee", "meetings:series_edit", SERIES),)),
    "meetings:series_ics": only("mentee", "meetings:series_ics", SERIES),
    "meetings:detail": only("mentee", "meetings:detail", MEETING),
    "meetings:ics": only("mentee", "meetings:ics", MEETING),
    "meetings:edit": Scene((page("mentee", "meetings:edit", MEETING),)),
    "meetings:cancel": Scene((MEETING_PAGE,)),
    "meetings:agenda_add": Scene((MEETING_PAGE,)),
    "meetings:agenda_change": Scene((MEETING_PAGE,)),
    # The meeting is still to come, so it can only have been cancelled.
    "meetings:wrap_up": Scene((page("mentee", "meetings:wrap_up", STARTED),)),
    "meetings:action_item_add": Scene((DETAIL,)),
    "meetings:action_item_status": Scene((DETAIL,)),
    "meetings:calendar_settings": Scene((page("mentee", "meetings:calendar_settings"),)),
    # notifications
    "notifications:list": only("mentee", "notifications:list"),
    "notifications:open": Scene((page("mentee", "notifications:list"),)),
    "notifications:read_all": Scene((page("mentee", "notifications:list"),)),
    "notifications:preferences": Scene((page("mentee", "notifications:preferences"),)),
    "notifications:unsubscribe": Scene(
        (("anonymous", lambda w: reverse("notifications:unsubscribe", args=[w.unsubscribe_token])),)
    ),
}


# -- the URL map -------------------------------------------------------------------------------------------


def project_url_names() -> set[str]:
    """Every named URL whose view lives in the project (the admin's and allauth's are theirs to test)."""
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                module = getattr(pattern.callback, "__module__", "")
                if module.split(".")[0] in PROJECT_PACKAGES:
                    names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_has_a_scene() -> None:
    missing = sorted(project_url_names() - set(SCENES))
    assert not missing, (
        f"no sample arguments or persona for {missing}: add a Scene to SCENES in {__file__} saying who opens "
        "which page, so the bad-input sweep can reach the URL's forms"
    )
    gone = sorted(set(SCENES) - project_url_names())
    assert not gone, f"SCENES names URLs that no longer exist: {gone}"


# -- the organisation, built once for the module --------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """Built once inside a transaction that is rolled back at the end; each test nests in it."""
    fast = override_settings(PASSWORD_HASHERS=FAST_HASHERS)
    with django_db_blocker.unblock(), time_machine.travel(NOW, tick=False), fast:
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            reset_sequences()


@pytest.fixture
def clients(world: World, db: None, settings: Any) -> Iterator[dict[str, Client]]:
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with time_machine.travel(NOW, tick=False):
        made = {"anonymous": Client()}
        for name, person in world.people.items():
            made[name] = Client()
            made[name].force_login(person)
        yield made


# -- the state of every table ----------------------------------------------------------------------------------


def _tables() -> list[str]:
    """Every project table but the audit log, which records refused requests on purpose (that is its job)."""
    from django.apps import apps

    from mentorship.accounts.models import User
    from mentorship.notifications.models import AuditEvent

    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in PROJECT_APPS and m is not AuditEvent
    ]
    return sorted({m._meta.db_table for m in models} | {User.groups.through._meta.db_table})


def _writes_so_far() -> int | None:
    """SQLite counts the rows each connection has written; an unchanged count means nothing was written."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        return cursor.fetchone()[0]


def fingerprint() -> dict[str, tuple[int, str]]:
    """{table: (rows, checksum of every row)} for every table of the project."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            parts = [
                f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "  # noqa: S608  # nosec B608
                f"FROM {quote(table)} t"
                for table in _tables()
            ]
            cursor.execute(" UNION ALL ".join(parts), _tables())
            return {name: (rows, digest) for name, rows, digest in cursor.fetchall()}
        state = {}
        for table in _tables():
            cursor.execute(f"SELECT * FROM {quote(table)}")  # noqa: S608  # nosec B608
            rows = sorted(repr(row) for row in cursor.fetchall())
            state[table] = (len(rows), hashlib.md5("\n".join(rows).encode(), usedforsecurity=False).hexdigest())
        return state


def changed_tables(before: dict[str, tuple[int, str]], after: dict[str, tuple[int, str]]) -> list[str]:
    return [table for table in before if before[table] != after[table]]


# -- sending -----------------------------------------------------------------------------------------------


@dataclass
class Sent:
    status: int
    error: str  # the exception a server error raised, if any
    refused: bool
    changed: list[str]


def _refused(response: Any) -> bool:
    if response.status_code >= 400:
        return True
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    if any(message.level >= message_levels.ERROR for message in queued):
        return True
    for context in response.context or []:
        for value in context.flatten().values() if hasattr(context, "flatten") else []:
            if isinstance(value, (BaseForm, BaseFormSet)) and value.is_bound and not value.is_valid():
                return True
    return False


def send(client: Client, form: PageForm, data: dict[str, Any], before: dict[str, tuple[int, str]]) -> Sent:
    """One request in a savepoint that is rolled back afterwards, with what it did to the tables.

    ``before`` is the state every send starts from: each one is rolled back, so it is read once per form.
    """
    writes = _writes_so_far()
    with transaction.atomic():
        try:
            response = (client.post if form.method == "post" else client.get)(form.action, data)
        except Exception as exc:  # noqa: BLE001 - a server error is what the sweep reports
            after = fingerprint()
            transaction.set_rollback(True)
            return Sent(500, f"{type(exc).__name__}: {str(exc)[:200]}", True, changed_tables(before, after))
        after = before if writes is not None and _writes_so_far() == writes else fingerprint()
        transaction.set_rollback(True)
    return Sent(response.status_code, "", _refused(response), changed_tables(before, after))


# -- values --------------------------------------------------------------------------------------------------

# (label, value, hostile): a hostile value must never change anything, whatever the answer says.
Value = tuple[str, Any, bool]


def values_for(control: Control, foreign: list[str]) -> list[Value]:
    kind = control.kind
    if kind in ("line", "text"):
        return [
            ("empty", "", False),
            ("100,000 characters", LONG, True),
            ("control characters", CONTROL, True),
            ("CR/LF", CRLF, kind == "line"),
            ("Unicode digits", "\u0661\u0662\u0663", False),
        ]
    if kind == "date":
        return [
            ("empty", "", False),
            ("year 1", "0001-01-01", True),
            ("year 9999", "9999-12-31", True),
            ("Unicode digits", "\u0662\u0660\u0662\u0667-\u0660\u0661-\u0661\u0661", False),
            ("100,000 characters", LONG, True),
        ]
    if kind == "time":
        return [
            ("empty", "", False),
            ("no such time", "25:61", True),
            ("Unicode digits", "\u0661\u0660:\u0660\u0660", False),
        ]
    if kind == "number":
        return [
            ("empty", "", False),
            ("negative", "-1", True),
            ("huge", "99999999999999999999999", True),
            ("not a number", "1e400", True),
            ("Unicode digits", "\u0661\u0662", False),
        ]
    offered = set(control.options)
    strangers = [(f"another person's id {pk}", pk, True) for pk in foreign if pk not in offered]
    ids = bool(control.options) and all(option.isdigit() for option in control.options if option)
    if kind in ("select", "radio") and not control.multiple and ids:
        return [("empty", "", False), ("Unicode digits", "\u0661", True), ("huge", "9" * 30, True), *strangers[:2]]
    if kind in ("select", "radio") and not control.multiple:
        return [("empty", "", False), ("not offered", "no-such-option", True), ("100,000 characters", LONG, True)]
    if kind in ("select", "check") and control.multiple:
        return [
            ("none", [], False),
            ("not offered", ["no-such-option"], True),
            ("the same twice", [control.options[0]] * 2 if control.options else [], True),
            *[(label, [pk], hostile) for label, pk, hostile in strangers[:2]],
        ]
    if kind == "check":
        return [("unticked", [], False), ("odd value", "maybe", False)]
    if kind == "hidden":
        current = control.values[0] if control.values else ""
        if current.isdigit():
            return [
                ("empty", "", False),
                ("Unicode digits", "\u0661", True),
                ("huge", "9" * 30, True),
                ("negative", "-1", True),
                *strangers[:3],
            ]
        # Hidden text (where to go back to, which button) may be ignored rather than refused; it must not break.
        return [("100,000 characters", LONG, False), ("control characters", CONTROL, False)]
    return []  # files: the upload form is exercised by its own tests


# -- filling a form in -------------------------------------------------------------------------------------


def _midpoint(control: Control) -> str:
    low, high = control.attrs.get("min"), control.attrs.get("max")
    if low and high:
        step = int(float(control.attrs.get("step") or 1))
        middle = (int(float(low)) + int(float(high))) // 2
        return str(middle - middle % step)
    return low or "1"


def _ordinary(control: Control) -> str:
    """A value a person would type into an empty required field."""
    if control.kind == "line":
        return "sample@example.com" if control.attrs.get("type") == "email" else "Sample"
    if control.kind == "text":
        return "Sample text"
    if control.kind == "date":
        return max(control.attrs.get("min", ""), "2027-01-18")
    if control.kind == "time":
        return "10:00"
    if control.kind == "number":
        return _midpoint(control)
    return ""


def filled(form: PageForm) -> dict[str, Any]:
    """What a person would send: the page's values, ordinary ones where a required field is empty."""
    data: dict[str, Any] = {}
    for name, control in form.controls.items():
        if control.kind == "file" or name == "csrfmiddlewaretoken":
            continue
        if control.kind in ("check", "radio") or control.multiple:
            chosen = list(control.values)
            if not chosen and control.kind == "radio" and control.options:
                chosen = [control.options[0]]
            data[name] = chosen if control.multiple or control.kind == "check" else chosen[0] if chosen else ""
            continue
        value = control.values[0] if control.values else ""
        if not value and control.kind == "select" and control.required:
            value = next((option for option in control.options if option), "")
        if not value and control.required:
            value = _ordinary(control) or value
        data[name] = value
    if form.submit:
        data[form.submit[0]] = form.submit[1]
    return data


def _fresh_token(data: dict[str, Any]) -> dict[str, Any]:
    # A new single-use token for each send, as a page opened anew would carry.
    return {**data, "submission": secrets.token_hex(16)} if "submission" in data else data


# -- the sweep -------------------------------------------------------------------------------------------------


def _signature(form: PageForm) -> tuple[Any, ...]:
    return (form.method, resolve(form.action).url_name, tuple(sorted(form.controls)), form.submit)


def forms_for(name: str, scene: Scene, world: World, clients: dict[str, Client]) -> list[tuple[str, PageForm]]:
    found: dict[tuple[Any, ...], tuple[str, PageForm]] = {}
    for persona, path_of in scene.visits:
        path = path_of(world)
        response = clients[persona].get(path)
        assert response.status_code == 200, f"{persona} opening {path}: {response.status_code}"
        if "html" not in response.get("Content-Type", ""):
            continue
        for form in forms_on(response.content.decode(), path):
            match = resolve(form.action)
            if match.view_name == name:
                found.setdefault(_signature(form), (persona, form))
    return list(found.values())


_ROW = re.compile(r"^(?P<prefix>.+)-(?P<index>\d+)-(?P<field>.+)$")


def _representatives(form: PageForm) -> list[tuple[str, Control]]:
    """The controls worth sweeping: every field once, and of a formset's rows only the first and the last."""
    rows: dict[tuple[str, str], list[int]] = {}
    for name in form.controls:
        if match := _ROW.match(name):
            rows.setdefault((match["prefix"], match["field"]), []).append(int(match["index"]))
    chosen = []
    for name, control in form.controls.items():
        if name in ("csrfmiddlewaretoken", "submission"):
            continue
        match = _ROW.match(name)
        if match and int(match["index"]) not in (
            min(rows[match["prefix"], match["field"]]),
            max(rows[match["prefix"], match["field"]]),
        ):
            continue
        chosen.append((name, control))
    return chosen


def sweep(persona: str, form: PageForm, scene: Scene, world: World, client: Client) -> list[str]:
    foreign = [str(pk) for ids in world.foreign.values() for pk in ids[:1]]
    problems: list[str] = []
    where = f"{persona} → {form.method.upper()} {form.action}"
    overrides = {key: value(world) if callable(value) else value for key, value in scene.base.items()}
    base = filled(form)
    base.update({key: value for key, value in overrides.items() if key in form.controls})
    uploads = any(control.kind == "file" for control in form.controls.values())
    before = fingerprint()

    sent = send(client, form, _fresh_token(base), before)
    if sent.error:
        return [f"{where} as the page fills it in: {sent.error}"]
    # A form that needs a file is not filled in by the sweep (the upload has tests of its own).
    if form.method == "post" and scene.writes and not uploads and (sent.refused or not sent.changed):
        problems.append(f"{where}: the form as filled in ({base}) did not save (status {sent.status})")
    if form.method == "get" and sent.changed:
        problems.append(f"{where}: a GET changed {sent.changed}")

    for name, control in _representatives(form):
        for label, value, hostile in values_for(control, foreign):
            data = _fresh_token({**base, name: value})
            sent = send(client, form, data, before)
            what = f"{where} with {name} = {label}"
            if sent.error:
                problems.append(f"{what}: server error {sent.error}")
            elif sent.changed and sent.refused:
                problems.append(f"{what}: refused but changed {sent.changed}")
            elif sent.changed and hostile:
                problems.append(f"{what}: accepted and changed {sent.changed}")
    return problems


@pytest.mark.parametrize("name", sorted(SCENES))
def test_bad_input_never_breaks_a_form_or_changes_anything_when_refused(
    name: str, world: World, clients: dict[str, Client]
) -> None:
    scene = SCENES[name]
    with time_machine.travel(NOW, tick=False):
        if not scene.has_form:
            for persona, path_of in scene.visits:
                response = clients[persona].get(path_of(world))
                assert response.status_code == 200, f"{persona} opening {path_of(world)}"
            return
        forms = forms_for(name, scene, world, clients)
        assert forms, (
            f"no page in the scene of {name} shows a form that posts to it; point the scene's visits at the page "
            "that does, or mark it has_form=False if the URL takes no form"
        )
        problems = [
            problem for persona, form in forms for problem in sweep(persona, form, scene, world, clients[persona])
        ]
    assert not problems, "\n".join(problems[:40])
