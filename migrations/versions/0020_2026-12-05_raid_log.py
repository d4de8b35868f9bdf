"""The RAID log of issue 16: dependencies between milestones, the issue log (`raid_issues`)
and the assumption log; the link from a risk to the issue it became (`risks.issue_id`); and in
project_finance the kept health inputs of the log (milestones at risk from a dependency, open
critical and high issues).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The built-in KPI of issue 16, frozen as this migration writes it (kpis/builtin.py).
_OPEN_ISSUES = {
    "code": "open_issues",
    "name": "Open issues",
    "description": "Issues open or in progress, raised on or before the date",
    "unit": "issues",
    "direction": "lower_is_better",
    "target": 0.0,
    "amber_threshold": None,
    "red_threshold": None,
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


def _builtin_kpi() -> None:
    taken = (
        op.get_bind()
        .execute(sa.select(_KPIS.c.code).where(_KPIS.c.code == _OPEN_ISSUES["code"]))
        .scalars()
        .all()
    )
    if taken:
        raise RuntimeError(
            "KPI code open_issues already defined: rename it before migrating (it becomes a "
            "built-in KPI)"
        )
    now = datetime.now(UTC)
    op.bulk_insert(
        _KPIS,
        [
            {
                # The id scheme of migrations 0004 and 0012: stable across databases.
                "id": uuid.uuid5(uuid.NAMESPACE_URL, "pmo-api:kpi:open_issues"),
                **_OPEN_ISSUES,
                "computed": True,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        ],
    )


def upgrade() -> None:
    op.create_table(
        "dependencies",
        sa.Column("predecessor_id", sa.Uuid(), nullable=False),
        sa.Column("successor_id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("lag_days", sa.Integer(), nullable=False),
        sa.Column("hard", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "type IN ('finish_to_start','start_to_start','finish_to_finish')",
            name=op.f("ck_dependencies_type_known"),
        ),
        sa.CheckConstraint(
            "lag_days BETWEEN -3650 AND 3650", name=op.f("ck_dependencies_lag_days_range")
        ),
        sa.CheckConstraint(
            "predecessor_id <> successor_id", name=op.f("ck_dependencies_not_itself")
        ),
        sa.ForeignKeyConstraint(
            ["predecessor_id"],
            ["milestones.id"],
            name=op.f("fk_dependencies_predecessor_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["successor_id"],
            ["milestones.id"],
            name=op.f("fk_dependencies_successor_id_milestones"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dependencies")),
        sa.UniqueConstraint(
            "predecessor_id",
            "successor_id",
            name=op.f("uq_dependencies_predecessor_id_successor_id"),
        ),
    )
    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dependencies_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dependencies_successor_id"), ["successor_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_dependencies_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "raid_issues",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("impact", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("raised_on", sa.Date(), nullable=False),
        sa.Column("target_resolution_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("risk_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "priority IN ('low','medium','high','critical')",
            name=op.f("ck_raid_issues_priority_known"),
        ),
        sa.CheckConstraint(
            "status IN ('open','in_progress','resolved','closed')",
            name=op.f("ck_raid_issues_status_known"),
        ),
        sa.CheckConstraint(
            "target_resolution_on IS NULL OR target_resolution_on >= raised_on",
            name=op.f("ck_raid_issues_target_after_raised"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_raid_issues_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risks.id"],
            name=op.f("fk_raid_issues_risk_id_risks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_raid_issues")),
    )
    with op.batch_alter_table("raid_issues", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_raid_issues_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_raid_issues_project_id_status_priority"),
            ["project_id", "status", "priority"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_raid_issues_risk_id"), ["risk_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_raid_issues_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "assumptions",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("confidence", sa.String(length=10), nullable=False),
        sa.Column("validate_by", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("risk_id", sa.Uuid(), nullable=True),
        sa.Column("issue_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "confidence IN ('low','medium','high')", name=op.f("ck_assumptions_confidence_known")
        ),
        sa.CheckConstraint(
            "status IN ('unvalidated','valid','invalid')", name=op.f("ck_assumptions_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"],
            ["raid_issues.id"],
            name=op.f("fk_assumptions_issue_id_raid_issues"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_assumptions_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["risk_id"],
            ["risks.id"],
            name=op.f("fk_assumptions_risk_id_risks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assumptions")),
    )
    with op.batch_alter_table("assumptions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assumptions_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assumptions_project_id_status"), ["project_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assumptions_updated_at_id"), ["updated_at", "id"], unique=False
        )

    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("dependency_risks", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("open_critical_issues", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("open_high_issues", sa.Integer(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("issue_id", sa.Uuid(), nullable=True))

    _builtin_kpi()


def downgrade() -> None:
    op.execute(_KPIS.delete().where(_KPIS.c.code == _OPEN_ISSUES["code"]))
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_column("issue_id")

    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.drop_column("open_high_issues")
        batch_op.drop_column("open_critical_issues")
        batch_op.drop_column("dependency_risks")

    with op.batch_alter_table("assumptions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assumptions_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_assumptions_project_id_status"))
        batch_op.drop_index(batch_op.f("ix_assumptions_created_at_id"))

    op.drop_table("assumptions")
    with op.batch_alter_table("raid_issues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_raid_issues_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_raid_issues_risk_id"))
        batch_op.drop_index(batch_op.f("ix_raid_issues_project_id_status_priority"))
        batch_op.drop_index(batch_op.f("ix_raid_issues_created_at_id"))

    op.drop_table("raid_issues")
    with op.batch_alter_table("dependencies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dependencies_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_dependencies_successor_id"))
        batch_op.drop_index(batch_op.f("ix_dependencies_created_at_id"))

    op.drop_table("dependencies")
