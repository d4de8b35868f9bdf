"""Audit events name the person behind a change made with an OpenID Connect access token: the
token's `sub` (actor_subject) and email (actor_email). Both null for API keys and the command
line, and for every event recorded before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("actor_subject", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("actor_email", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("actor_email")
        batch.drop_column("actor_subject")
