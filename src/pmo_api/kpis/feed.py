"""`/api/v1/kpi-values`: the long, flat feed for BI, one row per (project, KPI, date), in
(project, KPI code, date) order, projects by id (creation order: a collation-free order
that SQL and Python agree on). Measured KPIs come from their table; the built-in ones
are computed at each month end of the range (never later than today). The risk register has
no history, so `open_risk_exposure` is reported once, as of today, when today is in the range.

Rows are produced project batch by project batch (a few hundred projects at a time), so a pull
of every project for a year streams in bounded memory and a page costs only its own batch.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import column, func, select
from sqlalchemy.engine import RowMapping

from pmo_api.access.principal import Principal
from pmo_api.access.scope import readable_projects
from pmo_api.core.clock import today
from pmo_api.core.listing import query_timestamp
from pmo_api.core.pagination import Sort, SortField, SortKey
from pmo_api.db.database import Database
from pmo_api.evm.models import project_finance
from pmo_api.evm.service import period_ends
from pmo_api.kpis import builtin, values
from pmo_api.kpis import repository as repo
from pmo_api.kpis.models import measurements
from pmo_api.kpis.rules import status
from pmo_api.kpis.schemas import KpiValueParams
from pmo_api.kpis.service import thresholds
from pmo_api.projects.models import projects
from pmo_api.projects.repository import in_groups, split_refs
from pmo_api.resources.models import allocations
from pmo_api.settings import Settings

BATCH = 250  # projects per statement

FIELDS = (
    "portfolio_id",
    "project_id",
    "project_code",
    "kpi_code",
    "measured_on",
    "value",
    "status",
    "computed",
    "updated_at",
)
# The feed's order, and its cursor: (project id, KPI code, date).
ORDER = Sort(
    (
        SortKey(SortField("project_id", column("project_id"), "uuid"), False),
        SortKey(SortField("kpi_code", column("kpi_code"), "str"), False),
        SortKey(SortField("measured_on", column("measured_on"), "date"), False),
    )
)


@dataclass(frozen=True)
class FeedSpec:
    principal: Principal
    settings: Settings
    today: date
    first: date
    last: date
    portfolio_ids: Sequence[uuid.UUID] = ()
    program_ids: Sequence[uuid.UUID] = ()
    project_ids: Sequence[uuid.UUID] = ()
    project_codes: Sequence[str] = ()
    kpi_codes: Sequence[str] = ()
    updated_since: datetime | None = None


def spec_of(
    params: KpiValueParams,
    principal: Principal,
    settings: Settings,
    *,
    since_at: str = "updated_since",
) -> FeedSpec:
    """The feed's spec from its parameters (REST's query, GraphQL's filter): `from` defaults to
    a year before `to`, `to` to today; a `project` filter naming nothing that can exist matches
    nothing (not everything). A bad cursor is refused here, before anything is read."""
    if params.cursor:
        ORDER.decode(params.cursor)
    now = today()
    last = params.to or now
    first = params.from_ or last - timedelta(days=365)
    # The month ends a CSV export would compute: too many is a 422 now, not a stream cut short.
    period_ends(first, min(last, now), "month")
    ids, codes = split_refs(params.project)
    return FeedSpec(
        principal=principal,
        settings=settings,
        today=now,
        first=first,
        last=last,
        portfolio_ids=params.portfolio_id,
        program_ids=params.program_id,
        project_ids=ids if ids or codes or not params.project else [uuid.UUID(int=0)],
        project_codes=codes,
        kpi_codes=params.kpi,
        updated_since=query_timestamp(params.updated_since, since_at),
    )


def _key(row: dict[str, Any]) -> tuple[uuid.UUID, str, date]:
    return (row["project_id"], row["kpi_code"], row["measured_on"])


async def rows(
    db: Database, spec: FeedSpec, *, after: str | None = None
) -> AsyncIterator[dict[str, Any]]:
    """The feed's rows in order, starting after the row the cursor `after` names."""
    start = ORDER.decode(after) if after else None
    async with db.read() as conn:
        kpis = [
            k
            for k in await repo.every(conn)
            if (not spec.kpi_codes or k["code"] in spec.kpi_codes)
            and k["code"] not in builtin.PER_RESOURCE  # their feed: kpis/resource_feed.py
        ]
    measured = {k["id"]: k for k in kpis if not k["computed"]}
    computed = {k["code"]: k for k in kpis if k["computed"]}
    month_ends = period_ends(spec.first, min(spec.last, spec.today), "month")
    with_exposure = values.EXPOSURE in computed and spec.first <= spec.today <= spec.last
    from_id: uuid.UUID | None = start[0] if start else None
    inclusive = True  # the cursor's project may have rows left
    while True:
        async with db.read() as conn:
            batch = await _projects(conn, spec, from_id, inclusive)
            if not batch:
                return
            out = await _batch_rows(
                conn, spec, batch, measured, computed, month_ends, with_exposure
            )
        for row in sorted(out, key=_key):
            if start is None or _key(row) > (start[0], start[1], start[2]):
                yield row
        if len(batch) < BATCH:
            return
        from_id, inclusive = batch[-1]["id"], False


async def page(
    db: Database, spec: FeedSpec, limit: int, *, after: str | None = None
) -> tuple[list[dict[str, Any]], str | None]:
    """`limit` rows of the feed after the cursor `after`, and the next page's cursor (None on
    the last page): REST's JSON page and GraphQL's `kpiValues` alike."""
    found: list[dict[str, Any]] = []
    async for row in rows(db, spec, after=after):
        if len(found) == limit:
            return found, ORDER.cursor_for(found[-1])
        found.append(row)
    return found, None


async def _projects(
    conn: Any, spec: FeedSpec, from_id: uuid.UUID | None, inclusive: bool
) -> Sequence[RowMapping]:
    stmt = (
        readable_projects(
            spec.principal,
            projects.c.id,
            projects.c.code,
            projects.c.portfolio_id,
            projects.c.updated_at,
            project_finance.c.changed_at,
            # Allocations are not part of the finance aggregates, but planned_vs_actual_hours
            # reads them: an incremental pull must see their writes too.
            select(func.max(allocations.c.updated_at))
            .where(allocations.c.project_id == projects.c.id)
            .scalar_subquery()
            .label("planned_at"),
        )
        .outerjoin(project_finance, project_finance.c.project_id == projects.c.id)
        .order_by(projects.c.id)
        .limit(BATCH)
    )
    if from_id is not None:
        stmt = stmt.where(projects.c.id >= from_id if inclusive else projects.c.id > from_id)
    for grouped_by, ids in in_groups(spec.portfolio_ids, spec.program_ids):
        if ids:
            stmt = stmt.where(grouped_by.in_(ids))
    if spec.project_ids or spec.project_codes:
        stmt = stmt.where(
            projects.c.id.in_(spec.project_ids) | projects.c.code.in_(spec.project_codes)
        )
    found: Sequence[RowMapping] = (await conn.execute(stmt)).mappings().all()
    return found


async def _batch_rows(
    conn: Any,
    spec: FeedSpec,
    batch: Sequence[RowMapping],
    measured: dict[uuid.UUID, RowMapping],
    computed: dict[str, RowMapping],
    month_ends: list[date],
    with_exposure: bool,
) -> list[dict[str, Any]]:
    by_id = {p["id"]: p for p in batch}
    out: list[dict[str, Any]] = []

    def row(
        project: RowMapping, kpi: RowMapping, on: date, value: float | None, changed: Any
    ) -> None:
        amber, red = thresholds(kpi, spec.settings)
        out.append(
            {
                "portfolio_id": project["portfolio_id"],
                "project_id": project["id"],
                "project_code": project["code"],
                "kpi_code": kpi["code"],
                "measured_on": on,
                "value": value,
                "status": status(value, kpi["direction"], amber, red),
                "computed": kpi["computed"],
                "updated_at": changed,
            }
        )

    if measured:
        m = measurements
        stmt = select(m.c.project_id, m.c.kpi_id, m.c.measured_on, m.c.value, m.c.updated_at).where(
            m.c.project_id.in_(list(by_id)),
            m.c.kpi_id.in_(list(measured)),
            m.c.measured_on >= spec.first,
            m.c.measured_on <= spec.last,
        )
        if spec.updated_since is not None:
            stmt = stmt.where(m.c.updated_at >= spec.updated_since)
        for project_id, kpi_id, on, value, changed in (await conn.execute(stmt)).all():
            row(by_id[project_id], measured[kpi_id], on, value, changed)

    def data_changed(project: RowMapping) -> datetime:
        updated: datetime = project["updated_at"]
        changes: list[datetime] = [project["changed_at"], project["planned_at"]]
        return max([updated, *(c for c in changes if c is not None)])

    since = spec.updated_since
    fresh = [p for p in batch if since is None or data_changed(p) >= since]
    monthly = {code: kpi for code, kpi in computed.items() if code != values.EXPOSURE}
    if monthly and month_ends and fresh:
        found = await values.computed(conn, [p["id"] for p in fresh], month_ends, spec.settings)
        for (project_id, on), numbers in found.items():
            project = by_id[project_id]
            for code, kpi in monthly.items():
                row(project, kpi, on, numbers[code], data_changed(project))
    if with_exposure:
        kpi = computed[values.EXPOSURE]
        for project_id, (total, risks_changed) in (
            await values.exposure(conn, spec.principal, list(by_id))
        ).items():
            project = by_id[project_id]
            changed = max(project["updated_at"], risks_changed or project["updated_at"])
            if since is None or changed >= since:
                row(project, kpi, spec.today, total, changed)
    return out
