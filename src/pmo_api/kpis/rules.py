"""A KPI value's RAG status (CONTRACT §3), one rule for measured and computed KPIs alike."""

from __future__ import annotations

from pmo_api.kpis.models import KpiDirection, Rag

HIGHER = KpiDirection.HIGHER_IS_BETTER
LOWER = KpiDirection.LOWER_IS_BETTER


def status(
    value: float | None, direction: str, amber: float | None, red: float | None
) -> Rag | None:
    """higher_is_better: green when value ≥ amber, amber when red ≤ value < amber, else red;
    lower_is_better, the mirror: green when value ≤ amber, amber when value ≤ red, else red.
    No value, or no thresholds: no status."""
    if value is None or amber is None or red is None:
        return None
    if direction == HIGHER:
        if value >= amber:
            return Rag.GREEN
        return Rag.AMBER if value >= red else Rag.RED
    if value <= amber:
        return Rag.GREEN
    return Rag.AMBER if value <= red else Rag.RED


def variance_to_target(value: float | None, target: float | None) -> float | None:
    """value - target, rounded to 4 decimals against binary noise (None without either)."""
    if value is None or target is None:
        return None
    return round(value - target, 4)
