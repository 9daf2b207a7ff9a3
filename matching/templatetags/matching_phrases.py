"""Template filters for match explanations: the sentence for the reader, and the score on its named scale."""

from __future__ import annotations

from typing import Any

from django import template

from matching.engine.explain import BANDS, READERS, ScoreBand, score_band

register = template.Library()


@register.filter
def for_reader(reason: Any, reader: str) -> str:
    """The stored sentence written for ``reader``; proposals stored before per-reader sentences keep ``text``."""
    if not isinstance(reason, dict):
        return ""
    written = reason.get("for")
    if reader in READERS and isinstance(written, dict) and isinstance(written.get(reader), str):
        return written[reader]
    text = reason.get("text")
    return text if isinstance(text, str) else ""


@register.filter
def match_band(score: Any) -> ScoreBand:
    try:
        points = float(score)
    except (TypeError, ValueError):
        points = 0.0
    return score_band(points)


@register.simple_tag
def match_bands() -> list[dict[str, object]]:
    """The whole scale, for a legend: each band's name, its range and what it means."""
    rows, upper = [], 100
    for lowest, label, meaning in BANDS:
        rows.append({"label": label, "low": lowest, "high": upper, "meaning": meaning})
        upper = lowest - 1
    return rows
