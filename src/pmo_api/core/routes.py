"""What the routers declare alike: the OpenAPI `responses` of each kind of operation, and the
GET, PATCH and DELETE of one resource by its id, registered from the domain's service.

Seven resources (portfolios, objectives, milestones, progress, costs, risks, status reports)
had the same three routes, each a decorator, a signature and one call: `item_routes` writes
them once. Each endpoint it builds is an ordinary FastAPI endpoint whose signature is set explicitly
(FastAPI reads `inspect.signature`, which honours `__signature__`), so the OpenAPI document
says exactly what the hand-written routes said: the summary from the endpoint's name
(`get_risk` → "Get Risk"), the description from its docstring, the parameters in the order
request, caller, db, precondition, path parameters, body.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal
from pmo_api.core.collection import Presenter
from pmo_api.core.etags import Precondition
from pmo_api.core.http import (
    CSV_OK,
    DB,
    READ_ERRORS,
    WRITE_ERRORS,
    IfMatch,
    problems,
    resource_response,
)
from pmo_api.core.writes import patched, removed
from pmo_api.db.database import Database

# The `responses` of each kind of route (FastAPI deep-copies them, so routes may share them).
READ = problems(*READ_ERRORS)
READ_ONE = problems(304, *READ_ERRORS)  # a conditional GET also answers 304
READ_CSV = {**READ, **CSV_OK}  # a list that also answers CSV
WRITE = problems(*WRITE_ERRORS)

# The service functions, with the parent ids of a nested resource (objectives) besides the
# signatures of core/writes.py: `read(conn, principal, *parent_ids, object_id)` (the row, or
# NotFound when the caller cannot see it: the services' `visible_x`), `update(conn, *,
# principal, object_id, patch, precondition, **parent_ids)`, `delete(conn, *, principal,
# object_id, precondition, **parent_ids)`.
Read = Callable[..., Awaitable[Mapping[Any, Any]]]
Write = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Get:
    read: Read
    doc: str


@dataclass(frozen=True)
class Update:
    update: Write
    patch: type[BaseModel]
    doc: str


@dataclass(frozen=True)
class Delete:
    delete: Write
    doc: str


def item_routes(
    router: APIRouter,
    path: str,
    *,
    name: str,
    operations: str,
    model: type[BaseModel],
    render: Presenter,
    get: Get,
    update: Update,
    delete: Delete,
) -> None:
    """Register GET, PATCH and DELETE of `path`, whose last parameter is the resource's id (a
    uuid) and whose earlier ones (uuids) name its parent: `read` takes them positionally before
    the id, `update` and `delete` as keywords. The endpoints are `get_<name>`,
    `update_<name>` and `delete_<name>`; the operation ids `<operations>-get`, `-update` and
    `-delete`."""
    *parents, id_name = re.findall(r"{(\w+)}", path)
    ids = [(n, uuid.UUID) for n in (*parents, id_name)]

    async def get_one(request: Request, caller: Principal, db: Database, **ids: Any) -> Response:
        async with db.read() as conn:
            row = await get.read(conn, caller, *(ids[n] for n in parents), ids[id_name])
        return resource_response(request, render(row))

    async def update_one(
        request: Request,
        caller: Principal,
        db: Database,
        precondition: Precondition,
        body: BaseModel,
        **ids: Any,
    ) -> Response:
        service = partial(update.update, **{n: ids[n] for n in parents})
        return await patched(
            request,
            db,
            service,
            render,
            principal=caller,
            object_id=ids[id_name],
            patch=body,
            precondition=precondition,
        )

    async def delete_one(
        caller: Principal, db: Database, precondition: Precondition, **ids: Any
    ) -> Response:
        service = partial(delete.delete, **{n: ids[n] for n in parents})
        return await removed(
            db, service, principal=caller, object_id=ids[id_name], precondition=precondition
        )

    read_args = [("request", Request), ("caller", Caller), ("db", DB)]
    router.get(path, operation_id=f"{operations}-get", response_model=model, responses=READ_ONE)(
        _endpoint(f"get_{name}", get.doc, [*read_args, *ids], get_one)
    )
    write_args = [*read_args, ("precondition", IfMatch), *ids, ("body", update.patch)]
    router.patch(path, operation_id=f"{operations}-update", response_model=model, responses=WRITE)(
        _endpoint(f"update_{name}", update.doc, write_args, update_one)
    )
    delete_args = [("caller", Caller), ("db", DB), ("precondition", IfMatch), *ids]
    router.delete(path, status_code=204, operation_id=f"{operations}-delete", responses=WRITE)(
        _endpoint(f"delete_{name}", delete.doc, delete_args, delete_one)
    )


def _endpoint(
    name: str,
    doc: str,
    parameters: list[tuple[str, Any]],
    run: Callable[..., Awaitable[Response]],
) -> Callable[..., Awaitable[Response]]:
    """An endpoint named `name`, described by `doc`, whose signature is `parameters` (name and
    annotation, in order): FastAPI documents and fills exactly those, and `run` gets them as
    keywords."""

    async def endpoint(**values: Any) -> Response:
        return await run(**values)

    endpoint.__name__ = endpoint.__qualname__ = name
    endpoint.__doc__ = doc
    kind = inspect.Parameter.KEYWORD_ONLY
    endpoint.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, kind, annotation=a) for n, a in parameters],
        return_annotation=Response,
    )
    return endpoint
