"""Rules for methodology templates: admins write, every caller reads. A template's versions
are immutable: publishing writes version N+1 and moves the template's `latest_version`, so a
project made from version N keeps reading version N. Services never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal, Role
from pmo_api.core.crud import insert_row, update_row
from pmo_api.core.errors import Conflict, Invalid, NotFound
from pmo_api.core.listing import Listing
from pmo_api.kpis.models import definitions
from pmo_api.projects.models import projects
from pmo_api.templates import repository as repo
from pmo_api.templates.models import template_versions, templates
from pmo_api.templates.schemas import TemplateBody, TemplateCreate

_CONTENT = (
    "milestones",
    "gates",
    "kpis",
    "risk_categories",
    "budget_categories",
    "stakeholder_roles",
    "reporting_cadence",
)


def version_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A version as the API shows it (the row of repository.with_version or versions_of)."""
    body = row["body"]
    return {
        "template_id": row["id"] if "template_id" not in row else row["template_id"],
        "template_version": row["template_version"],
        "name": row["name"],
        "description": row["description"],
        **{name: body.get(name) for name in _CONTENT},
        "published_at": row["published_at"],
    }


def template_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A template with one of its versions (the latest unless asked)."""
    return {
        "id": row["id"],
        "key": row["key"],
        "latest_version": row["latest_version"],
        **version_json(row),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "version": row["version"],
    }


@dataclass(frozen=True)
class TemplateFilter:
    q: str | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class VersionFilter:
    template_id: uuid.UUID
    updated_since: datetime | None = None


async def list_templates(
    conn: AsyncConnection, principal: Principal, filter: TemplateFilter, *, sort: str | None = None
) -> Listing:
    """Every template (with its latest version) matching `filter`; default order: `key`."""
    return Listing(repo.listed(q=filter.q, updated_since=filter.updated_since), repo.sort_of(sort))


async def list_versions(
    conn: AsyncConnection, principal: Principal, filter: VersionFilter, *, sort: str | None = None
) -> Listing:
    """A template's versions, oldest first; 404 when there is no such template."""
    if not await repo.exists(conn, filter.template_id):
        raise _no_template(filter.template_id)
    stmt = repo.versions_of(filter.template_id, updated_since=filter.updated_since)
    return Listing(stmt, repo.version_sort_of(sort))


def _no_template(template_id: uuid.UUID, number: int | None = None) -> NotFound:
    if number is None:
        return NotFound(f"methodology template {template_id} does not exist")
    return NotFound(f"methodology template {template_id} has no version {number}")


async def visible_template(
    conn: AsyncConnection, principal: Principal, template_id: uuid.UUID, number: int | None = None
) -> RowMapping:
    """The template with its version `number` (default the latest), or NotFound."""
    row = await repo.get(conn, template_id, number)
    if row is None:
        raise _no_template(template_id, number)
    return row


def _admin(principal: Principal) -> None:
    # Templates are shared by every portfolio: a limited admin would change what others use.
    principal.require_unlimited(
        Role.admin, "methodology templates need an admin key that is not limited to portfolios"
    )


async def _stored_body(conn: AsyncConnection, data: TemplateBody) -> dict[str, Any]:
    """The version's content as stored, once its rules hold (422 naming the field)."""
    gate_keys: set[str] = set()
    for i, gate in enumerate(data.gates):
        if gate.key in gate_keys:
            raise Invalid.field(["body", "gates", i, "key"], f"gate '{gate.key}' is repeated")
        gate_keys.add(gate.key)
        criteria: set[str] = set()
        for j, criterion in enumerate(gate.criteria):
            if criterion.key in criteria:
                loc: list[str | int] = ["body", "gates", i, "criteria", j, "key"]
                raise Invalid.field(loc, f"criterion '{criterion.key}' is repeated")
            criteria.add(criterion.key)
    names: set[str] = set()
    gated: set[str] = set()
    for i, milestone in enumerate(data.milestones):
        if milestone.name in names:
            loc = ["body", "milestones", i, "name"]
            raise Invalid.field(loc, f"milestone '{milestone.name}' is repeated")
        names.add(milestone.name)
        key = milestone.gate_key
        if key is not None:
            loc = ["body", "milestones", i, "gate_key"]
            if key not in gate_keys:
                raise Invalid.field(loc, f"names no gate of this template: '{key}'", "not_found")
            if key in gated:
                raise Invalid.field(loc, f"gate '{key}' is already another milestone's")
            gated.add(key)
    await _known_kpis(conn, data)
    cadence = data.reporting_cadence
    if cadence is not None and (cadence.every_weeks is None) == (not cadence.month_end):
        raise Invalid.field(
            ["body", "reporting_cadence"], 'give one of {"every_weeks": N} or {"month_end": true}'
        )
    body = data.model_dump(mode="json", include=set(_CONTENT))
    for milestone in body["milestones"]:
        milestone["weight"] = float(milestone["weight"])
    return body


async def _known_kpis(conn: AsyncConnection, data: TemplateBody) -> None:
    codes = [kpi.code for kpi in data.kpis]
    known = set(
        (await conn.execute(select(definitions.c.code).where(definitions.c.code.in_(codes))))
        .scalars()
        .all()
    )
    seen: set[str] = set()
    for i, code in enumerate(codes):
        loc: list[str | int] = ["body", "kpis", i, "code"]
        if code not in known:
            raise Invalid.field(loc, f"no KPI has the code '{code}'", "not_found")
        if code in seen:
            raise Invalid.field(loc, f"KPI '{code}' is repeated")
        seen.add(code)


async def _insert_version(
    conn: AsyncConnection,
    principal: Principal,
    template_id: uuid.UUID,
    number: int,
    data: TemplateBody,
    body: dict[str, Any],
) -> None:
    values = {
        "template_id": template_id,
        "number": number,
        "name": data.name,
        "description": data.description,
        "body": body,
    }
    await insert_row(conn, template_versions, values, actor=principal)


async def create_template(
    conn: AsyncConnection, *, principal: Principal, data: TemplateCreate
) -> RowMapping:
    """A new template and its version 1 (unlimited admin)."""
    _admin(principal)
    body = await _stored_body(conn, data)
    if await repo.key_taken(conn, data.key):
        raise Conflict(f"a methodology template with key '{data.key}' already exists")
    values = {"key": data.key, "name": data.name, "description": data.description}
    new = await insert_row(conn, templates, {**values, "latest_version": 1}, actor=principal)
    await _insert_version(conn, principal, new, 1, data, body)
    return await visible_template(conn, principal, new)


async def publish_version(
    conn: AsyncConnection, *, principal: Principal, template_id: uuid.UUID, data: TemplateBody
) -> RowMapping:
    """Version N+1 of the template (a full new body); earlier versions stay as they were."""
    _admin(principal)
    current = await repo.get(conn, template_id, lock=True)
    if current is None:
        raise _no_template(template_id)
    body = await _stored_body(conn, data)
    number = current["latest_version"] + 1
    await _insert_version(conn, principal, template_id, number, data, body)
    changes = {"name": data.name, "description": data.description, "latest_version": number}
    await update_row(conn, templates, current, changes, actor=principal, action="publish")
    return await visible_template(conn, principal, template_id)


# --- what other domains read (gate reviews, compliance) -------------------------------------


async def project_template(conn: AsyncConnection, project_id: uuid.UUID) -> dict[str, Any] | None:
    """The template version the project was made from (or had applied), as
    `template_json` shows it (`template_version` the project's, not the latest); None when
    the project records no template. No scope check: callers have already found the project."""
    stmt = select(projects.c.template_id, projects.c.template_version).where(
        projects.c.id == project_id
    )
    recorded = (await conn.execute(stmt)).first()
    if recorded is None or recorded.template_id is None:
        return None
    row = await repo.get(conn, recorded.template_id, recorded.template_version)
    return None if row is None else template_json(row)


async def gate_definition(
    conn: AsyncConnection, project_id: uuid.UUID, gate_key: str
) -> dict[str, Any] | None:
    """The gate `gate_key` as the project's recorded template version defines it: `key`,
    `name`, `criteria` ([{key, text, level: must|should}]) and `required_documents`; None
    when the project has no template or its version defines no such gate."""
    template = await project_template(conn, project_id)
    if template is None:
        return None
    for gate in template["gates"]:
        if gate["key"] == gate_key:
            return dict(gate)
    return None
