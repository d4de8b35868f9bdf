"""The built-in computed KPIs of CONTRACT §3 and issues 14 and 15. Their definitions are rows of
kpi_definitions (migrations 0004, 0012 and 0017 write them; admins may change names,
targets and thresholds); their values are computed when asked for from the earned-value engine,
the risk register, allocations and time entries (kpis/values.py, kpis/resource_feed.py), never
stored, so they cannot drift from the data they come from.

Every KPI is reported per project except those of PER_RESOURCE, reported per resource (a
resource is shared by every portfolio, so its value cannot sit in a project's row)."""

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
    # Issue 14. Both are % and lower is better: the model has no "closest to the target"
    # direction, and the costly side of each is the high one (hours burnt beyond the plan;
    # a plan a person cannot work). Under-burn and idle capacity show in the value itself.
    Builtin(
        "planned_vs_actual_hours",
        "Actual against planned hours",
        "Actual hours / planned hours x 100, both up to the date (100: on plan)",
        "%",
        "lower_is_better",
        100.0,
        110.0,
        125.0,
    ),
    # Issue 15: action items still to do and due before the date (gate conditions, corrective
    # actions of findings...). None is green, one to three amber, more red.
    Builtin(
        "overdue_actions",
        "Overdue action items",
        "Action items still to do (open, in progress) and due before the date",
        "count",
        "lower_is_better",
        0.0,
        0.0,
        3.0,
    ),
    Builtin(
        "utilisation",
        "Utilisation",
        "Allocated hours / capacity x 100 over the month, per resource",
        "%",
        "lower_is_better",
        None,
        100.0,
        110.0,
    ),
    # Issue 15: the share of the PMO's rules a project meets (compliance/service.py).
    Builtin(
        "compliance",
        "Compliance",
        "Rules met / rules met or not met x 100 (GET /projects/{project}/compliance)",
        "%",
        "higher_is_better",
        100.0,
        80.0,
        60.0,
    ),
    # Issue 16: the open (open or in progress) issues raised by the date. The issue log keeps
    # no resolution date, so an issue resolved since is not counted at any date.
    Builtin(
        "open_issues",
        "Open issues",
        "Issues open or in progress, raised on or before the date",
        "issues",
        "lower_is_better",
        0.0,
        None,
        None,
    ),
)
CODES = tuple(b.code for b in BUILTINS)
PER_RESOURCE = ("utilisation",)
# cpi and spi are judged by the health thresholds (CONTRACT §5), which are settings.
HEALTH_JUDGED = ("cpi", "spi")
