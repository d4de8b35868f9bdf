"""Rules for KPI definitions and measurements. Services receive the transaction and never
commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import changed_only, delete_row, insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, found
from pmo_api.core.etags import Precondition
from pmo_api.core.listing import Listing, query_timestamp
from pmo_api.kpis import builtin, rules, values
from pmo_api.kpis import repository as repo
from pmo_api.kpis.models import KpiSubject, definitions, measurements
from pmo_api.kpis.schemas import (
    KpiCreate,
    KpiListParams,
    KpiPatch,
    MeasurementCreate,
    check_thresholds,
)
from pmo_api.projects.service import visible_project
from pmo_api.settings import Settings

_FIELDS = (
    "id",
    "code",
    "name",
    "description",
    "unit",
    "direction",
    "target",
    "amber_threshold",
    "red_threshold",
    "computed",
    "created_at",
    "updated_at",
    "version",
)


def thresholds(kpi: Mapping[Any, Any], settings: Settings) -> tuple[float | None, float | None]:
    """(amber, red) of a KPI: its own, except cpi and spi, judged by the health thresholds."""
    if kpi["code"] == "cpi":
        return settings.health_cpi_green, settings.health_cpi_amber
    if kpi["code"] == "spi":
        return settings.health_spi_green, settings.health_spi_amber
    return kpi["amber_threshold"], kpi["red_threshold"]


def kpi_json(row: Mapping[Any, Any], settings: Settings) -> dict[str, Any]:
    body = {name: row[name] for name in _FIELDS}
    body["amber_threshold"], body["red_threshold"] = thresholds(row, settings)
    per_resource = row["code"] in builtin.PER_RESOURCE
    body["applies_to"] = KpiSubject.RESOURCE if per_resource else KpiSubject.PROJECT
    return body


def judged(kpi: Mapping[Any, Any], value: float | None, settings: Settings) -> dict[str, Any]:
    """A value with its status and variance to target."""
    amber, red = thresholds(kpi, settings)
    return {
        "status": rules.status(value, kpi["direction"], amber, red),
        "target": kpi["target"],
        "variance_to_target": rules.variance_to_target(value, kpi["target"]),
    }


@dataclass(frozen=True)
class KpiFilter:
    """The filters of the KPI definition list (several directions are an OR)."""

    direction: tuple[str, ...] = ()
    computed: bool | None = None
    q: str | None = None
    updated_since: datetime | None = None

    @classmethod
    def of(cls, params: KpiListParams, *, since_at: str = "updated_since") -> KpiFilter:
        """From the parameters REST validates (GraphQL validates its filter with them too)."""
        return cls(
            direction=tuple(params.direction),
            computed=params.computed,
            q=params.q,
            updated_since=query_timestamp(params.updated_since, since_at),
        )


async def list_kpis(
    conn: AsyncConnection, principal: Principal, filter: KpiFilter, *, sort: str | None = None
) -> Listing:
    """KPI definitions (shared by every portfolio: any caller sees them all) that match
    `filter`, in `sort` order (default: `code`): REST's list and GraphQL's `kpis`."""
    stmt = repo.listed(
        direction=filter.direction,
        computed=filter.computed,
        q=filter.q,
        updated_since=filter.updated_since,
    )
    return Listing(stmt, repo.sort_of(sort))


def _admin(principal: Principal) -> None:
    # Definitions are shared by every portfolio: a limited admin would change what others see.
    principal.require_unlimited(
        Role.admin, "KPI definitions need an admin key that is not limited to portfolios"
    )


async def visible_kpi(conn: AsyncConnection, principal: Principal, code: str) -> RowMapping:
    """The KPI definition `code`, or NotFound (repo.get)."""
    return found(await repo.get(conn, principal, code), f"KPI {code}")


async def create_kpi(conn: AsyncConnection, *, principal: Principal, data: KpiCreate) -> RowMapping:
    _admin(principal)
    if await repo.get(conn, principal, data.code) is not None:
        raise Conflict(f"a KPI with code '{data.code}' already exists")
    await insert_row(conn, definitions, {**data.model_dump(), "computed": False}, actor=principal)
    return await visible_kpi(conn, principal, data.code)


async def update_kpi(
    conn: AsyncConnection,
    *,
    principal: Principal,
    object_id: str,
    patch: KpiPatch,
    precondition: Precondition,
) -> RowMapping:
    """`object_id`: the KPI's code (REST's `{kpi_code}`, GraphQL's `code`)."""
    _admin(principal)
    code = object_id
    current = await visible_kpi(conn, principal, code)
    precondition.check(current["version"])
    changes = changed_only(current, patch.changes())
    if not changes:
        return current
    if current["computed"]:
        if "direction" in changes:
            raise Conflict(f"the direction of the built-in KPI {code} is part of its definition")
        if code in builtin.HEALTH_JUDGED and {"amber_threshold", "red_threshold"} & set(changes):
            raise Conflict(
                f"{code} is judged by the health thresholds (settings PMO_HEALTH_*), not its own"
            )
    merged = {**current, **changes}
    try:
        check_thresholds(merged["direction"], merged["amber_threshold"], merged["red_threshold"])
    except ValueError as exc:
        raise Invalid.field(["body", "red_threshold"], str(exc), "threshold_order") from None
    await update_row(conn, definitions, current, changes, actor=principal)
    return await visible_kpi(conn, principal, code)


async def delete_kpi(
    conn: AsyncConnection, *, principal: Principal, object_id: str, precondition: Precondition
) -> RowMapping:
    """`object_id`: the KPI's code. Returns the deleted row (GraphQL answers with its id)."""
    _admin(principal)
    code = object_id
    current = await visible_kpi(conn, principal, code)
    precondition.check(current["version"])
    if current["computed"]:
        raise Conflict(f"{code} is a built-in KPI and cannot be deleted")
    if await repo.has_measurements(conn, current["id"]):
        raise Conflict(f"KPI {code} has measurements; it cannot be deleted")
    await delete_row(conn, definitions, current, actor=principal)
    return current


def measurement_json(
    row: Mapping[Any, Any], kpi: Mapping[Any, Any], settings: Settings
) -> dict[str, Any]:
    return {
        "id": row["id"],
        "project_id": row["project_id"],
        "kpi_code": kpi["code"],
        "measured_on": row["measured_on"],
        "value": row["value"],
        **judged(kpi, row["value"], settings),
        "note": row["note"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


@dataclass(frozen=True)
class MeasurementFilter:
    project: str  # id or code; 404 if not visible
    kpi: str  # its code
    updated_since: datetime | None = None


async def list_measurements(
    conn: AsyncConnection,
    principal: Principal,
    filter: MeasurementFilter,
    *,
    sort: str | None = None,
) -> tuple[Listing, RowMapping]:
    """A project's measurements of a KPI, in `sort` order (default: `measured_on`), and the
    KPI (which judges them: measurement_json)."""
    owner = await visible_project(conn, principal, filter.project)
    kpi = await visible_kpi(conn, principal, filter.kpi)
    stmt = repo.measurements_of(principal, owner["id"], kpi["id"])
    if filter.updated_since:
        stmt = stmt.where(measurements.c.updated_at >= filter.updated_since)
    return Listing(stmt, repo.measurement_sort(sort)), kpi


async def measurable(conn: AsyncConnection, principal: Principal, code: str) -> RowMapping:
    kpi = await visible_kpi(conn, principal, code)
    if kpi["computed"]:
        raise Conflict(f"{code} is computed from the project's data; it cannot be measured")
    return kpi


async def record_measurement(
    conn: AsyncConnection,
    *,
    principal: Principal,
    ref: str,
    code: str,
    data: MeasurementCreate,
) -> tuple[RowMapping, RowMapping, bool]:
    """Record the KPI's value for the project on a date; a second value for the same date
    replaces the first (an import sent twice never duplicates). Returns the measurement, its
    KPI and whether it was created."""
    principal.require(Role.editor)
    project = await visible_project(conn, principal, ref, lock=True)
    kpi = await measurable(conn, principal, code)
    on = (principal, project["id"], kpi["id"], data.measured_on)
    existing = await repo.measurement_on(conn, *on)
    if existing is not None:
        changes = changed_only(existing, data.model_dump())
        if changes:
            await update_row(conn, measurements, existing, changes, actor=principal)
    else:
        values = {"project_id": project["id"], "kpi_id": kpi["id"], **data.model_dump()}
        await insert_row(conn, measurements, values, actor=principal)
    row = await repo.measurement_on(conn, *on)
    assert row is not None
    return row, kpi, existing is None


async def project_kpis(
    conn: AsyncConnection,
    principal: Principal,
    ref: str,
    as_of: date,
    settings: Settings,
) -> dict[str, Any]:
    """The latest value and status of every KPI for the project as of a date: measured ones
    from their latest measurement on or before it, built-in ones computed as of it."""
    project = await visible_project(conn, principal, ref)
    project_id = project["id"]
    found = await kpis_of_projects(conn, principal, [project_id], as_of, settings)
    data = found.get(project_id, [])
    return {"project_id": project_id, "code": project["code"], "as_of": as_of, "data": data}


async def kpis_of_projects(
    conn: AsyncConnection,
    principal: Principal,
    project_ids: Sequence[uuid.UUID],
    as_of: date,
    settings: Settings,
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """`project_kpis`' rows (`data`) for many projects, as of one date, in five statements
    whatever their number (GraphQL's `project.kpis` batch). Projects the caller may not see
    (or that do not exist) are absent from the answer."""
    if not project_ids:
        return {}
    latest = await repo.latest_measurements_of(conn, principal, project_ids, as_of)
    computed = await values.computed(conn, project_ids, [as_of], settings)
    exposure = await values.exposure(conn, principal, project_ids)
    kpis = [k for k in await repo.every(conn) if k["code"] not in builtin.PER_RESOURCE]
    out: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for project_id in project_ids:
        numbers = computed.get((project_id, as_of))
        if numbers is None or project_id not in exposure:  # not visible (or deleted since read)
            continue
        numbers = {**numbers, values.EXPOSURE: exposure[project_id][0]}
        data = []
        for kpi in kpis:
            on: date | None = as_of
            if kpi["computed"]:
                value = numbers.get(kpi["code"])
            else:
                found = latest.get((project_id, kpi["id"]))
                value, on = (found["value"], found["measured_on"]) if found else (None, None)
            data.append(
                {
                    "kpi_code": kpi["code"],
                    "name": kpi["name"],
                    "unit": kpi["unit"],
                    "direction": kpi["direction"],
                    "computed": kpi["computed"],
                    "value": value,
                    "measured_on": on,
                    **judged(kpi, value, settings),
                }
            )
        out[project_id] = data
    return out
