"""Risks, KPI definitions (with the built-in computed KPIs) and measurements, status reports.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:57:03.299479
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import pmo_api.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kpi_definitions",
        sa.Column("code", sa.String(length=50), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("unit", sa.String(length=50), nullable=True),
        sa.Column("direction", sa.String(length=20), nullable=False),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("amber_threshold", sa.Float(), nullable=True),
        sa.Column("red_threshold", sa.Float(), nullable=True),
        sa.Column("computed", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "direction IN ('higher_is_better','lower_is_better')",
            name=op.f("ck_kpi_definitions_direction_known"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_definitions")),
        sa.UniqueConstraint("code", name=op.f("uq_kpi_definitions_code")),
    )
    with op.batch_alter_table("kpi_definitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_definitions_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_kpi_definitions_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "kpi_measurements",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("kpi_id", sa.Uuid(), nullable=False),
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["kpi_id"],
            ["kpi_definitions.id"],
            name=op.f("fk_kpi_measurements_kpi_id_kpi_definitions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_kpi_measurements_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_measurements")),
        sa.UniqueConstraint(
            "project_id",
            "kpi_id",
            "measured_on",
            name=op.f("uq_kpi_measurements_project_id_kpi_id_measured_on"),
        ),
    )
    with op.batch_alter_table("kpi_measurements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kpi_measurements_kpi_id_measured_on"),
            ["kpi_id", "measured_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_kpi_measurements_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "risks",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("category", sa.String(length=100), nullable=True),
        sa.Column("probability", sa.SmallInteger(), nullable=False),
        sa.Column("impact", sa.SmallInteger(), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("cost_impact", sa.BigInteger(), nullable=True),
        sa.Column("expected_value", sa.BigInteger(), nullable=True),
        sa.Column("response", sa.String(length=10), nullable=True),
        sa.Column("mitigation_plan", sa.Text(), nullable=True),
        sa.Column("contingency_plan", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "response IS NULL OR response IN ('avoid','mitigate','transfer','accept','escalate')",
            name=op.f("ck_risks_response_known"),
        ),
        sa.CheckConstraint(
            "severity IN ('low','medium','high','critical')", name=op.f("ck_risks_severity_known")
        ),
        sa.CheckConstraint(
            "status IN ('open','mitigating','closed','occurred')",
            name=op.f("ck_risks_status_known"),
        ),
        sa.CheckConstraint(
            "cost_impact IS NULL OR cost_impact >= 0", name=op.f("ck_risks_cost_impact_positive")
        ),
        sa.CheckConstraint("impact BETWEEN 1 AND 5", name=op.f("ck_risks_impact_range")),
        sa.CheckConstraint("probability BETWEEN 1 AND 5", name=op.f("ck_risks_probability_range")),
        sa.CheckConstraint("score = probability * impact", name=op.f("ck_risks_score_product")),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_risks_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risks")),
    )
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_risks_created_at_id"), ["created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_risks_project_id_status_score"),
            ["project_id", "status", "score"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_risks_updated_at_id"), ["updated_at", "id"], unique=False
        )

    op.create_table(
        "status_reports",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("overall", sa.String(length=5), nullable=True),
        sa.Column("schedule", sa.String(length=5), nullable=True),
        sa.Column("cost", sa.String(length=5), nullable=True),
        sa.Column("scope", sa.String(length=5), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("accomplishments", sa.Text(), nullable=True),
        sa.Column("issues", sa.Text(), nullable=True),
        sa.Column("next_steps", sa.Text(), nullable=True),
        sa.Column("recommendations", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column(
            "snapshot",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("published_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "cost IS NULL OR cost IN ('green','amber','red')",
            name=op.f("ck_status_reports_cost_rag"),
        ),
        sa.CheckConstraint(
            "overall IS NULL OR overall IN ('green','amber','red')",
            name=op.f("ck_status_reports_overall_rag"),
        ),
        sa.CheckConstraint(
            "schedule IS NULL OR schedule IN ('green','amber','red')",
            name=op.f("ck_status_reports_schedule_rag"),
        ),
        sa.CheckConstraint(
            "scope IS NULL OR scope IN ('green','amber','red')",
            name=op.f("ck_status_reports_scope_rag"),
        ),
        sa.CheckConstraint(
            "state IN ('draft','published')", name=op.f("ck_status_reports_state_known")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_status_reports_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_reports")),
    )
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_reports_project_id_period_end"),
            ["project_id", "period_end"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_status_reports_updated_at_id"), ["updated_at", "id"], unique=False
        )
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("changed_at", pmo_api.db.types.UTCDateTime(timezone=True), nullable=True)
        )
    for name, table, column, where in (
        ("ix_risks_open_score", "risks", "score", "status IN ('open', 'mitigating')"),
        ("ix_milestones_open_due_date", "milestones", "due_date", "completed_on IS NULL"),
    ):
        op.create_index(
            name,
            table,
            [column],
            unique=False,
            postgresql_where=sa.text(where),
            sqlite_where=sa.text(where),
        )
    _insert_builtin_kpis()


# The built-in computed KPIs (CONTRACT §3), frozen as this migration writes them; their values
# are computed (kpis/builtin.py), and admins may later change names, targets and thresholds.
_BUILTIN_KPIS = (
    ("cpi", "Cost performance index", "EV / AC", "ratio", "higher_is_better", 1.0, None, None),
    ("spi", "Schedule performance index", "EV / PV", "ratio", "higher_is_better", 1.0, None, None),
    ("cost_variance", "Cost variance", "EV - AC", "currency", "higher_is_better", 0.0, None, None),
    (
        "schedule_variance",
        "Schedule variance",
        "EV - PV",
        "currency",
        "higher_is_better",
        0.0,
        None,
        None,
    ),
    (
        "milestone_on_time_rate",
        "Milestones on time",
        "Share of completed milestones completed on or before their due date",
        "%",
        "higher_is_better",
        100.0,
        90.0,
        75.0,
    ),
    (
        "budget_spent_percent",
        "Budget spent",
        "AC / BAC x 100",
        "%",
        "lower_is_better",
        None,
        90.0,
        100.0,
    ),
    (
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


def _insert_builtin_kpis() -> None:
    table = sa.table(
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
    now = datetime.now(UTC)
    op.bulk_insert(
        table,
        [
            {
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
    op.drop_index("ix_milestones_open_due_date", table_name="milestones")
    op.drop_index("ix_risks_open_score", table_name="risks")
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
    with op.batch_alter_table("status_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_reports_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_status_reports_project_id_period_end"))

    op.drop_table("status_reports")
    with op.batch_alter_table("risks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_risks_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_risks_project_id_status_score"))
        batch_op.drop_index(batch_op.f("ix_risks_created_at_id"))

    op.drop_table("risks")
    with op.batch_alter_table("kpi_measurements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_measurements_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_kpi_measurements_kpi_id_measured_on"))

    op.drop_table("kpi_measurements")
    with op.batch_alter_table("kpi_definitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_definitions_updated_at_id"))
        batch_op.drop_index(batch_op.f("ix_kpi_definitions_created_at_id"))

    op.drop_table("kpi_definitions")
