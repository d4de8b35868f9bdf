"""The built-in KPI `compliance` of issue 15: the share of the PMO's rules a project meets
(a row: its value is computed when asked for, kpis/builtin.py, compliance/service.py), and two
indexes the compliance statement reads: published status reports by project and period, and
budget lines by project and creation time.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 18:00:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0018"
# Re-chained onto the head of the other issue-15 migrations when the branches merge.
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen as this migration writes them (kpis/builtin.py may change later; admins may rename them
# and change targets and thresholds, never the direction).
_BUILTIN_KPIS = (
    (
        "compliance",
        "Compliance",
        "Rules met / rules met or not met x 100 (GET /projects/{project}/compliance)",
        "%",
        "higher_is_better",
        100.0,
        80.0,
        60.0,
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
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_reports_published",
            ["project_id", "period_end", "published_at"],
            unique=False,
            postgresql_where=sa.text("state = 'published'"),
            sqlite_where=sa.text("state = 'published'"),
        )
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_lines_project_id_created_at"),
            ["project_id", "created_at"],
            unique=False,
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
    with op.batch_alter_table("budget_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_lines_project_id_created_at"))
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.drop_index("ix_status_reports_published")
    # Built-in KPIs are never measured (the service refuses it), so nothing refers to them.
    codes = [row[0] for row in _BUILTIN_KPIS]
    op.execute(_TABLE.delete().where(_TABLE.c.code.in_(codes)))
