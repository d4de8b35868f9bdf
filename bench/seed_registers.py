"""Risks and KPIs for the benchmark projects (issue 5), as row tuples ready for
`copy_records_to_table`.

- 50,000 **risks**, spread over the 10,000 projects at random (so a project has 0 to about 15,
  5 on average). Probability and impact lean low, as real registers do; about 2/3 are open or
  being mitigated; 85% have a `cost_impact` (0.5-15% of the project's budget, whole currency
  units). `score`, `severity` and `expected_value` are derived by pmo-api's own rules
  (`pmo_api.risks.rules.derived`), exactly as the API stores them on a write.
- 4 measured **KPI definitions** (`kpi_definitions`, not computed), with targets and thresholds,
  both directions; the migration's built-in computed KPIs stay as they are.
- 200,000 **KPI measurements**: 80% of the projects report some of the 4 KPIs, at most once a
  month each, on a reporting day of their own (20th-28th), from their first month (not before
  2025-01) to 2026-11-22. Each (project, KPI) drifts around a level of its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pmo_api.risks import rules as risk_rules
from seed_finance import TODAY, Plan, add_months, uuid7

RISKS = 50_000
MEASUREMENTS = 200_000
MEASURED_SHARE = 0.8  # of the projects, those that report measured KPIs
FIRST_MEASURED_MONTH = date(2025, 1, 1)

RISK_COLUMNS = (
    "id",
    "project_id",
    "title",
    "description",
    "category",
    "probability",
    "impact",
    "score",
    "severity",
    "cost_impact",
    "expected_value",
    "response",
    "mitigation_plan",
    "contingency_plan",
    "owner",
    "status",
    "review_date",
    "trigger",
    "created_at",
    "updated_at",
    "version",
)
KPI_COLUMNS = (
    "id",
    "code",
    "name",
    "description",
    "unit",
    "direction",
    "target",
    "amber_threshold",
    "red_threshold",
    "computed",
    "created_at",
    "updated_at",
    "version",
)
MEASUREMENT_COLUMNS = (
    "id",
    "project_id",
    "kpi_id",
    "measured_on",
    "value",
    "note",
    "created_at",
    "updated_at",
    "version",
)

# code, name, unit, direction, target, amber threshold, red threshold
MEASURED_KPIS = (
    ("customer_satisfaction", "Customer satisfaction", "score", "higher_is_better", 8.0, 7.0, 5.0),
    ("defect_density", "Defect density", "defects/KLOC", "lower_is_better", 0.5, 1.0, 2.0),
    ("resource_utilization", "Resource utilization", "%", "higher_is_better", 85.0, 75.0, 60.0),
    ("open_change_requests", "Open change requests", "count", "lower_is_better", 5.0, 10.0, 20.0),
)

_RISK_TITLES = (
    "Key vendor delivers late",
    "Data migration quality below target",
    "Specialist skills unavailable",
    "Scope creep from business units",
    "Regulatory requirements change",
    "Integration with legacy system fails",
    "Budget cut at mid-year review",
    "Security findings delay go-live",
    "Performance targets not met",
    "Key stakeholder leaves",
    "Licence costs rise at renewal",
    "Test environments not ready",
    "Users resist the new process",
    "Hardware supply shortage",
)
_RISK_TEXT = (
    "Raised at the last steering committee.",
    "Seen on two earlier projects of the portfolio.",
    "Depends on a decision outside the project.",
    "The vendor has flagged capacity problems.",
    "Would push the go-live by at least a month.",
)
_RISK_CATEGORIES = ("schedule", "cost", "technical", "resource", "vendor", "regulatory", "security")
_RESPONSES = ("avoid", "mitigate", "transfer", "accept", "escalate", None)
_RESPONSE_WEIGHTS = (8, 50, 10, 17, 5, 10)
_STATUSES = ("open", "mitigating", "closed", "occurred")
_STATUS_WEIGHTS = (45, 22, 25, 8)
# Registers lean towards unlikely, modest risks: P(score >= 20) is about 2.5%.
_SCALE = (1, 2, 3, 4, 5)
_SCALE_WEIGHTS = (25, 30, 25, 13, 7)
_PEOPLE = ("Alice Andersen", "Bruno Costa", "Chen Ito", "Dana Fischer", "Emeka Okafor", "Noor Ali")


@dataclass
class RegisterRows:
    risks: list[tuple[Any, ...]] = field(default_factory=list)
    kpis: list[tuple[Any, ...]] = field(default_factory=list)
    measurements: list[tuple[Any, ...]] = field(default_factory=list)


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10 * 3600), microseconds=rng.randrange(1_000_000)
    )


def _risks(rng: random.Random, plans: list[Plan], out: RegisterRows) -> None:
    owners = sorted(rng.choices(range(len(plans)), k=RISKS))
    today_n = TODAY.toordinal()
    for index in owners:
        plan = plans[index]
        probability = rng.choices(_SCALE, _SCALE_WEIGHTS)[0]
        impact = rng.choices(_SCALE, _SCALE_WEIGHTS)[0]
        cost_impact = None
        if rng.random() < 0.85:
            cost_impact = round(plan.budget * rng.uniform(0.005, 0.15) / 100) * 100  # whole units
        derived = risk_rules.derived(probability, impact, cost_impact)
        status = rng.choices(_STATUSES, _STATUS_WEIGHTS)[0]
        live = status in risk_rules.OPEN_STATUSES
        first = max(plan.created.date().toordinal(), plan.start.toordinal() - 60)
        created = _moment(rng, date.fromordinal(rng.randint(min(first, today_n), today_n)))
        updated = min(created + timedelta(days=rng.randrange(0, 120)), _moment(rng, TODAY))
        updated = max(updated, created)
        out.risks.append(
            (
                uuid7(rng, created),
                plan.project_id,
                rng.choice(_RISK_TITLES),
                rng.choice(_RISK_TEXT) if rng.random() < 0.7 else None,
                rng.choice(_RISK_CATEGORIES),
                probability,
                impact,
                derived["score"],
                derived["severity"],
                cost_impact,
                derived["expected_value"],
                rng.choices(_RESPONSES, _RESPONSE_WEIGHTS)[0],
                "Weekly follow-up with the owner; fallback agreed." if rng.random() < 0.6 else None,
                "Release the contingency reserve." if rng.random() < 0.4 else None,
                rng.choice(_PEOPLE) if rng.random() < 0.9 else None,
                status,
                TODAY + timedelta(days=rng.randrange(0, 120)) if live else None,
                "Milestone slips by more than two weeks." if rng.random() < 0.3 else None,
                created,
                updated,
                1 if updated == created else rng.randint(2, 4),
            )
        )


def _kpi_definitions(rng: random.Random, out: RegisterRows) -> list[Any]:
    at = datetime(2024, 10, 1, 9, tzinfo=UTC)
    ids = []
    for code, name, unit, direction, target, amber, red in MEASURED_KPIS:
        kpi_id = uuid7(rng, at)
        ids.append(kpi_id)
        text = f"{name}, reported monthly by the project manager."
        out.kpis.append(
            (kpi_id, code, name, text, unit, direction, target, amber, red, False, at, at, 1)
        )
    return ids


def _value(rng: random.Random, kpi: int, level: float) -> float:
    if kpi == 0:  # customer satisfaction, 1-10
        return round(min(10.0, max(1.0, level + rng.gauss(0, 0.6))), 1)
    if kpi == 1:  # defects per KLOC
        return round(max(0.0, level * rng.uniform(0.7, 1.3)), 2)
    if kpi == 2:  # utilization %
        return round(min(120.0, max(0.0, level + rng.gauss(0, 5))), 1)
    return float(max(0, round(level) + rng.randint(-3, 3)))  # open change requests


def _level(rng: random.Random, kpi: int) -> float:
    """Where a project's KPI hovers."""
    if kpi == 0:
        return rng.uniform(5.5, 9.5)
    if kpi == 1:
        return rng.uniform(0.2, 2.5)
    if kpi == 2:
        return rng.uniform(55, 98)
    return float(rng.randint(0, 25))


def _measurements(
    rng: random.Random, plans: list[Plan], kpi_ids: list[Any], out: RegisterRows
) -> None:
    """Every possible (project, KPI, month) report of the reporting projects, then exactly
    MEASUREMENTS of them drawn at random: monthly series with gaps."""
    slots: list[tuple[int, int, date]] = []  # plan index, KPI index, report day
    last_month = TODAY.replace(day=1)
    for index, plan in enumerate(plans):
        if rng.random() >= MEASURED_SHARE:
            continue
        tracked = rng.sample(range(len(kpi_ids)), rng.randint(2, len(kpi_ids)))
        day = rng.randint(20, 28)
        month = max(plan.first_month, FIRST_MEASURED_MONTH)
        while month <= last_month:
            on = min(month.replace(day=day), TODAY)
            slots += [(index, k, on) for k in tracked]
            month = add_months(month, 1)
    if len(slots) < MEASUREMENTS:
        raise RuntimeError(f"only {len(slots)} KPI report slots for {MEASUREMENTS} measurements")
    levels: dict[tuple[int, int], float] = {}
    for i in sorted(rng.sample(range(len(slots)), MEASUREMENTS)):
        index, kpi, on = slots[i]
        level = levels.get((index, kpi))
        if level is None:
            level = levels[(index, kpi)] = _level(rng, kpi)
        at = _moment(rng, min(on + timedelta(days=1), TODAY))
        note = "Reviewed with the sponsor." if rng.random() < 0.1 else None
        out.measurements.append(
            (
                uuid7(rng, at),
                plans[index].project_id,
                kpi_ids[kpi],
                on,
                _value(rng, kpi, level),
                note,
                at,
                at,
                1,
            )
        )


def register_rows(rng: random.Random, plans: list[Plan]) -> RegisterRows:
    out = RegisterRows()
    _risks(rng, plans, out)
    kpi_ids = _kpi_definitions(rng, out)
    _measurements(rng, plans, kpi_ids, out)
    return out
