"""Quality reviews (issue 15): reviews of a project (peer reviews, audits, health checks) and
their findings, whose corrective actions are action items; the built-in KPI `overdue_actions`.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 18:30:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen as this migration writes it (kpis/builtin.py may change later).
_KPI = {
    "code": "overdue_actions",
    "name": "Overdue action items",
    "description": "Action items still to do (open, in progress) and due before the date",
    "unit": "count",
    "direction": "lower_is_better",
    "target": 0.0,
    "amber_threshold": 0.0,
    "red_threshold": 3.0,
}
_KPIS = sa.table(
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
# Health's rule `actions` reads the earliest due date of a project's action items still to do,
# kept per project (evm/aggregates.py); filled here for the items written before (a project
# with action items but no row yet gets its row, as evm/aggregates.py would make it).
_MISSING_ROWS = sa.text(
    "INSERT INTO project_finance (project_id, baseline, baseline_lines, weight_milli_total, "
    "open_critical_risks, open_high_risks) SELECT DISTINCT a.project_id, 0, 0, 0, 0, 0 "
    "FROM action_items a WHERE NOT EXISTS "
    "(SELECT 1 FROM project_finance f WHERE f.project_id = a.project_id)"
)
_FIRST_OPEN_ACTION_DUE = sa.text(
    "UPDATE project_finance SET first_open_action_due = ("
    "SELECT min(a.due_date) FROM action_items a WHERE a.project_id = project_finance.project_id "
    "AND a.status IN ('open', 'in_progress'))"
)


def upgrade() -> None:
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_open_action_due", sa.Date(), nullable=True))
    op.get_bind().execute(_MISSING_ROWS)
    op.get_bind().execute(_FIRST_OPEN_ACTION_DUE)
    # A measured KPI an admin defined under this code would make the insert fail on the unique
    # code; refuse clearly rather than half-migrate.
    taken = op.get_bind().execute(sa.select(_KPIS.c.code).where(_KPIS.c.code == _KPI["code"]))
    if taken.first() is not None:
        raise RuntimeError(
            f"KPI code {_KPI['code']} already defined: rename it before migrating "
            "(it becomes a built-in KPI)"
        )
    now = datetime.now(UTC)
    op.bulk_insert(
        _KPIS,
        [
            {
                # The id scheme of migrations 0004 and 0012: stable across databases.
                "id": uuid.uuid5(uuid.NAMESPACE_URL, f"pmo-api:kpi:{_KPI['code']}"),
                **_KPI,
                "computed": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        ],
    )
    op.create_table(
        "quality_reviews",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("reviewer", sa.String(length=200), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('peer_review','audit','health_check')",
            name=op.f("ck_quality_reviews_kind_known"),
        ),
        sa.CheckConstraint(
            "status IN ('planned','held','closed')", name=op.f("ck_quality_reviews_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_quality_reviews_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_reviews")),
    )
    with op.batch_alter_table("quality_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_reviews_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_reviews_project_id_created_at"),
            ["project_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quality_reviews_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "quality_findings",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "severity IN ('low','medium','high','critical')",
            name=op.f("ck_quality_findings_severity_known"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_quality_findings_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["quality_reviews.id"],
            name=op.f("fk_quality_findings_review_id_quality_reviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_findings")),
    )
    with op.batch_alter_table("quality_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_findings_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_quality_findings_project_id_severity"),
            ["project_id", "severity"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quality_findings_review_id_created_at"),
            ["review_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_quality_findings_updated_at_id"), ["updated_at", "id"], unique=False
        )


def downgrade() -> None:
    # A built-in KPI is never measured (the service refuses it), so nothing refers to it.
    op.execute(_KPIS.delete().where(_KPIS.c.code == _KPI["code"]))
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.drop_column("first_open_action_due")
    with op.batch_alter_table("quality_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_findings_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_quality_findings_review_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_quality_findings_project_id_severity"))
        batch_op.drop_index(batch_op.f("ix_quality_findings_created_at_id"))

    op.drop_table("quality_findings")
    with op.batch_alter_table("quality_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_reviews_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_quality_reviews_project_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_quality_reviews_created_at_id"))

    op.drop_table("quality_reviews")
