"""REST endpoints for API keys (admin keys that are not limited to portfolios)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access import service
from pmo_api.access.deps import Caller
from pmo_api.access.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyListParams,
    ApiKeyOut,
    ApiKeyPage,
)
from pmo_api.core.http import DB, AppSettings, IfMatch, created, resource_response
from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.routes import READ_ONE, WRITE
from pmo_api.core.writes import removed

router = APIRouter(prefix="/api/v1/api-keys", tags=["access"])


def _without_secret(body: bytes) -> bytes:
    document = orjson.loads(body)
    document["key"] = None
    return orjson.dumps(document)


@router.post(
    "",
    status_code=201,
    operation_id="api-keys-create",
    response_model=ApiKeyCreated,
    responses=WRITE,
)
async def create_api_key(
    request: Request, caller: Caller, db: DB, settings: AppSettings, body: ApiKeyCreate
) -> Response:
    """Create an API key (admin). The response carries the key once; only its hash is stored.
    A replay (Idempotency-Key) returns the key's details with `key: null`."""

    async def create(conn: AsyncConnection) -> dict[str, Any]:
        row, key = await service.create_key(conn, principal=caller, data=body)
        return {**service.key_json(row), "key": key}

    return await created(
        request,
        db,
        settings,
        caller,
        create,
        "/api/v1/api-keys/{id}",
        stored_body=_without_secret,
    )


key_lists = ListRoutes(router, ApiKeyPage, service.list_keys, service.key_json)


@key_lists.route("", "api-keys-list")
def list_api_keys(params: ApiKeyListParams) -> service.KeyFilter:
    """API keys, without their secrets (admin)."""
    query = params.list_query()
    return service.KeyFilter(q=query.q, updated_since=query.updated_since)


@router.get("/{key_id}", operation_id="api-keys-get", response_model=ApiKeyOut, responses=READ_ONE)
async def get_api_key(request: Request, caller: Caller, db: DB, key_id: uuid.UUID) -> Response:
    """One API key, without its secret (admin)."""
    async with db.read() as conn:
        row = await service.get_key(conn, principal=caller, object_id=key_id)
    return resource_response(request, service.key_json(row))


@router.delete("/{key_id}", status_code=204, operation_id="api-keys-revoke", responses=WRITE)
async def revoke_api_key(
    request: Request, caller: Caller, db: DB, precondition: IfMatch, key_id: uuid.UUID
) -> Response:
    """Revoke a key (admin): refused at once by this instance, and by every other instance
    within `PMO_AUTH_CACHE_SECONDS`."""
    answer = await removed(
        db, service.revoke_key, principal=caller, object_id=key_id, precondition=precondition
    )
    request.app.state.keys.forget(key_id)
    return answer
