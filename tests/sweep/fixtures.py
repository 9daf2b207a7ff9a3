"""The sweep's organisation as fixtures, shared by the bad-input sweep and the access matrix (see their conftest)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.db import transaction
from django.test import Client, override_settings

from relationships.tests.conftest import FAST_HASHERS
from tests.sweep.world import NOW, World, build_world, reset_sequences


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
    """A signed-in client per persona, and ``anonymous``."""
    settings.PASSWORD_HASHERS = FAST_HASHERS
    with time_machine.travel(NOW, tick=False):
        made = {"anonymous": Client()}
        for name, person in world.people.items():
            made[name] = Client()
            made[name].force_login(person)
        yield made
