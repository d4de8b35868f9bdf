"""The FastAPI route of `GET /api/v1/projects/{project}` only feeds the OpenAPI document: the
request is answered by its lean twin (projects/hot_routes.py), matched first, which reads the
principal and the database itself. A dependency added to the FastAPI route (a header, a query
parameter, a rate limit, an audit hook...) would be documented and silently never run."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.routing import APIRoute

from pmo_api.access.deps import current_principal
from pmo_api.core.http import get_db
from pmo_api.projects.router import router


def _route() -> APIRoute:
    (route,) = (
        r for r in router.routes if isinstance(r, APIRoute) and r.operation_id == "projects-get"
    )
    return route


def _calls(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_the_documented_project_get_has_only_what_its_lean_twin_does() -> None:
    dependant = _route().dependant
    assert set(_calls(dependant)) == {current_principal, get_db}
    assert [p.name for p in dependant.path_params] == ["project"]
    assert not dependant.query_params
    assert not dependant.header_params
    assert not dependant.cookie_params
    assert not dependant.body_params


def test_the_lean_twin_is_matched_first() -> None:
    from pmo_api.app import create_app
    from pmo_api.settings import Settings

    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    first = app.router.routes[0]
    assert getattr(first, "path", None) == "/api/v1/projects/{project}"
    assert not isinstance(first, APIRoute)
