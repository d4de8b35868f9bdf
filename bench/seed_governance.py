"""The governance rows of issue 15 for the compliance scenario, from the seeded projects:

- **status reports**: a published report for ~92% of the month ends from each started
  project's start up to the data set's today (or its actual finish), published 1-6 days later;
- **gate reviews**: for ~85% of the gate milestones due by today + 30 days, one review held
  from 10 days before to 3 days after the due date, decided `go` when held by today;
- **action items** from quality findings (source `finding`) on a third of the projects, due
  within 90 days either side of today, those due before today done in ~75% of cases;
- **audit events** of the activation (`after: {"status": "active"}`) of half the started
  projects (the others are judged from their actual start, as data loaded without the API).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from seed_finance import TODAY, add_months, uuid7

REPORT_COLUMNS = (
    "id",
    "project_id",
    "period_end",
    "overall",
    "summary",
    "state",
    "snapshot",
    "published_at",
    "created_at",
    "updated_at",
    "version",
)
GATE_REVIEW_COLUMNS = (
    "id",
    "project_id",
    "milestone_id",
    "scheduled_on",
    "held_on",
    "criteria",
    "reviewers",
    "decision",
    "decided_on",
    "decided_by",
    "conditions",
    "created_at",
    "updated_at",
    "version",
)
ACTION_COLUMNS = (
    "id",
    "project_id",
    "title",
    "owner",
    "due_date",
    "status",
    "source",
    "completed_on",
    "created_at",
    "updated_at",
    "version",
)
AUDIT_COLUMNS = (
    "id",
    "occurred_at",
    "actor_key_id",
    "actor_name",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
)
STARTED = ("active", "on_hold", "completed")
_PEOPLE = ("Ana Lima", "Bo Chen", "Chidi Okafor", "Dana Weiss", "Emil Novak")
_EMPTY = json.dumps([])


@dataclass
class GovernanceRows:
    reports: list[tuple[Any, ...]] = field(default_factory=list)
    gate_reviews: list[tuple[Any, ...]] = field(default_factory=list)
    actions: list[tuple[Any, ...]] = field(default_factory=list)
    audit: list[tuple[Any, ...]] = field(default_factory=list)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _month_end(first: date) -> date:
    return add_months(first, 1) - timedelta(days=1)


def governance_rows(
    rng: random.Random, projects: list[tuple[Any, ...]], milestones: list[tuple[Any, ...]]
) -> GovernanceRows:
    """`projects` and `milestones` as seed.py and seed_finance.py copy them (by position: id 0,
    status 12, start_date 13, actual_start 15, actual_finish 16; milestone id 0, project 1,
    due date 4, is_gate 8)."""
    out = GovernanceRows()
    for row in projects:
        project_id, status, start = row[0], row[12], row[15] or row[13]
        if status not in STARTED or start is None:
            continue
        last = min(row[16] or TODAY, TODAY)
        month = start.replace(day=1)
        while (end := _month_end(month)) < last:
            if rng.random() < 0.92:
                published = _at(min(end + timedelta(days=rng.randint(1, 6)), TODAY))
                snapshot = json.dumps({"period_end": end.isoformat()})
                out.reports.append(
                    (
                        *(uuid7(rng, published), project_id, end, "green", "On track"),
                        *("published", snapshot, published, published, published, 2),
                    )
                )
            month = add_months(month, 1)
        if row[15] is not None and rng.random() < 0.5:
            at = _at(row[15], 9)
            out.audit.append(
                (
                    *(uuid7(rng, at), at, "local", "seed", "update", "project", project_id),
                    *(json.dumps({"status": "approved"}), json.dumps({"status": "active"})),
                )
            )
        if rng.random() < 1 / 3:
            for _ in range(rng.randint(1, 3)):
                due = TODAY + timedelta(days=rng.randint(-90, 90))
                created = _at(due - timedelta(days=rng.randint(10, 60)))
                done = due < TODAY and rng.random() < 0.75
                completed = min(due + timedelta(days=rng.randint(-5, 5)), TODAY) if done else None
                status = "done" if done else "open"
                out.actions.append(
                    (
                        *(uuid7(rng, created), project_id, "Fix the finding"),
                        *(rng.choice(_PEOPLE), due, status, "finding", completed),
                        *(created, created, 1),
                    )
                )
    for m in milestones:
        if not m[8] or m[4] > TODAY + timedelta(days=30) or rng.random() >= 0.85:
            continue
        held = m[4] + timedelta(days=rng.randint(-10, 3))
        decided = held <= TODAY
        created = _at(held - timedelta(days=14))
        out.gate_reviews.append(
            (
                *(uuid7(rng, created), m[1], m[0], held, held if decided else None),
                *(_EMPTY, _EMPTY, "go" if decided else None, held if decided else None),
                *(rng.choice(_PEOPLE) if decided else None, _EMPTY, created, created, 1),
            )
        )
    return out
