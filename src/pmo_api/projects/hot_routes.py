"""The most requested endpoint, served by a plain Starlette route placed ahead of FastAPI's.

FastAPI's per-request machinery (dependency solving, the request handler around the endpoint)
costs about 0.17 ms, a quarter of a whole cached project read; measured by `make bench`, it was
what kept a project GET under half the throughput of a bare Starlette + asyncpg app. The FastAPI
route (router.py) still defines the operation for the OpenAPI document; both routes answer
through the same `project_response`, so they cannot drift apart. Authentication is not skipped:
AuthMiddleware runs before any route and sets the principal this handler reads.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from pmo_api.access.deps import current_principal
from pmo_api.core.query_params import refuse_unknown
from pmo_api.projects.router import project_response


async def _get_project(request: Request) -> Response:
    # FastAPI's router records only its own routes in the scope; metrics label by this one.
    request.scope["route"] = _PROJECT_ROUTE
    if request.query_params:  # the operation takes none (core/query_params.py)
        refuse_unknown(request.query_params.keys(), frozenset())
    return await project_response(
        request,
        await current_principal(request),
        request.app.state.db,
        request.path_params["project"],
    )


_PROJECT_ROUTE = Route("/api/v1/projects/{project}", _get_project, methods=["GET"])
HOT_ROUTES = [_PROJECT_ROUTE]
