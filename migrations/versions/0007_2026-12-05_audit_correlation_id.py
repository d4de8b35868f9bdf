"""Audit events keep the request id the server chose (`request_id`) and, apart, the id a client
sent in `X-Request-ID` (`correlation_id`): a client can no longer choose the id an audit event
is filed under.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("correlation_id", sa.String(128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("correlation_id")
