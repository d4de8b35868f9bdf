"""Request-level plumbing shared by the routers: dependencies and resource responses.

Dependencies are `async def` even when they do not await: FastAPI runs a plain `def`
dependency in a worker thread, which costs far more than the work itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.principal import Principal
from pmo_api.core.etags import Precondition, not_modified, representation_etag
from pmo_api.core.idempotency import run_idempotent
from pmo_api.core.openapi import problem_response
from pmo_api.core.responses import JSONResponse
from pmo_api.db.database import Database
from pmo_api.settings import Settings


async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_precondition(request: Request) -> Precondition:
    return Precondition.from_request(request)


DB = Annotated[Database, Depends(get_db)]
AppSettings = Annotated[Settings, Depends(get_settings)]
IfMatch = Annotated[Precondition, Depends(get_precondition)]


def resource_response(
    request: Request, body: dict[str, Any], *, status_code: int = 200, location: str | None = None
) -> Response:
    """A single resource with its ETag (core/etags.py: its version and a digest of the body);
    a 304 when the client already holds this very representation."""
    response = JSONResponse(body, status_code=status_code)
    tag = representation_etag(body["version"], response.body)
    if status_code == 200 and request.method == "GET" and not_modified(request, tag):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    if location is not None:
        response.headers["Location"] = location
    return response


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, Any]] | None = None


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problem statuses a route may answer."""
    described = {
        304: "Not modified (If-None-Match names the current version)",
        400: "Malformed request",
        401: "No or bad credentials",
        403: "The caller's role does not allow this",
        404: "Not found, or not visible to the caller",
        409: "Conflict with the current state",
        412: "If-Match names another version",
        413: "Body too large",
        422: "Invalid parameters or body",
        503: "Database unavailable; retry after Retry-After",
    }
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        if status == 304:
            out[status] = {"description": described[status]}
        else:
            out[status] = problem_response(described[status])
    return out


READ_ERRORS = (400, 401, 403, 404, 422, 503)

# The `responses` entry of a list that also answers CSV (`Accept: text/csv` or `format=csv`).
CSV_OK: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}
WRITE_ERRORS = (400, 401, 403, 404, 409, 412, 413, 422, 503)


async def created(
    request: Request,
    db: Database,
    settings: Settings,
    principal: Principal,
    create: Callable[[AsyncConnection], Awaitable[dict[str, Any]]],
    location: str,
    *,
    stored_body: Callable[[bytes], bytes] | None = None,
) -> Response:
    """A POST that creates: runs `create` in one write transaction guarded by the request's
    Idempotency-Key, and answers 201 with the body, its ETag and `Location` (`location` with
    `{id}` replaced by the new id)."""

    async def always_new(conn: AsyncConnection) -> tuple[dict[str, Any], bool]:
        return await create(conn), True

    return await upserted(
        request, db, settings, principal, always_new, location, stored_body=stored_body
    )


async def upserted(
    request: Request,
    db: Database,
    settings: Settings,
    principal: Principal,
    write: Callable[[AsyncConnection], Awaitable[tuple[dict[str, Any], bool]]],
    location: str,
    *,
    stored_body: Callable[[bytes], bytes] | None = None,
) -> Response:
    """A POST that creates or updates (`write` returns the body and whether it created):
    201 with `Location` when it created, else 200; guarded by the Idempotency-Key as above."""

    async def action(conn: AsyncConnection) -> Response:
        body, was_created = await write(conn)
        if not was_created:
            return resource_response(request, body)
        return resource_response(
            request, body, status_code=201, location=location.format(id=body["id"])
        )

    return await run_idempotent(
        db,
        request,
        owner=principal.key_id,
        ttl_hours=settings.idempotency_ttl_hours,
        action=action,
        stored_body=stored_body,
    )
