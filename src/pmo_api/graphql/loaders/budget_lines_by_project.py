"""The lines of each project's current budget baseline (or of an earlier one, by number), in
`period` order as REST lists them, for `project.budgetLines`: one statement per batch for the
current baselines, and one per distinct earlier number asked for."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.engine import RowMapping
from strawberry.dataloader import DataLoader

from pmo_api.access.principal import Principal
from pmo_api.budget import repository
from pmo_api.budget.models import budget_lines
from pmo_api.core.listing import ListQuery
from pmo_api.db.database import Database
from pmo_api.evm.models import project_finance
from pmo_api.projects.models import projects

Key = tuple[uuid.UUID, int | None]  # (project id, baseline number; None: the current one)

_DEFAULT_ORDER = repository.budget_line_sort(ListQuery(1, None, None, None, None))


def _scoped(
    stmt: Select[Any], principal: Principal, project_ids: Sequence[uuid.UUID]
) -> Select[Any]:
    return (
        stmt.join(projects, projects.c.id == budget_lines.c.project_id)
        .where(
            budget_lines.c.project_id.in_(sorted(set(project_ids))),
            projects.c.archived_at.is_(None),
            principal.portfolio_filter(projects.c.portfolio_id),
        )
        .order_by(*_DEFAULT_ORDER.order_by())
    )


def budget_lines_by_project(
    db: Database, principal: Principal
) -> DataLoader[Key, list[RowMapping]]:
    async def load(keys: Sequence[Key]) -> list[list[RowMapping]]:
        by_number: dict[int | None, list[uuid.UUID]] = defaultdict(list)
        for project_id, number in keys:
            by_number[number].append(project_id)
        found: dict[Key, list[RowMapping]] = defaultdict(list)
        async with db.read() as conn:
            for number, project_ids in by_number.items():
                if number is None:
                    current = and_(
                        project_finance.c.project_id == budget_lines.c.project_id,
                        project_finance.c.baseline == budget_lines.c.baseline,
                    )
                    base = select(budget_lines).join(project_finance, current)
                else:
                    base = select(budget_lines).where(budget_lines.c.baseline == number)
                stmt = _scoped(base, principal, project_ids)
                for row in (await conn.execute(stmt)).mappings():
                    found[(row["project_id"], number)].append(row)
        return [found.get(key, []) for key in keys]

    return DataLoader(load_fn=load)
