"""The built-in computed KPIs of CONTRACT §3. Their definitions are rows of kpi_definitions
(migration 0004 writes them; admins may change names, targets and thresholds); their values
are computed from the earned-value engine and the risk register when asked for (kpis/values.py),
never stored, so they cannot drift from the data they come from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Builtin:
    code: str
    name: str
    description: str
    unit: str
    direction: str
    target: float | None
    amber_threshold: float | None
    red_threshold: float | None


BUILTINS = (
    Builtin(
        "cpi", "Cost performance index", "EV / AC", "ratio", "higher_is_better", 1.0, None, None
    ),
    Builtin(
        "spi", "Schedule performance index", "EV / PV", "ratio", "higher_is_better", 1.0, None, None
    ),
    Builtin(
        "cost_variance", "Cost variance", "EV - AC", "currency", "higher_is_better", 0.0, None, None
    ),
    Builtin(
        "schedule_variance",
        "Schedule variance",
        "EV - PV",
        "currency",
        "higher_is_better",
        0.0,
        None,
        None,
    ),
    Builtin(
        "milestone_on_time_rate",
        "Milestones on time",
        "Share of completed milestones completed on or before their due date",
        "%",
        "higher_is_better",
        100.0,
        90.0,
        75.0,
    ),
    Builtin(
        "budget_spent_percent",
        "Budget spent",
        "AC / BAC x 100",
        "%",
        "lower_is_better",
        None,
        90.0,
        100.0,
    ),
    Builtin(
        "open_risk_exposure",
        "Open risk exposure",
        "Total expected value of the open risks",
        "currency",
        "lower_is_better",
        None,
        None,
        None,
    ),
)
CODES = tuple(b.code for b in BUILTINS)
# cpi and spi are judged by the health thresholds (CONTRACT §5), which are settings.
HEALTH_JUDGED = ("cpi", "spi")
