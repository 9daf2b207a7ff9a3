"""Turn pasted addresses or an uploaded CSV (name, email, role) into invitation rows, reporting bad lines."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

MAX_ROWS = 5000
ROLE_WORDS = {"mentee": "mentee", "mentor": "mentor", "sponsor": "sponsor", "sponsee": "mentee"}
YES = {"1", "yes", "y", "true", "x", "external"}
_NAMED_ADDRESS = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


@dataclass(frozen=True)
class InviteRow:
    line: int
    email: str
    name: str
    role: str
    is_external: bool = False


@dataclass
class ParseResult:
    rows: list[InviteRow]
    errors: list[tuple[int, str]]


def _clean_email(raw: str) -> str | None:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


class _Collector:
    """Accumulates rows, refusing bad addresses and repeats within the same upload."""

    def __init__(self) -> None:
        self.result = ParseResult(rows=[], errors=[])
        self.first_line: dict[tuple[str, str], int] = {}
        self.full = False

    def add(self, *, line: int, raw_email: str, name: str, role: str, is_external: bool) -> None:
        if len(self.result.rows) >= MAX_ROWS:
            # Said once, for the first line left out, rather than once for every line of a huge file.
            if not self.full:
                self.full = True
                self.result.errors.append(
                    (
                        line,
                        _("Only %(max)s people can be invited at once: this line and the ones after it were left out.")
                        % {"max": MAX_ROWS},
                    )
                )
            return
        email = _clean_email(raw_email)
        if email is None:
            self.result.errors.append((line, _("%(value)r is not a valid email address.") % {"value": raw_email}))
            return
        if (email, role) in self.first_line:
            self.result.errors.append(
                (line, _("Duplicate of line %(line)s.") % {"line": self.first_line[(email, role)]})
            )
            return
        self.first_line[(email, role)] = line
        self.result.rows.append(
            InviteRow(line=line, email=email, name=name.strip()[:150], role=role, is_external=is_external)
        )


def parse_pasted(text: str, *, role: str, is_external: bool) -> ParseResult:
    """One address per line or separated by commas/semicolons; "Name <address>" keeps the name."""
    collector = _Collector()
    for number, line in enumerate(text.splitlines(), start=1):
        for chunk in re.split(r"[;,]", line):
            if not chunk.strip():
                continue
            named = _NAMED_ADDRESS.match(chunk)
            name, raw = (named["name"], named["email"]) if named else ("", chunk)
            collector.add(line=number, raw_email=raw, name=name, role=role, is_external=is_external)
    return collector.result


def parse_csv(data: bytes) -> ParseResult:
    """Columns name, email, role and optionally external (yes/no); a header row is required."""
    try:
        text = data.decode("utf-8-sig")  # Excel writes a byte order mark
    except UnicodeDecodeError:
        return ParseResult(rows=[], errors=[(1, _("The file is not UTF-8 text. Save it as CSV UTF-8 and try again."))])
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    collector = _Collector()
    try:
        _read_rows(reader, collector)
    except csv.Error:
        # The csv module stops at a cell longer than its field limit, a quote never closed or a NUL byte.
        collector.result.errors.append(
            (
                max(reader.line_num, 1),
                _(
                    "This line could not be read: a cell is longer than %(max)s characters, or a quote is never "
                    "closed. Nothing after it was read; fix the file and upload it again."
                )
                % {"max": f"{csv.field_size_limit():,}"},
            )
        )
    return collector.result


def _read_rows(reader: Any, collector: _Collector) -> None:
    header = [cell.strip().lower() for cell in next(reader, [])]
    if "email" not in header or "role" not in header:
        collector.result.errors.append((1, _("The first line must name the columns: name, email, role.")))
        return
    column = {name: header.index(name) for name in ("name", "email", "role", "external") if name in header}
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            index = column.get(name)
            return cells[index].strip() if index is not None and index < len(cells) else ""

        role = ROLE_WORDS.get(cell("role").lower())
        if role is None:
            collector.result.errors.append(
                (number, _("Unknown role %(role)r: use mentee, mentor or sponsor.") % {"role": cell("role")})
            )
            continue
        collector.add(
            line=number,
            raw_email=cell("email"),
            name=cell("name"),
            role=role,
            is_external=cell("external").lower() in YES,
        )
