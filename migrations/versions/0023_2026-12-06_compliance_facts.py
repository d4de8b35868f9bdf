"""Compliance stamps (issue 15's compliance at 10,000 projects): per project a token that every
write to what its compliance is judged from replaces (compliance/stamps.py), so a judgement
kept with the token (compliance/cache.py) is known current without computing the rules. Every
existing project gets a fresh token.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import pmo_api.db.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PROJECTS = sa.table("projects", sa.column("id", sa.Uuid()))


def upgrade() -> None:
    stamps = op.create_table(
        "compliance_stamps",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("token", sa.Uuid(), nullable=False),
        sa.Column("changed_at", pmo_api.db.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_compliance_stamps_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_compliance_stamps")),
    )
    ids = op.get_bind().execute(sa.select(_PROJECTS.c.id)).scalars().all()
    now = datetime.now(UTC)
    rows = [{"project_id": i, "token": uuid.uuid4(), "changed_at": now} for i in ids]
    if rows:
        op.bulk_insert(stamps, rows)


def downgrade() -> None:
    op.drop_table("compliance_stamps")
