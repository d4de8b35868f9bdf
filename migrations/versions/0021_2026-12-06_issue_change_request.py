"""An issue of the RAID log raises a change request (issue 16): the issue's link to the draft
change request it raised (`raid_issues.change_request_id`). The change request service clears
the link (with the issue's version and audit event) when it deletes a change request; the
foreign key's SET NULL is the backstop.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 02:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("raid_issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("change_request_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_raid_issues_change_request_id"), ["change_request_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_raid_issues_change_request_id_change_requests"),
            "change_requests",
            ["change_request_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("raid_issues", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_raid_issues_change_request_id_change_requests"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_raid_issues_change_request_id"))
        batch_op.drop_column("change_request_id")
