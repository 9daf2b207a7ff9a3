"""CSV downloads for HR: relationships with their figures, the at-risk list, the funnel.

Files stream: rows are written as they are produced, and the relationships file reads the program a page of
relationships at a time, so a large program never sits in memory whole. Only names, dates, counts, scores and
the reasons in words go out; nothing anybody wrote in the app. A cell a spreadsheet would read as a formula
(starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from insights.facts import PairFacts, pair_facts
from insights.health import AgreementState, rhythm_text
from insights.metrics import Funnel
from mentorship.common.paging import ids_by_pk
from relationships.models import Relationship

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


def csv_response(
    *, filename: str, header: list[str], rows: Iterable[Iterable[Any]], zone: datetime.tzinfo
) -> StreamingHttpResponse:
    """Stream ``rows`` as CSV (UTF-8 with a byte-order mark, which spreadsheet programs need to read accents)."""
    writer = csv.writer(_Line())

    def lines() -> Iterator[str]:
        # Rows are produced while the response streams, after the view returned: keep the viewer's zone.
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
    return response


def export_name(what: str, slug: str = "") -> str:
    today = timezone.localdate().isoformat()
    return f"{slug}-{what}-{today}.csv" if slug else f"{what}-{today}.csv"


def _day(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def _iso(day: datetime.date | None) -> str:
    return day.isoformat() if day else ""


def _rating(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else ""


# -- relationships -----------------------------------------------------------------------------------------


def relationship_header() -> list[str]:
    return [
        _("Program"),
        _("Mentee"),
        _("Mentee email"),
        _("Mentor or sponsor"),
        _("Mentor or sponsor email"),
        _("Kind"),
        _("Status"),
        _("Started"),
        _("Planned end"),
        _("Ended"),
        _("Agreement"),
        _("Meeting rhythm"),
        _("Last meeting held"),
        _("Next meeting"),
        _("Meetings held"),
        _("Held in the last 91 days"),
        _("Waiting for a wrap-up"),
        _("Open action items"),
        _("Overdue action items"),
        _("Done action items"),
        _("Recent rating"),
        _("Health score"),
        _("Health"),
        _("Reasons"),
    ]


def relationship_row(fact: PairFacts) -> list[Any]:
    health = fact.health
    return [
        fact.program_name,
        fact.mentee_name,
        fact.mentee_email,
        fact.mentor_name,
        fact.mentor_email,
        Relationship.Kind(fact.kind).label,
        Relationship.Status(fact.status).label,
        _iso(fact.started_on),
        _iso(fact.planned_end_on),
        _iso(fact.ended_on),
        AgreementState(fact.agreement).label,
        rhythm_text(fact.cadence, fact.cadence_agreed),
        _day(fact.last_held),
        _day(fact.next_meeting),
        fact.held_total,
        fact.held_recently,
        fact.pending_wrap_ups,
        fact.open_items,
        fact.overdue_items,
        fact.done_items,
        _rating(fact.recent_rating),
        health.score if health else "",
        health.band_label if health else "",
        health.summary if health else "",
    ]


def relationship_rows(relationships: QuerySet[Relationship], *, now: datetime.datetime) -> Iterator[list[Any]]:
    """A page of relationships at a time, each page's figures read in a fixed number of queries."""
    ordered = relationships.order_by("pk")
    for ids in ids_by_pk(ordered):
        for fact in sorted(pair_facts(ordered, now=now, ids=ids, detail=True), key=lambda fact: fact.pk):
            yield relationship_row(fact)


# -- the at-risk list --------------------------------------------------------------------------------------


def at_risk_header() -> list[str]:
    return [
        _("Program"),
        _("Mentee"),
        _("Mentor or sponsor"),
        _("Status"),
        _("Health score"),
        _("Health"),
        _("Reasons"),
        _("Last meeting held"),
        _("Next meeting"),
        _("Overdue action items"),
    ]


def at_risk_row(fact: PairFacts) -> list[Any]:
    health = fact.health
    assert health is not None
    return [
        fact.program_name,
        fact.mentee_name,
        fact.mentor_name,
        Relationship.Status(fact.status).label,
        health.score,
        health.band_label,
        health.summary,
        _day(fact.last_held),
        _day(fact.next_meeting),
        fact.overdue_items,
    ]


# -- the funnel --------------------------------------------------------------------------------------------


def funnel_header(funnel: Funnel) -> list[str]:
    header = [_("Step"), _("What counts")]
    for _role, label in funnel.roles:
        header += [label, _("%(role)s: share of the step before (%%)") % {"role": label}]
    return header


def funnel_rows(funnel: Funnel) -> Iterator[list[Any]]:
    for step in funnel.steps:
        row: list[Any] = [step.label, step.explanation]
        for count, conversion in zip(step.counts, step.conversions, strict=True):
            row += [count, f"{100 * conversion:.1f}" if conversion is not None else ""]
        yield row
