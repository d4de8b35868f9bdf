"""A path of its own for each CSV answer: `GET <list>.csv` is `GET <list>?format=csv`.

A list that offers CSV answers JSON or CSV from one operation, chosen by `format=csv` or
`Accept: text/csv`. OpenAPI cannot tie a response's media type to a parameter, so a client
generated from the document parses the 200 as its first media type, JSON, and fails on the
CSV. Each such list therefore also has a `.csv` twin (`/api/v1/projects.csv`,
`/api/v1/projects/{project}/costs.csv`) whose only answer is `text/csv`: the twin re-enters the
router with the original path and `format=csv`, so it is the same operation (same filters, same
checks, same CSV), and its OpenAPI operation is the original's with only the CSV answer and
without the paging parameters (CSV streams every matching row).
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

CSV = "text/csv"
SUFFIX = ".csv"
# Parameters of the JSON page that mean nothing to a CSV stream.
_PAGING = {"limit", "cursor", "format"}


def _offers_csv(responses: dict[Any, Any]) -> bool:
    ok = responses.get(200) or responses.get("200") or {}
    return CSV in ok.get("content", {})


class _CsvTwin:
    """The ASGI app of a `.csv` path: the original path with `format=csv` added to the query
    (a `format` the client also gave is then repeated, a 422 naming it)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        query = scope.get("query_string", b"")
        inner = {
            **scope,
            "path": scope["path"].removesuffix(SUFFIX),
            "raw_path": scope.get("raw_path", b"").removesuffix(SUFFIX.encode()),
            "query_string": query + (b"&" if query else b"") + b"format=csv",
        }
        await scope["app"].router(inner, receive, send)


def add_csv_paths(app: FastAPI) -> None:
    """Register the `.csv` twin of every GET route that offers CSV."""
    twin = _CsvTwin()
    for context in list(iter_route_contexts(app.routes)):
        route = context.original_route
        if (
            isinstance(route, APIRoute)
            and "GET" in (route.methods or ())
            and _offers_csv(route.responses)
        ):
            app.router.routes.append(
                Route(str(context.path) + SUFFIX, twin, methods=["GET"], include_in_schema=False)
            )


def document_csv_paths(document: dict[str, Any]) -> None:
    """The twins' operations: each a copy of its list's, answering only CSV."""
    paths: dict[str, Any] = document["paths"]
    for path, operations in list(paths.items()):
        get = operations.get("get")
        if get is None or not _offers_csv(get["responses"]):
            continue
        csv = copy.deepcopy(get)
        csv["operationId"] = get["operationId"] + "-csv"
        csv["summary"] = get.get("summary", "") + " (CSV)"
        csv["description"] = (
            f"Every matching row as CSV: the same as `GET {path}?format=csv`, on a path of its "
            "own so that a generated client reads the answer as text.\n\n"
            + get.get("description", "")
        )
        csv["parameters"] = [p for p in get.get("parameters", []) if p["name"] not in _PAGING]
        ok = csv["responses"]["200"]
        ok["content"] = {CSV: ok["content"][CSV]}
        ok["description"] = "Every matching row, one CSV line each, with a header line"
        ok.get("headers", {}).pop("Link", None)  # no pages: every row at once
        paths[path + SUFFIX] = {"get": csv}
