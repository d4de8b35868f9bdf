"""Two built-in KPIs of issue 14: `planned_vs_actual_hours` per project and `utilisation` per
resource. Only rows: their values are computed when asked for (kpis/builtin.py).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 12:00:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen as this migration writes them (kpis/builtin.py may change later; admins may rename them
# and change targets and thresholds, never the direction).
_BUILTIN_KPIS = (
    (
        "planned_vs_actual_hours",
        "Actual against planned hours",
        "Actual hours / planned hours x 100, both up to the date (100: on plan)",
        "%",
        "lower_is_better",
        100.0,
        110.0,
        125.0,
    ),
    (
        "utilisation",
        "Utilisation",
        "Allocated hours / capacity x 100 over the month, per resource",
        "%",
        "lower_is_better",
        None,
        100.0,
        110.0,
    ),
)

_TABLE = sa.table(
    "kpi_definitions",
    sa.column("id", sa.Uuid()),
    sa.column("code", sa.String()),
    sa.column("name", sa.String()),
    sa.column("description", sa.Text()),
    sa.column("unit", sa.String()),
    sa.column("direction", sa.String()),
    sa.column("target", sa.Float()),
    sa.column("amber_threshold", sa.Float()),
    sa.column("red_threshold", sa.Float()),
    sa.column("computed", sa.Boolean()),
    sa.column("created_at", pmo_api.db.types.UTCDateTime()),
    sa.column("updated_at", pmo_api.db.types.UTCDateTime()),
    sa.column("version", sa.Integer()),
)


def upgrade() -> None:
    # A measured KPI an admin defined under one of these codes would make the insert fail on
    # the unique code; refuse clearly rather than half-migrate.
    codes = [row[0] for row in _BUILTIN_KPIS]
    taken = (
        op.get_bind()
        .execute(sa.select(_TABLE.c.code).where(_TABLE.c.code.in_(codes)))
        .scalars()
        .all()
    )
    if taken:
        raise RuntimeError(
            f"KPI code(s) {', '.join(taken)} already defined: rename them before migrating "
            "(they become built-in KPIs)"
        )
    now = datetime.now(UTC)
    op.bulk_insert(
        _TABLE,
        [
            {
                # The same id scheme as migration 0004's built-ins: stable across databases.
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"pmo-api:kpi:{code}"),
                "code": code,
                "name": name,
                "description": description,
                "unit": unit,
                "direction": direction,
                "target": target,
                "amber_threshold": amber,
                "red_threshold": red,
                "computed": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for code, name, description, unit, direction, target, amber, red in _BUILTIN_KPIS
        ],
    )


def downgrade() -> None:
    # Built-in KPIs are never measured (the service refuses it), so nothing refers to them.
    codes = [row[0] for row in _BUILTIN_KPIS]
    op.execute(_TABLE.delete().where(_TABLE.c.code.in_(codes)))
