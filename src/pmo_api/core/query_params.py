"""Unknown query parameters are refused, on every operation under /api.

A typo (`?stauts=active`) or a parameter of another protocol (`?$filter=…`) used to be
ignored, and the answer was every row: a BI refresh takes that for the answer. Now it is a 422
naming each unknown parameter and the ones the operation takes. The names an operation takes
are read once per route from what FastAPI declares for it (its query parameters and the fields
of its query models), so the rule cannot drift from the OpenAPI document.
"""

from __future__ import annotations

import inspect
from collections import Counter
from typing import Any, get_args, get_origin

from fastapi.dependencies.models import Dependant
from pydantic import BaseModel
from starlette.requests import Request

from pmo_api.core.errors import Invalid

# Per route, the names it takes and which of them may be repeated (`?status=a&status=b`: the
# list filters), kept on the route object itself: it goes with its app, and a new app's route
# can never be answered from an old one's (as a cache keyed by `id()` could, once an old route
# is collected and its id reused, with several apps in one process as the tests make; routes
# are not hashable, so a weak mapping cannot key them).
_CACHED = "_pmo_query_parameters"


def _is_list(annotation: Any) -> bool:
    return any(
        get_origin(kind) in (list, tuple, set) or kind in (list, tuple, set)
        for kind in (annotation, *get_args(annotation))
    )


def _names(dependant: Dependant, into: dict[str, bool]) -> None:
    for param in dependant.query_params:
        kind = param.field_info.annotation
        if inspect.isclass(kind) and issubclass(kind, BaseModel):
            for n, f in kind.model_fields.items():
                into[f.alias or n] = _is_list(f.annotation)
        else:
            into[param.alias] = _is_list(kind)
    for sub in dependant.dependencies:
        _names(sub, into)


def taken(route: Any) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameters `route` (a FastAPI route) declares, and those it takes repeated."""
    if route is None:  # not a routed request: nothing is declared
        return frozenset(), frozenset()
    found: tuple[frozenset[str], frozenset[str]] | None = getattr(route, _CACHED, None)
    if found is None:
        names: dict[str, bool] = {}
        dependant = getattr(route, "dependant", None)
        if dependant is not None:
            _names(dependant, names)
        found = (frozenset(names), frozenset(n for n, many in names.items() if many))
        setattr(route, _CACHED, found)
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


def refuse_repeated(given: list[tuple[str, str]], repeatable: frozenset[str]) -> None:
    """A 422 naming every parameter given more than once that takes one value (`q`, `limit`):
    which of the values would count is not the client's to guess."""
    counts = Counter(name for name, _ in given if name not in repeatable)
    twice = sorted(name for name, n in counts.items() if n > 1)
    if twice:
        raise Invalid(
            "query parameter given more than once: " + ", ".join(twice),
            errors=[
                {"loc": ["query", name], "msg": "takes one value", "type": "repeated_parameter"}
                for name in twice
            ],
        )


async def known_query_parameters(request: Request) -> None:
    """An application-wide dependency: the request's query names only what its route takes,
    each parameter that takes one value once."""
    if not request.url.path.startswith("/api/") or not request.query_params:
        return
    names, repeatable = taken(request.scope.get("route"))
    refuse_unknown(request.query_params.keys(), names)
    refuse_repeated(request.query_params.multi_items(), repeatable)
