"""The load scenario: mentees, mentors and HR browsing and writing, each signed in with a prepared session.

Run by `make load` (scripts/load), which starts the app with production settings and hands this file the people
to play (MENTORSHIP_LOAD_PEOPLE, written by `manage.py load_sessions`). The app believes it is behind a
TLS-terminating proxy (X-Forwarded-Proto: https), as in production, so its cookies are marked Secure; over
plain loopback HTTP the client has to be told to send them anyway.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from typing import Any

from locust import HttpUser, between, task

_PEOPLE = json.loads(open(os.environ["MENTORSHIP_LOAD_PEOPLE"]).read())  # noqa: SIM115
_NEXT = {kind: itertools.cycle(rows) for kind, rows in _PEOPLE.items() if rows}
_HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', re.IGNORECASE)


class Person(HttpUser):
    abstract = True
    kind = ""
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.me: dict[str, Any] = next(_NEXT[self.kind])
        origin = self.host.replace("http://", "https://", 1)
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/"})
        self.client.cookies.set("sessionid", self.me["session"])

    def _unsecure_cookies(self) -> None:
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, name: str) -> str:
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as response:
            self._unsecure_cookies()
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {name}")
                return ""
            return response.text

    def send(self, path: str, form_page: str, data: dict[str, str], name: str) -> None:
        """Post a form as a browser would: with the hidden fields (CSRF, one-time tokens) of the page it is on."""
        fields = dict(_HIDDEN.findall(form_page))
        with self.client.post(
            path, data={**fields, **data}, name=name, catch_response=True, allow_redirects=False
        ) as response:
            self._unsecure_cookies()
            if response.status_code not in (200, 302):
                response.failure(f"{response.status_code} for {name}")


class Mentee(Person):
    kind = "mentee"
    weight = 5

    @task(3)
    def home(self) -> None:
        self.page("/", "home")

    @task(3)
    def relationship(self) -> None:
        self.page(f"/relationships/{self.me['relationship']}/", "relationship")

    @task(2)
    def add_agenda_topic(self) -> None:
        meeting = self.me.get("upcoming")
        if meeting:
            html = self.page(f"/meetings/{meeting}/", "meeting")
            self.send(f"/meetings/{meeting}/agenda/", html, {"text": "How do I run a design review?"}, "agenda add")


class Mentor(Person):
    kind = "mentor"
    weight = 3

    @task(2)
    def home(self) -> None:
        self.page("/", "home")

    @task(2)
    def relationship(self) -> None:
        self.page(f"/relationships/{self.me['relationship']}/", "relationship")

    @task(1)
    def wrap_up(self) -> None:
        meeting = self.me.get("past")
        if meeting:
            html = self.page(f"/meetings/{meeting}/wrap-up/", "wrap-up")
            data = {
                "status": "held",
                "shared_notes": "We went through the design review checklist.",
                "private_note": "",
                "rating": "4",
                "comment": "",
                "thank_you": "",
            }
            self.send(f"/meetings/{meeting}/wrap-up/", html, data, "wrap-up save")


class HR(Person):
    kind = "hr"
    weight = 1

    @task(2)
    def programs(self) -> None:
        self.page("/programs/manage/", "manage programs")

    @task(2)
    def roster(self) -> None:
        self.page(f"/programs/{self.me['program']}/manage/roster/", "roster")

    @task(2)
    def relationships(self) -> None:
        self.page(f"/programs/{self.me['program']}/manage/relationships/", "program relationships")

    @task(2)
    def dashboard(self) -> None:
        self.page(f"/programs/{self.me['program']}/manage/insights/", "program dashboard")
