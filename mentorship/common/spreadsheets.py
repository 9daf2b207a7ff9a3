"""CSV downloads that stream, and cells a spreadsheet cannot mistake for a formula."""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

# A cell starting with one of these is read as a formula by spreadsheet programs (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROWS_PER_CHUNK = 500


def safe_cell(value: Any) -> str:
    """The cell as text, defused when a spreadsheet would take it for a formula."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class _Line:
    """A file-like object whose write() hands the line back, so csv.writer can feed a generator."""

    def write(self, value: str) -> str:
        return value


def csv_download(
    *, filename: str, header: list[str], rows: Iterable[Iterable[Any]], zone: datetime.tzinfo | None = None
) -> StreamingHttpResponse:
    """Stream ``rows`` as a CSV attachment, a chunk at a time, so a large export never sits in memory whole.

    UTF-8 with a byte-order mark, which spreadsheet programs need to read accents. Rows are produced while the
    response streams, after the view returned, so the viewer's zone is kept for them.
    """
    writer = csv.writer(_Line())
    zone = zone or timezone.get_current_timezone()

    def lines() -> Iterator[str]:
        with timezone.override(zone):
            yield "\ufeff" + writer.writerow([safe_cell(cell) for cell in header])
            chunk: list[str] = []
            for row in rows:
                chunk.append(writer.writerow([safe_cell(cell) for cell in row]))
                if len(chunk) >= ROWS_PER_CHUNK:
                    yield "".join(chunk)
                    chunk = []
            if chunk:
                yield "".join(chunk)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    response["Cache-Control"] = "private, no-store"
    return response
