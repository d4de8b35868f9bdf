"""What health's milestone and risk rules read, kept per project in project_finance: the
earliest due date of the open milestones and of the open stage gates, and the number of open
critical and high risks (a portfolio summary then reads one row per project for them).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 09:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rules as they stood at this revision (risks/rules.py: open statuses; milestones: overdue
# when not completed): written out, since a migration must not change with later code.
_BACKFILL = """
UPDATE project_finance SET
  first_open_due = (
    SELECT min(m.due_date) FROM milestones m
    WHERE m.project_id = project_finance.project_id AND m.completed_on IS NULL),
  first_open_gate_due = (
    SELECT min(m.due_date) FROM milestones m
    WHERE m.project_id = project_finance.project_id AND m.completed_on IS NULL AND m.is_gate),
  open_critical_risks = (
    SELECT count(*) FROM risks r
    WHERE r.project_id = project_finance.project_id AND r.severity = 'critical'
      AND r.status IN ('open', 'mitigating')),
  open_high_risks = (
    SELECT count(*) FROM risks r
    WHERE r.project_id = project_finance.project_id AND r.severity = 'high'
      AND r.status IN ('open', 'mitigating'))
"""


def upgrade() -> None:
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_open_due", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("first_open_gate_due", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("open_critical_risks", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("open_high_risks", sa.Integer(), server_default="0", nullable=False)
        )
    # Every project with risks needs its row now (until this revision only finance writes
    # made one).
    op.execute(
        "INSERT INTO project_finance (project_id, baseline, baseline_lines, weight_milli_total) "
        "SELECT p.id, 0, 0, 0 FROM projects p WHERE NOT EXISTS "
        "(SELECT 1 FROM project_finance f WHERE f.project_id = p.id)"
    )
    op.execute(_BACKFILL)


def downgrade() -> None:
    with op.batch_alter_table("project_finance", schema=None) as batch_op:
        batch_op.drop_column("open_high_risks")
        batch_op.drop_column("open_critical_risks")
        batch_op.drop_column("first_open_gate_due")
        batch_op.drop_column("first_open_due")
