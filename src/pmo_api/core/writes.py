"""The signatures every service write follows, and the REST answers to them, written once.

- create: `create(conn, *, principal, data)` (a child's parent is bound with functools.partial);
- update: `update(conn, *, principal, object_id, patch, precondition)`, returning the row;
- delete: `delete(conn, *, principal, object_id, precondition)`.

`object_id` is the resource's key: a uuid, except for the resources addressed by another key
(a project by id or code, a KPI definition by code). A render that needs the settings (a KPI's
thresholds) is a `WithSettings`, bound per request.

REST routes and GraphQL mutations (graphql/mutations.py) call any service through these, so a
route or a mutation is one call naming its service and how to render the result.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

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
K = TypeVar("K")  # a resource's key: uuid.UUID for most, str for a KPI definition's code
K_contra = TypeVar("K_contra", contravariant=True)
T = TypeVar("T")


class Create(Protocol[M_contra]):
    def __call__(
        self, conn: AsyncConnection, *, principal: Principal, data: M_contra
    ) -> Awaitable[Any]: ...


class Update(Protocol[M_contra, K_contra]):
    def __call__(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: K_contra,
        patch: M_contra,
        precondition: Precondition,
    ) -> Awaitable[Any]: ...


class Delete(Protocol[K_contra]):
    """Returns nothing, or (a resource addressed by code) the deleted row."""

    def __call__(
        self,
        conn: AsyncConnection,
        *,
        principal: Principal,
        object_id: K_contra,
        precondition: Precondition,
    ) -> Awaitable[Any]: ...


@dataclass(frozen=True)
class WithSettings(Generic[T]):
    """A render that needs the settings, `render(row, settings)`: a KPI definition's thresholds
    are, for cpi and spi, the health thresholds. REST and GraphQL bind it per request."""

    render: Callable[[Mapping[Any, Any], Settings], T]

    def bound(self, settings: Settings) -> Callable[[Mapping[Any, Any]], T]:
        return lambda row: self.render(row, settings)


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
    update: Update[M, K],
    render: Callable[[Mapping[Any, Any]], dict[str, Any]],
    *,
    principal: Principal,
    object_id: K,
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
    delete: Delete[K],
    *,
    principal: Principal,
    object_id: K,
    precondition: Precondition,
) -> Response:
    """DELETE: the service's delete in one write transaction, answered 204."""
    async with db.write() as conn:
        await delete(conn, principal=principal, object_id=object_id, precondition=precondition)
    return Response(status_code=204)
