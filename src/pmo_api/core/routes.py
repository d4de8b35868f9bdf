"""What the routers declare alike: the OpenAPI `responses` of each kind of operation, and the
POST, GET, PATCH and DELETE of a resource, registered from the domain's service.

The resources (portfolios, objectives, milestones, progress, costs, risks, status reports, KPI
definitions by code) had the same routes, each a decorator, a signature and one call:
`ResourceRoutes` writes them once, and their routers say only what differs (the path, the
service, the docstring). Each endpoint it builds is an ordinary FastAPI endpoint whose
signature is set explicitly (FastAPI reads `inspect.signature`, which honours `__signature__`),
so the OpenAPI document says exactly what the hand-written routes said: the summary from the
endpoint's name (`get_risk` → "Get Risk"), the description from its docstring, the parameters
in the order written here.
"""

from __future__ import annotations

import inspect
import re
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from fastapi import APIRouter
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal
from pmo_api.core.collection import Presenter, list_response
from pmo_api.core.etags import Precondition
from pmo_api.core.http import (
    CSV_OK,
    DB,
    READ_ERRORS,
    WRITE_ERRORS,
    AppSettings,
    IfMatch,
    problems,
    resource_response,
)
from pmo_api.core.listing import Listing, ListParams
from pmo_api.core.writes import WithSettings, patched, posted, removed
from pmo_api.db.database import Database
from pmo_api.settings import Settings

# The `responses` of each kind of route (FastAPI deep-copies them, so routes may share them).
READ = problems(*READ_ERRORS)
READ_ONE = problems(304, *READ_ERRORS)  # a conditional GET also answers 304
READ_CSV = {**READ, **CSV_OK}  # a list that also answers CSV
WRITE = problems(*WRITE_ERRORS)


@dataclass(frozen=True)
class CsvFile:
    """A list's CSV export: its columns (keys of the presented row) and file name; with `copy`,
    PostgreSQL formats it (the listing's statement selects exactly `columns`)."""

    columns: Sequence[str]
    filename: str
    copy: bool = False


async def listing_response(
    request: Request,
    db: Database,
    listing: Listing,
    params: ListParams,
    present: Presenter,
    csv: CsvFile | None = None,
) -> Response:
    """A list route's answer to the service's `listing`: a page of `present`ed rows, or every
    row as CSV when `csv` offers it and the caller asks."""
    if csv is None:
        return await list_response(request, db, listing.stmt, listing.sort, params, present)
    return await list_response(
        request,
        db,
        listing.stmt,
        listing.sort,
        params,
        present,
        csv_columns=csv.columns,
        filename=csv.filename,
        copy=csv.copy,
    )


# A write of core/writes.py, with the parent ids of a nested resource (objectives) as keywords.
Write = Callable[..., Awaitable[Any]]

# The parameters every endpoint here takes first (a DELETE, which needs no request, from caller).
FIRST = [("request", Request), ("caller", Caller), ("db", DB)]


class ResourceRoutes:
    """The routes of one resource at `path` (its POST is on its collection), registered on
    `router` one call each. The path's last parameter is the resource's `key`: its id (a
    uuid), or another field (a str: a KPI definition's `code`); earlier ones (uuids) name its
    parent, and reach the service too. Names follow the path: `/api/v1/risks/{risk_id}` gives
    the endpoints `create_risk`, `get_risk`, `update_risk`, `delete_risk` and the operation ids
    `risks-create`, `risks-get`, `risks-update`, `risks-delete` (`/api/v1/kpis/{kpi_code}`,
    `get_kpi` and `kpis-get`). Every answer is `render(row)` as `model`; a render that needs
    the settings (`WithSettings`) is bound per request, and its endpoints take them."""

    def __init__(
        self,
        router: APIRouter,
        path: str,
        model: type[BaseModel],
        render: Presenter | WithSettings[dict[str, Any]],
        *,
        key: str = "id",
    ) -> None:
        self.router, self.path, self.model, self.render = router, path, model, render
        *self.parents, self.id_name = re.findall(r"{(\w+)}", path)
        self.key = key
        self.name = self.id_name.removesuffix(f"_{key}")
        self.operations = path.rsplit("/", 2)[-2]
        key_type = uuid.UUID if key == "id" else str
        self.ids = [*((n, uuid.UUID) for n in self.parents), (self.id_name, key_type)]
        # Where the settings come (after the request, caller and db) when the render needs them.
        self.settings = [("settings", AppSettings)] if isinstance(render, WithSettings) else []

    def present(self, settings: Settings | None) -> Presenter:
        """The render of this request's answers."""
        if isinstance(self.render, WithSettings):
            assert settings is not None  # its endpoints take the settings
            return self.render.bound(settings)
        return self.render

    def create(self, path: str, create: Write, data: type[BaseModel], doc: str) -> None:
        """POST on the collection `path`: `create(conn, *, principal, data, **parents)`
        (core/writes.py) guarded by the Idempotency-Key, answered 201 with `Location` (this
        resource's path). A collection under a project (`{project}`, an id or a code) passes it
        as `ref`, the services' name for it; a uuid parent passes under its own name."""
        parents = re.findall(r"{(\w+)}", path)

        async def create_one(
            request: Request,
            caller: Principal,
            db: Database,
            settings: Settings,
            body: BaseModel,
            **ids: Any,
        ) -> Response:
            bound = {("ref" if n == "project" else n): ids[n] for n in parents}
            if self.key == "id":  # the new id, which `posted` puts in
                location = self.path.replace(f"{{{self.id_name}}}", "{{id}}").format(**ids)
            else:  # the key the body gives
                location = self.path.format(**ids, **{self.id_name: getattr(body, self.key)})
            return await posted(
                request,
                db,
                settings,
                partial(create, **bound),
                self.present(settings),
                principal=caller,
                data=body,
                location=location,
            )

        parameters = [
            *FIRST,
            ("settings", AppSettings),
            *((n, str if n == "project" else uuid.UUID) for n in parents),
            ("body", data),
        ]
        self._add("POST", path, "create", doc, parameters, create_one, status_code=201)

    def get(self, read: Callable[..., Awaitable[Mapping[Any, Any]]], doc: str) -> None:
        """GET: `read(conn, principal, *parent_ids, object_id)`, the row or NotFound (the
        services' `visible_x`), answered with its ETag, or 304 (If-None-Match)."""

        async def get_one(
            request: Request,
            caller: Principal,
            db: Database,
            settings: Settings | None = None,
            **ids: Any,
        ) -> Response:
            async with db.read() as conn:
                row = await read(conn, caller, *(ids[n] for n in self.parents), ids[self.id_name])
            return resource_response(request, self.present(settings)(row))

        parameters = [*FIRST, *self.settings, *self.ids]
        self._add("GET", self.path, "get", doc, parameters, get_one, responses=READ_ONE)

    def update(self, update: Write, patch: type[BaseModel], doc: str) -> None:
        """PATCH: `update(conn, *, principal, object_id, patch, precondition, **parent_ids)`
        (core/writes.py), the JSON Merge Patch `patch` guarded by If-Match."""

        async def update_one(
            request: Request,
            caller: Principal,
            db: Database,
            precondition: Precondition,
            body: BaseModel,
            settings: Settings | None = None,
            **ids: Any,
        ) -> Response:
            return await patched(
                request,
                db,
                partial(update, **{n: ids[n] for n in self.parents}),
                self.present(settings),
                principal=caller,
                object_id=ids[self.id_name],
                patch=body,
                precondition=precondition,
            )

        parameters = [
            *FIRST,
            *self.settings,
            ("precondition", IfMatch),
            *self.ids,
            ("body", patch),
        ]
        self._add("PATCH", self.path, "update", doc, parameters, update_one)

    def delete(self, delete: Write, doc: str) -> None:
        """DELETE: `delete(conn, *, principal, object_id, precondition, **parent_ids)`
        (core/writes.py), guarded by If-Match, answered 204."""

        async def delete_one(
            caller: Principal, db: Database, precondition: Precondition, **ids: Any
        ) -> Response:
            return await removed(
                db,
                partial(delete, **{n: ids[n] for n in self.parents}),
                principal=caller,
                object_id=ids[self.id_name],
                precondition=precondition,
            )

        parameters = [("caller", Caller), ("db", DB), ("precondition", IfMatch), *self.ids]
        self._add("DELETE", self.path, "delete", doc, parameters, delete_one, status_code=204)

    def _add(
        self,
        method: str,
        path: str,
        verb: str,
        doc: str,
        parameters: list[tuple[str, Any]],
        run: Callable[..., Awaitable[Response]],
        *,
        status_code: int | None = None,
        responses: dict[int | str, dict[str, Any]] = WRITE,
    ) -> None:
        """Register `run` as the endpoint `<verb>_<name>` (operation id `<operations>-<verb>`)
        taking `parameters`; a 204 has no body to describe."""
        self.router.add_api_route(
            path,
            endpoint(f"{verb}_{self.name}", doc, parameters, run),
            methods=[method],
            status_code=status_code,
            operation_id=f"{self.operations}-{verb}",
            response_model=None if status_code == 204 else self.model,
            responses=responses,
        )


def endpoint(
    name: str,
    doc: str,
    parameters: list[tuple[str, Any]],
    run: Callable[..., Awaitable[Response]],
) -> Callable[..., Awaitable[Response]]:
    """An endpoint named `name`, described by `doc`, whose signature is `parameters` (name and
    annotation, in order): FastAPI documents and fills exactly those, and `run` gets them as
    keywords."""

    async def named(**values: Any) -> Response:
        return await run(**values)

    named.__name__ = named.__qualname__ = name
    named.__doc__ = doc
    kind = inspect.Parameter.KEYWORD_ONLY
    named.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, kind, annotation=a) for n, a in parameters],
        return_annotation=Response,
    )
    return named


Route = TypeVar("Route", bound=Callable[..., Any])


def read_route(
    router: APIRouter, path: str, operation_id: str, model: type[BaseModel], *, csv: bool = False
) -> Callable[[Route], Route]:
    """The decorator of a hand-written `GET path` answering `model` (with `csv`, CSV on request
    too), declared with the answers every read may give."""
    responses = READ_CSV if csv else READ
    return router.get(path, operation_id=operation_id, response_model=model, responses=responses)
