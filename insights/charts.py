"""What each dashboard chart draws, as plain data for json_script; static/js/insights-charts.js draws it.

The same numbers appear in the table beside each chart, so nobody needs the picture to read them.
"""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from insights.health import Band, band_of
from insights.metrics import BUCKETS, Dashboard
from relationships.models import Goal

BAND_COLOURS = {Band.AT_RISK: "#b02a37", Band.WATCH: "#a15c00", Band.HEALTHY: "#1e7b34"}


def _chart(
    caption: str,
    first: str,
    labels: list[str],
    datasets: list[dict[str, Any]],
    *,
    horizontal: bool = False,
    stacked: bool = False,
) -> dict[str, Any]:
    """The chart's data for the script, and the same numbers as table rows (label, one value per dataset)."""
    return {
        "caption": caption,
        "first": first,
        "spec": {"labels": labels, "datasets": datasets, "horizontal": horizontal, "stacked": stacked},
        "columns": [dataset["label"] for dataset in datasets],
        "rows": [(label, [dataset["data"][i] for dataset in datasets]) for i, label in enumerate(labels)],
    }


def bucket_label(low: int, high: int) -> str:
    return f"{low}\u2013{high}"


def dashboard_charts(dashboard: Dashboard) -> dict[str, dict[str, Any]]:
    funnel = dashboard.funnel
    funnel_chart = _chart(
        _("People at each step of the funnel"),
        _("Step"),
        [step.label for step in funnel.steps],
        [
            {"label": label, "data": [step.counts[index] for step in funnel.steps]}
            for index, (_role, label) in enumerate(funnel.roles)
        ],
        horizontal=True,
    )
    months_chart = _chart(
        _("Meetings planned and held per month"),
        _("Month"),
        [date_format(month.start, "M Y") for month in dashboard.months],
        [
            {"label": _("Planned"), "data": [month.planned for month in dashboard.months]},
            {"label": _("Held"), "data": [month.held for month in dashboard.months]},
        ],
    )
    health_chart = _chart(
        _("Open relationships by health score"),
        _("Score"),
        [bucket_label(low, high) for low, high in BUCKETS],
        [
            {
                "label": _("Relationships"),
                "data": dashboard.health.buckets,
                "colors": [BAND_COLOURS[band_of(low)] for low, _high in BUCKETS],
            }
        ],
    )
    statuses = [str(label) for _value, label in Goal.Status.choices]
    goals_chart = _chart(
        _("Goals by category and status"),
        _("Category"),
        [row.label for row in dashboard.goals],
        [
            {"label": status, "data": [row.counts[index] for row in dashboard.goals]}
            for index, status in enumerate(statuses)
        ],
        stacked=True,
    )
    return {"funnel": funnel_chart, "months": months_chart, "health": health_chart, "goals": goals_chart}
