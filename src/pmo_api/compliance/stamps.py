"""The compliance stamps (compliance/models.py): per project, a token replaced in the
transaction of every write to what its compliance is judged from, so a judgement kept with a
token (compliance/cache.py) is known current by reading the token, without computing the
rules again.

Every tracked write goes through core/crud.py (and a baseline through budget/service.py),
which call `changed` with the row written; `stamp_all` writes a fresh token for every project
(the migration's backfill and data loaded without the API, like the bench's seed).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Table, Uuid, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.compliance.models import compliance_stamps
from pmo_api.core.clock import utcnow
from pmo_api.db.types import UTCDateTime
from pmo_api.projects.models import projects

# The tables whose rows a project's compliance is judged from (compliance/rules.py and the
# rule modules); a project's own writes also write its activation to the audit trail.
INPUTS = frozenset(
    {
        "projects",
        "milestones",
        "gate_reviews",
        "status_reports",
        "risks",
        "action_items",
        "budget_lines",
    }
)


def project_of(table: Table, row: Mapping[Any, Any]) -> uuid.UUID | None:
    """The project whose compliance a write of `row` (of `table`) may change; None when the
    table is not one compliance reads."""
    if table.name not in INPUTS:
        return None
    found = row.get("id") if table.name == "projects" else row.get("project_id")
    return found if isinstance(found, uuid.UUID) else None


async def changed(conn: AsyncConnection, table: Table, row: Mapping[Any, Any]) -> None:
    """After a write of `row` to `table`: a new token for its project, when compliance reads
    the table."""
    project_id = project_of(table, row)
    if project_id is not None:
        await touch(conn, [project_id])


async def touch(conn: AsyncConnection, project_ids: Iterable[uuid.UUID]) -> None:
    """A new token for each project (its row written when missing; none for a project the
    write deleted)."""
    s = compliance_stamps
    for project_id in sorted(set(project_ids)):
        now = utcnow()
        result = await conn.execute(
            update(s).where(s.c.project_id == project_id).values(token=uuid.uuid4(), changed_at=now)
        )
        if result.rowcount == 0:  # its first stamp, unless the write deleted the project
            made = select(
                projects.c.id,
                literal(uuid.uuid4(), Uuid()),
                literal(now, UTCDateTime()),
            ).where(projects.c.id == project_id)
            await conn.execute(insert(s).from_select(["project_id", "token", "changed_at"], made))


async def stamp_all(conn: AsyncConnection) -> None:
    """A fresh token for every project (after data was written without the API)."""
    ids = list((await conn.execute(select(projects.c.id))).scalars())
    await conn.execute(compliance_stamps.delete())
    now = utcnow()
    rows = [{"project_id": i, "token": uuid.uuid4(), "changed_at": now} for i in ids]
    if rows:
        await conn.execute(insert(compliance_stamps), rows)
