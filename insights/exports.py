"""CSV downloads for HR: relationships with their figures, the at-risk list, the funnel.

Files stream: rows are written as they are read from the database, a chunk at a time, so a large program never
sits in memory whole. They read the refreshed health figures (see insights.services), like the pages. Only names,
dates, counts, scores and the reasons in words go out; nothing anybody wrote in the app. A cell a spreadsheet
would read as a formula (starting with = + - @, a tab or a carriage return) is prefixed with an apostrophe.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.facts import display_name
from insights.health import BAND_LABELS, AgreementState, Reason, rhythm_text
from insights.metrics import Funnel
from insights.models import PairHealth
from relationships.models import Relationship

ROWS_PER_CHUNK = 500


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


# What a row of the relationships file reads: plain values, no model instances (ten thousand rows stream fast).
RELATIONSHIP_COLUMNS = (
    "program__name",
    "relationship__mentee__full_name",
    "relationship__mentee__email",
    "relationship__mentor__full_name",
    "relationship__mentor__email",
    "relationship__kind",
    "relationship__status",
    "relationship__started_on",
    "relationship__planned_end_on",
    "relationship__ended_on",
    "agreement",
    "cadence",
    "cadence_agreed",
    "last_held",
    "next_meeting",
    "held_total",
    "held_recently",
    "pending_wrap_ups",
    "open_items",
    "overdue_items",
    "done_items",
    "rating_sum",
    "ratings",
    "score",
    "band",
    "reasons",
)
KIND_LABELS = dict(Relationship.Kind.choices)
STATUS_LABELS = dict(Relationship.Status.choices)
AGREEMENT_LABELS = dict(AgreementState.choices)


def relationship_row(values: tuple[Any, ...]) -> list[Any]:
    (program, mentee_name, mentee_email, mentor_name, mentor_email, kind, status, started_on, planned_end_on,
     ended_on, agreement, cadence, cadence_agreed, last_held, next_meeting, held_total, held_recently, waiting,
     open_items, overdue_items, done_items, rating_sum, ratings, score, band, reasons) = values  # fmt: skip
    return [
        program,
        display_name(mentee_name, mentee_email),
        mentee_email,
        display_name(mentor_name, mentor_email),
        mentor_email,
        KIND_LABELS[kind],
        STATUS_LABELS[status],
        _iso(started_on),
        _iso(planned_end_on),
        _iso(ended_on),
        AGREEMENT_LABELS[agreement],
        rhythm_text(cadence, cadence_agreed),
        _day(last_held),
        _day(next_meeting),
        held_total,
        held_recently,
        waiting,
        open_items,
        overdue_items,
        done_items,
        _rating(rating_sum / ratings if ratings else None),
        "" if score is None else score,
        "" if score is None else BAND_LABELS[band],
        "; ".join(Reason(code, points, tuple(figures)).text for code, points, figures in reasons),
    ]


def relationship_rows(rows: QuerySet[PairHealth]) -> Iterator[list[Any]]:
    """The program's pairs in the order they were made, read from the database a chunk at a time."""
    values = rows.order_by("pk").values_list(*RELATIONSHIP_COLUMNS)
    for row in values.iterator(chunk_size=ROWS_PER_CHUNK):
        yield relationship_row(row)


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


def at_risk_row(row: PairHealth) -> list[Any]:
    health = row.health
    assert health is not None
    return [
        row.program.name,
        row.mentee_name,
        row.mentor_name,
        row.relationship.get_status_display(),
        health.score,
        health.band_label,
        health.summary,
        _day(row.last_held),
        _day(row.next_meeting),
        row.overdue_items,
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
