"""Schedule and money for the benchmark projects (issue 4, earned value): the time-phased budget
baseline, actual costs, milestones, progress records and the per-project finance row, as row
tuples ready for `copy_records_to_table`.

Every project has a 24-month plan starting between 2024-11 and 2025-03, so most plans run
through 2026 and a report as of 2026-11-22 sees projects at every stage. "Today" is
2026-11-22: no cost is incurred and no milestone or progress is recorded after it.

Sizes, per project: 24 budget lines (baseline 1, one per month), 100 cost entries, 10
milestones, and for percent-complete projects about 7 progress records. For 10,000 projects:
240,000 lines, 1,000,000 cost entries, 100,000 milestones.
"""

from __future__ import annotations

import math
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

TODAY = date(2026, 11, 22)
PLAN_MONTHS = 24
COSTS_PER_PROJECT = 100
MILESTONES_PER_PROJECT = 10
BASELINE = 1

_CATEGORIES = ["labor", "labor", "labor", "vendor", "vendor", "licenses", "travel", "hardware"]
_COST_TEXT = {
    "labor": ["Timesheets", "Contractor hours", "Internal team", "Overtime"],
    "vendor": ["Vendor milestone invoice", "Consulting services", "Integration partner"],
    "licenses": ["Annual subscription", "License true-up", "Support renewal"],
    "travel": ["Site visit", "Workshop travel", "Steering committee trip"],
    "hardware": ["Servers", "Laptops for the team", "Network equipment"],
}
_MILESTONE_NAMES = [
    "Kick-off",
    "Requirements signed off",
    "Design approved",
    "Build complete",
    "Integration tested",
    "User acceptance",
    "Pilot live",
    "Data migrated",
    "Go-live",
    "Handover to operations",
]

BUDGET_LINE_COLUMNS = (
    "id",
    "project_id",
    "baseline",
    "period",
    "category",
    "amount",
    "created_at",
    "updated_at",
    "version",
)
COST_ENTRY_COLUMNS = (
    "id",
    "project_id",
    "incurred_on",
    "amount",
    "category",
    "description",
    "external_ref",
    "created_at",
    "updated_at",
    "version",
)
MILESTONE_COLUMNS = (
    "id",
    "project_id",
    "name",
    "description",
    "due_date",
    "forecast_date",
    "completed_on",
    "weight_milli",
    "is_gate",
    "created_at",
    "updated_at",
    "version",
)
PROGRESS_COLUMNS = (
    "id",
    "project_id",
    "as_of",
    "percent_hundredths",
    "note",
    "created_at",
    "updated_at",
    "version",
)
FINANCE_COLUMNS = ("project_id", "baseline", "baseline_lines", "weight_milli_total")


def add_months(month: date, n: int) -> date:
    """The first day of the month `n` months after `month` (itself a first day)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def uuid7(rng: random.Random, at: datetime) -> uuid.UUID:
    """A UUIDv7 for the moment `at` (as pmo-api's new_id makes them), random bits from `rng`."""
    millis = int(at.timestamp() * 1000)
    rand = rng.getrandbits(74)
    value = (millis & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 62) << 64
    value |= 0b10 << 62 | (rand & ((1 << 62) - 1))
    return uuid.UUID(int=value)


@dataclass
class Plan:
    """A project's schedule and money, as far as the finance rows need it."""

    project_id: uuid.UUID
    created: datetime
    first_month: date  # the month of start_date: the first budget line's period
    start: date
    finish: date
    ev_method: str
    lines: list[tuple[date, str, int]] = field(default_factory=list)  # period, category, cents

    @property
    def budget(self) -> int:
        return sum(amount for _, _, amount in self.lines)


def make_plan(rng: random.Random, project_id: uuid.UUID, created: datetime, ev_method: str) -> Plan:
    """Dates between 2024-11 and 2027-02 (mostly 2025-01..2026-12) and a 24-month baseline whose
    total (the project's BAC) is log-distributed from ~10k to ~50M, in cents."""
    first_month = add_months(date(2025, 1, 1), rng.choice((-2, -1, 0, 0, 0, 1, 2)))
    start = first_month + timedelta(days=rng.randrange(0, 10))
    last_month = add_months(first_month, PLAN_MONTHS - 1)
    finish = last_month + timedelta(days=rng.randrange(14, 28))
    total = int(10 ** rng.uniform(6, 9.7))
    # A bell-shaped spend profile (ramp-up, peak, ramp-down) with some noise per month.
    weights = [
        (0.35 + math.sin(math.pi * (i + 0.5) / PLAN_MONTHS)) * rng.uniform(0.8, 1.2)
        for i in range(PLAN_MONTHS)
    ]
    scale = total / sum(weights)
    plan = Plan(project_id, created, first_month, start, finish, ev_method)
    plan.lines = [
        (add_months(first_month, i), rng.choice(_CATEGORIES), int(w * scale))
        for i, w in enumerate(weights)
    ]
    return plan


def _stamp(rng: random.Random, day: date) -> datetime:
    """A working-hours moment on `day` (UTC), with random microseconds."""
    return datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(10 * 3600), microseconds=rng.randrange(1_000_000)
    )


@dataclass
class FinanceRows:
    budget_lines: list[tuple[Any, ...]] = field(default_factory=list)
    cost_entries: list[tuple[Any, ...]] = field(default_factory=list)
    milestones: list[tuple[Any, ...]] = field(default_factory=list)
    progress: list[tuple[Any, ...]] = field(default_factory=list)
    finance: list[tuple[Any, ...]] = field(default_factory=list)


def finance_rows(rng: random.Random, plans: list[Plan]) -> FinanceRows:
    out = FinanceRows()
    invoice = 0
    for plan in plans:
        pid = plan.project_id
        # Budget lines: baseline 1, recorded when the project was created.
        for period, category, amount in plan.lines:
            at = plan.created + timedelta(seconds=rng.randrange(3600))
            out.budget_lines.append(
                (uuid7(rng, at), pid, BASELINE, period, category, amount, at, at, 1)
            )

        # Costs: spread over [start, min(finish, today)], totalling a fraction of the budget
        # that follows the elapsed time with an over/under-spend factor; ~2% are credits.
        last = min(plan.finish, TODAY)
        days = max((last - plan.start).days, 0) + 1
        elapsed = min(days / ((plan.finish - plan.start).days + 1), 1.0)
        mean = plan.budget * elapsed * rng.uniform(0.75, 1.3) / COSTS_PER_PROJECT
        start_ord = plan.start.toordinal()
        for _ in range(COSTS_PER_PROJECT):
            incurred = date.fromordinal(start_ord + rng.randrange(days))
            category = rng.choice(_CATEGORIES)
            if rng.random() < 0.02:
                amount = -int(mean * rng.uniform(0.05, 0.5))
                text = f"Credit note: {rng.choice(_COST_TEXT[category]).lower()}"
            else:
                amount = int(mean * rng.uniform(0.2, 1.8))
                text = rng.choice(_COST_TEXT[category])
            invoice += 1
            ref = f"INV-{invoice:07d}" if rng.random() < 0.9 else None
            created = _stamp(rng, min(incurred + timedelta(days=rng.randrange(4)), TODAY))
            updated = created
            out.cost_entries.append(
                (
                    uuid7(rng, created),
                    pid,
                    incurred,
                    amount,
                    category,
                    text,
                    ref,
                    created,
                    updated,
                    1,
                )
            )

        # Milestones: spread over the plan; about half are completed (projects run behind).
        span = (plan.finish - plan.start).days
        delay = timedelta(days=rng.randrange(0, 600))  # how far the project runs behind
        weight_total = 0
        for i in range(MILESTONES_PER_PROJECT):
            due = plan.start + timedelta(
                days=max(1, span * (i + 1) // MILESTONES_PER_PROJECT - rng.randrange(0, 20))
            )
            completed = None
            if due + delay <= TODAY and rng.random() < 0.9:
                completed = due + timedelta(days=rng.randrange(-15, 30))
            elif due > TODAY and rng.random() < 0.05:
                completed = due - timedelta(days=rng.randrange(1, 90))
            if completed is not None:
                completed = max(plan.start, min(completed, TODAY))
            forecast = None
            if completed is None and rng.random() < 0.5:
                forecast = due + timedelta(days=rng.randrange(-10, 60))
            weight = rng.randrange(1000, 3001, 250)
            weight_total += weight
            gate = i in (2, 8) or rng.random() < 0.1
            at = plan.created + timedelta(seconds=rng.randrange(86_400))
            updated = _stamp(rng, completed) if completed is not None else at
            out.milestones.append(
                (
                    uuid7(rng, at),
                    pid,
                    _MILESTONE_NAMES[i],
                    "Gate review by the steering committee." if gate else None,
                    due,
                    forecast,
                    completed,
                    weight,
                    gate,
                    at,
                    max(at, updated),
                    2 if completed is not None else 1,
                )
            )

        # Progress: about quarterly for percent-complete projects, rising, never past today.
        if plan.ev_method == "percent_complete":
            pace = rng.uniform(0.8, 1.15)
            percent = 0
            as_of = plan.start + timedelta(days=rng.randrange(60, 100))
            while as_of <= TODAY:
                share = (as_of - plan.start).days / max(span, 1)
                percent = max(percent, min(10_000, int(share * pace * 10_000)))
                at = _stamp(rng, as_of)
                out.progress.append((uuid7(rng, at), pid, as_of, percent, None, at, at, 1))
                as_of += timedelta(days=rng.randrange(80, 100))

        out.finance.append((pid, BASELINE, PLAN_MONTHS, weight_total))
    return out
