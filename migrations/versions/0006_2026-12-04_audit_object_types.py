"""Audit events name their objects as the REST API names the resource: the three object types
that were table names with their last "s" cut off become the resource names
(`cost_entrie` -> `cost`, `progress_record` -> `progress`, `kpi_definition` -> `kpi`), so that a
filter such as `object_type=cost` finds them. The other types were already right.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Written out (not imported from audit/): a migration must not change with later code.
_RENAMED = {"cost_entrie": "cost", "progress_record": "progress", "kpi_definition": "kpi"}
_UPDATE = sa.text("UPDATE audit_events SET object_type = :new WHERE object_type = :old")


def upgrade() -> None:
    for old, new in _RENAMED.items():
        op.get_bind().execute(_UPDATE, {"old": old, "new": new})


def downgrade() -> None:
    for old, new in _RENAMED.items():
        op.get_bind().execute(_UPDATE, {"old": new, "new": old})
