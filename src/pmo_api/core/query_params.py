"""Unknown query parameters are refused, on every operation under /api.

A typo (`?stauts=active`) or a parameter of another protocol (`?$filter=…`) used to be
ignored, and the answer was every row: a BI refresh takes that for the answer. Now it is a 422
naming each unknown parameter and the ones the operation takes. The names an operation takes
are read once per route from what FastAPI declares for it (its query parameters and the fields
of its query models), so the rule cannot drift from the OpenAPI document.
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.dependencies.models import Dependant
from pydantic import BaseModel
from starlette.requests import Request

from pmo_api.core.errors import Invalid

_TAKEN: dict[int, frozenset[str]] = {}  # by id of the route: routes live as long as the app


def _names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for param in dependant.query_params:
        kind = param.field_info.annotation
        if inspect.isclass(kind) and issubclass(kind, BaseModel):
            names.update(f.alias or n for n, f in kind.model_fields.items())
        else:
            names.add(param.alias)
    for sub in dependant.dependencies:
        names |= _names(sub)
    return names


def taken(route: Any) -> frozenset[str]:
    """The query parameters `route` (a FastAPI route) declares."""
    key = id(route)
    found = _TAKEN.get(key)
    if found is None:
        dependant = getattr(route, "dependant", None)
        found = frozenset(_names(dependant)) if dependant is not None else frozenset()
        _TAKEN[key] = found
    return found


def refuse_unknown(given: Any, allowed: frozenset[str]) -> None:
    """A 422 naming every parameter of `given` (query keys) that is not in `allowed`."""
    unknown = sorted({name for name in given if name not in allowed})
    if not unknown:
        return
    offered = ", ".join(sorted(allowed)) or "none"
    raise Invalid(
        "unknown query parameter: " + ", ".join(unknown),
        errors=[
            {
                "loc": ["query", name],
                "msg": f"this operation takes no parameter {name!r} (it takes: {offered})",
                "type": "unknown_parameter",
            }
            for name in unknown
        ],
    )


async def known_query_parameters(request: Request) -> None:
    """An application-wide dependency: the request's query names only what its route takes."""
    if not request.url.path.startswith("/api/") or not request.query_params:
        return
    refuse_unknown(request.query_params.keys(), taken(request.scope.get("route")))
