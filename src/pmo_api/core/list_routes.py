"""The list routes of a resource: `GET` on a collection answering a page of JSON, or every row
as CSV where the resource offers it, registered from the domain's service.

The lists that read through a `core.listing.Listing` had the same route (a decorator, a
signature naming the request, caller, database, path parameters and the list's query model,
then: build the service's filter, read, render). `ListRoutes` writes it once; a router writes
only what differs, the function that turns the validated query into the service's filter:

    risk_lists = ListRoutes(router, RiskPage, service.list_risks, service.risk_json, RISKS_CSV)

    @risk_lists.route("/api/v1/projects/{project}/risks", "project-risks-list")
    def list_project_risks(params: RiskListParams, project: str) -> RiskFilter:
        \"\"\"The project's risk register; CSV on request.\"\"\"
        return RiskFilter.of(params, project=project)

The function's name names the endpoint (its OpenAPI summary), its docstring describes it, its
`params` annotation is the query model, and its other parameters are the path's. As in
`core/routes.py`, the endpoint's signature is set explicitly, so the OpenAPI document describes
exactly those parameters, path parameters first.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar, get_type_hints

from fastapi import APIRouter, Query
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from pmo_api.access.principal import Principal
from pmo_api.core.collection import Presenter
from pmo_api.core.listing import Listing, ListParams
from pmo_api.core.routes import FIRST, READ, READ_CSV, CsvFile, endpoint, listing_response
from pmo_api.db.database import Database

# The service's read: `lister(conn, principal, filter, sort=...)`, the rows a list may show.
Lister = Callable[..., Awaitable[Listing]]
Wanted = TypeVar("Wanted", bound=Callable[..., Any])


@dataclass(frozen=True)
class ListRoutes:
    """The lists of one resource on `router`: each answers `page`, reads through `lister` and
    renders with `present`; `csv` offers every row as CSV."""

    router: APIRouter
    page: type[BaseModel]
    lister: Lister
    present: Presenter
    csv: CsvFile | None = None

    def route(self, path: str, operation_id: str) -> Callable[[Wanted], Wanted]:
        """Register `GET path` from the decorated `wanted(params, **path_parameters)`, which
        returns the service's filter. A path parameter named `…_id` is a uuid; any other
        (`project`: an id or a code) a string."""

        def register(wanted: Wanted) -> Wanted:
            query_model = get_type_hints(wanted)["params"]
            ids = [
                (n, uuid.UUID if n.endswith("_id") else str) for n in re.findall(r"{(\w+)}", path)
            ]

            async def list_all(
                request: Request,
                caller: Principal,
                db: Database,
                params: ListParams,
                **path_ids: Any,
            ) -> Response:
                filter = wanted(params, **path_ids)
                async with db.read() as conn:
                    listing = await self.lister(conn, caller, filter, sort=params.sort)
                return await listing_response(request, db, listing, params, self.present, self.csv)

            parameters = [*FIRST, *ids, ("params", Annotated[query_model, Query()])]
            self.router.add_api_route(
                path,
                endpoint(wanted.__name__, wanted.__doc__ or "", parameters, list_all),
                methods=["GET"],
                operation_id=operation_id,
                response_model=self.page,
                responses=READ if self.csv is None else READ_CSV,
            )
            return wanted

        return register
