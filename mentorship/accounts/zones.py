"""The time zones people pick from: the canonical city zones, the common ones first, and the field that takes them.

``zoneinfo.available_timezones()`` also holds ``Factory``, ``localtime``, ``posixrules``, fixed offsets
(``Etc/GMT+5``, whose sign is the reverse of what people expect) and legacy aliases (``US/Eastern``,
``Asia/Calcutta``). Nobody should pick those, so the list offered is the tz database's own list of zones people
live in (``zone.tab``) plus UTC. A zone already stored that is no longer offered (an old alias) still validates
and is shown as the current choice, so nobody is locked out of saving a form because of it.
"""

from __future__ import annotations

import datetime
import functools
import importlib.resources
import zoneinfo
from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Where most people of a workplace live, first in the list; each is in zone.tab (or is UTC).
COMMON_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
)
# Used only when no zone.tab can be found: the regions whose Area/City names are people's zones.
_AREAS = ("Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific")


def _zone_tab() -> str | None:
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text(encoding="utf-8")
    try:  # The tzdata package (used where the system has no tz database) ships the same file.
        return (importlib.resources.files("tzdata.zoneinfo") / "zone.tab").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError):
        return None


def _names_in(tab: str) -> set[str]:
    rows = (line.split("\t") for line in tab.splitlines() if line and not line.startswith("#"))
    return {row[2].strip() for row in rows if len(row) >= 3}


@functools.cache
def known_zones() -> frozenset[str]:
    """Every name zoneinfo can load here: what a stored or typed zone must be."""
    return frozenset(zoneinfo.available_timezones() - {"Factory", "localtime", "posixrules"})


@functools.cache
def offered_zones() -> tuple[str, ...]:
    """The zones offered in pickers, sorted: the canonical Area/City zones and UTC."""
    known = known_zones()
    tab = _zone_tab()
    if tab is not None:
        names = _names_in(tab) & known
    else:
        names = {name for name in known if name.split("/", 1)[0] in _AREAS and "/" in name}
    return tuple(sorted(names | {"UTC"}))


def is_known_zone(name: str) -> bool:
    return name in known_zones()


def zone_label(name: str, now: datetime.datetime | None = None) -> str:
    """``Europe/Berlin (UTC+01:00)``: the offset as it is today, so typing "+01" finds the zone too."""
    moment = now or datetime.datetime.now(datetime.UTC)
    offset = moment.astimezone(zoneinfo.ZoneInfo(name)).utcoffset() or datetime.timedelta()
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"{name.replace('_', ' ')} (UTC{sign}{hours:02d}:{rest:02d})"


def time_zone_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Two groups: the common zones, then every other offered zone; labels carry today's offset."""
    now = datetime.datetime.now(datetime.UTC)
    common = [zone for zone in COMMON_ZONES if zone in known_zones()]
    rest = [zone for zone in offered_zones() if zone not in COMMON_ZONES]
    return [
        (_("Common zones"), [(zone, zone_label(zone, now)) for zone in common]),
        (_("All zones"), [(zone, zone_label(zone, now)) for zone in rest]),
    ]


class TimeZoneSelect(forms.Select):
    """A zone select that keeps showing a stored zone which is valid but no longer offered."""

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        current = next((str(v) for v in value if v), "")
        if not current or current in offered_zones() or not is_known_zone(current):
            return super().optgroups(name, value, attrs)
        offered = self.choices
        self.choices = [(_("Your current zone"), [(current, zone_label(current))]), *offered]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = offered


class TimeZoneField(forms.ChoiceField):
    """Offers the canonical zones; accepts any zone zoneinfo knows, so an old stored alias still saves."""

    widget = TimeZoneSelect

    def __init__(self, *, picker: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Time zone"))
        super().__init__(choices=time_zone_choices, **kwargs)
        if picker:  # enhanced into a searchable list by static/js/pickers.js
            self.widget.attrs["data-picker"] = "zone"

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and is_known_zone(value)
