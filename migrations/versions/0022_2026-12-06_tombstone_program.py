"""The programme a deleted row was in (issue 16: `program_id` on every feed with a portfolio
filter, the deletions feed included): `tombstones.program_id`, recorded when the row goes, as
its portfolio is. Tombstones written before this revision get their project's programme as it
is now (a deleted project's is unknown: null), and a programme's own tombstone its id.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 03:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TOMBSTONES = sa.table(
    "tombstones",
    sa.column("object_type", sa.String()),
    sa.column("object_id", sa.Uuid()),
    sa.column("project_id", sa.Uuid()),
    sa.column("program_id", sa.Uuid()),
)
_PROJECTS = sa.table("projects", sa.column("id", sa.Uuid()), sa.column("program_id", sa.Uuid()))


def upgrade() -> None:
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("program_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_tombstones_program_id_deleted_at"),
            ["program_id", "deleted_at"],
            unique=False,
        )
    t, p = _TOMBSTONES, _PROJECTS
    program_of_project = sa.select(p.c.program_id).where(p.c.id == t.c.project_id).scalar_subquery()
    op.execute(t.update().where(t.c.project_id.is_not(None)).values(program_id=program_of_project))
    op.execute(t.update().where(t.c.object_type == "program").values(program_id=t.c.object_id))


def downgrade() -> None:
    with op.batch_alter_table("tombstones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tombstones_program_id_deleted_at"))
        batch_op.drop_column("program_id")
