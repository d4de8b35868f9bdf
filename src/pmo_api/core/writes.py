"""The signatures every service write follows, and the REST answers to them, written once.

- create: `create(conn, *, principal, data)` (a child's parent is bound with functools.partial);
- update: `update(conn, *, principal, object_id, patch, precondition)`, returning the row;
- delete: `delete(conn, *, principal, object_id, precondition)`.

REST routes and GraphQL mutations (graphql/mutations.py) call any service through these, so a
route or a mutation is one call naming its service and how to render the result.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.principal import Principal
from pmo_api.core.etags import Precondition
from pmo_api.core.http import created, resource_response
from pmo_api.db.database import Database
from pmo_api.settings import Settings

M = TypeVar("M", bound=BaseModel)
M_contra = TypeVar("M_contra", bound=BaseModel, contravariant=True)


class Create(Protocol[M_contra]):
    def __call__(
        self, conn: AsyncConnection, *, principal: Principal, data: M_contra
    ) -> Awaitable[Any]: ...


class Update(Protocol[M_contra]):
    def __call__(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        patch: M_contra,
        precondition: Precondition,
    ) -> Awaitable[Any]: ...


class Delete(Protocol):
    def __call__(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: uuid.UUID,
        precondition: Precondition,
    ) -> Awaitable[Any]: ...


async def posted(
    request: Request,
    db: Database,
    settings: Settings,
    create: Create[M],
    render: Callable[[Mapping[Any, Any]], dict[str, Any]],
    *,
    principal: Principal,
    data: M,
    location: str,
) -> Response:
    """POST: the service's create in one write transaction guarded by the Idempotency-Key,
    answered 201 with the new resource, its ETag and `Location` (`{id}` the new id)."""

    async def create_one(conn: AsyncConnection) -> dict[str, Any]:
        return render(await create(conn, principal=principal, data=data))

    return await created(request, db, settings, principal, create_one, location)


async def patched(
    request: Request,
    db: Database,
    update: Update[M],
    render: Callable[[Mapping[Any, Any]], dict[str, Any]],
    *,
    principal: Principal,
    object_id: uuid.UUID,
    patch: M,
    precondition: Precondition,
) -> Response:
    """PATCH: the service's update in one write transaction, answered with the changed
    resource and its ETag."""
    async with db.write() as conn:
        row = await update(
            conn, principal=principal, object_id=object_id, patch=patch, precondition=precondition
        )
    return resource_response(request, render(row))


async def removed(
    db: Database,
    delete: Delete,
    *,
    principal: Principal,
    object_id: uuid.UUID,
    precondition: Precondition,
) -> Response:
    """DELETE: the service's delete in one write transaction, answered 204."""
    async with db.write() as conn:
        await delete(conn, principal=principal, object_id=object_id, precondition=precondition)
    return Response(status_code=204)
