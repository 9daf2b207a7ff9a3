"""Bad input into every form of the project: never a 500, and a refused form changes nothing.

The forms are not listed here. Every URL of the project must have an entry in tests/access/inventory.py (who
uses it, with which arguments, which page shows its forms); the sweep opens each entry's pages as that person,
reads the forms they show from the HTML, and for every field sends what people and scripts really send: nothing,
100,000 characters, control characters and line breaks, Unicode digits, years 1 and 9999, negative and huge
numbers, and ids of another person's objects. A form added later is found on its page and swept without anyone
touching this file; a URL added later without an entry fails ``test_every_url_has_a_scene`` with its name.

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

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.messages import constants as message_levels
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.test import Client
from django.urls import resolve

from tests.access.inventory import URLS, Url, Visit, missing_and_gone
from tests.sweep.html_forms import Control, PageForm, forms_on
from tests.sweep.state import State, changed_tables, fingerprint, writes_so_far
from tests.sweep.world import NOW, World

LONG = "x" * 100_000
CONTROL = "a\x00b\x07c"
CRLF = "one\r\ntwo"

# -- scenes: who sees each URL, with which arguments ----------------------------------------------------------
# The scenes are the project's URL inventory (tests/access/inventory.py), shared with the access matrix.


@dataclass(frozen=True)
class Scene:
    """``visits``: (persona, page) pairs; the forms posting to this URL are read from those pages.

    A scene with no form (a download, a list, a JSON answer) is only opened. ``base`` fills fields the page
    leaves empty; ``writes`` says whether the form as filled in saves something.
    """

    visits: tuple[Visit, ...]
    base: dict[str, Any] = field(default_factory=dict)  # a value may be a function of the world
    writes: bool = True
    has_form: bool = True
    status: int = 200  # what opening the visits answers (a page that only sends people on answers 302)


def scene_of(name: str, url: Url) -> Scene:
    visits = url.form_on or ((url.who, lambda w: url.path(name, w)),)
    return Scene(visits, base=url.base, writes=url.writes, has_form=url.has_form, status=url.status)


SCENES: dict[str, Scene] = {name: scene_of(name, url) for name, url in URLS.items()}


def test_every_url_has_a_scene() -> None:
    missing, gone = missing_and_gone()
    assert not missing, (
        f"no sample arguments or persona for {missing}: add an entry to URLS in tests/access/inventory.py saying "
        "who uses the URL, with which arguments, and which page shows its forms"
    )
    assert not gone, f"URLS names URLs that no longer exist: {gone}"


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


def send(client: Client, form: PageForm, data: dict[str, Any], before: State) -> Sent:
    """One request in a savepoint that is rolled back afterwards, with what it did to the tables.

    ``before`` is the state every send starts from: each one is rolled back, so it is read once per form.
    """
    writes = writes_so_far()
    with transaction.atomic():
        try:
            response = (client.post if form.method == "post" else client.get)(form.action, data)
        except Exception as exc:  # noqa: BLE001 - a server error is what the sweep reports
            after = fingerprint()
            transaction.set_rollback(True)
            return Sent(500, f"{type(exc).__name__}: {str(exc)[:200]}", True, changed_tables(before, after))
        after = before if writes is not None and writes_so_far() == writes else fingerprint()
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
                assert response.status_code == scene.status, f"{persona} opening {path_of(world)}"
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
