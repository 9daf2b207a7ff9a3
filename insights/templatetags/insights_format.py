"""How figures read on the insights pages: shares as percentages, missing figures as a dash, bands as badges."""

from __future__ import annotations

from django import template

from insights.health import Band

register = template.Library()

DASH = "\u2013"  # an en dash
BAND_BADGES = {Band.HEALTHY: "text-bg-success", Band.WATCH: "text-bg-warning", Band.AT_RISK: "text-bg-danger"}


@register.filter
def percent(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f} %"


@register.filter
def decimal(value: float | None, places: int = 1) -> str:
    return DASH if value is None else f"{value:.{int(places)}f}"


@register.filter
def band_badge(band: str) -> str:
    return BAND_BADGES.get(band, "text-bg-secondary")
