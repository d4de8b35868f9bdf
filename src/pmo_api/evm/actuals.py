"""What a project's actual cost (AC) is made of, said once: its cost entries, and the cost of
its time entries (hours x the resource's rate in force that day, priced when written:
resources/time_entries.py). The aggregates (evm/aggregates.py), the as-of arithmetic
(evm/inputs.py) and the cost variance (evm/service.py) all read these sources, so labour
reaches earned value, cost variance and health without a second import."""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, literal

from pmo_api.budget.models import cost_entries
from pmo_api.resources.models import time_entries

LABOUR = "labour"  # the category of time entries' cost in a cost variance by category


class Source(NamedTuple):
    """A table of amounts of actual cost: its project, its date and its amount (in minor
    units), and the category it is reported under."""

    project_id: ColumnElement[Any]
    on: ColumnElement[Any]
    amount: ColumnElement[Any]
    category: ColumnElement[Any]


SOURCES = (
    Source(
        cost_entries.c.project_id,
        cost_entries.c.incurred_on,
        cost_entries.c.amount,
        cost_entries.c.category,
    ),
    Source(
        time_entries.c.project_id,
        time_entries.c.work_date,
        time_entries.c.cost,
        literal(LABOUR),
    ),
)
