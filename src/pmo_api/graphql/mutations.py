"""The mechanics every GraphQL mutation shares, written once: parse the input with the schema
REST uses, run the service in one unit of work, turn expected failures into typed errors.

A domain's mutation is then one call naming its service and how to render the result:

    return await created(info, RiskCreate, input, service.create_risk, Risk.from_row)

and the update and delete of an object named by its ID, whose arguments are the same everywhere,
are whole fields: `update_risk = update_mutation("risk", RiskPatchInput, RiskPatch, ...)`
(a KPI definition, named by its code, is `key="code"`: the argument `code: String!`).

Services follow one signature per kind of write (core/writes.py), so that these helpers (and
REST's, in core/writes.py too) can call any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.core.writes import Create, Delete, Update, WithSettings
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    AnyUserError,
    Deleted,
    DeleteResult,
    parse_input,
    run_mutation,
    unset_removed,
)
from pmo_api.graphql.relay import require_id

M = TypeVar("M", bound=BaseModel)
K = TypeVar("K")
T = TypeVar("T")
# How a mutation renders the service's row: with the settings too when it needs them.
Render = Callable[[Any], Any] | WithSettings[Any]


async def created(
    info: Info,
    model: type[M],
    value: Any,
    create: Create[M],
    render: Callable[[Any], T],
    *,
    argument: str = "input",
) -> T | AnyUserError:
    """Validate `value` (a strawberry input) as `model`, create, render what the service gave."""
    ctx = info.context

    async def work(conn: AsyncConnection) -> T:
        data = parse_input(model, unset_removed(value), at=argument)
        return render(await create(conn, principal=ctx.principal, data=data))

    return await run_mutation(ctx.db, work, argument=argument)


async def updated(
    info: Info,
    key: Callable[[], K],
    expected_version: int | None,
    model: type[M],
    patch: Any,
    update: Update[M, K],
    render: Callable[[Any], T],
) -> T | AnyUserError:
    """Merge-patch the object `key()` names (read in the unit of work, where a malformed ID is
    the user error it raises); `expected_version` plays the part of If-Match."""
    ctx = info.context

    async def work(conn: AsyncConnection) -> T:
        data = parse_input(model, unset_removed(patch), at="patch")
        row = await update(
            conn,
            principal=ctx.principal,
            object_id=key(),
            patch=data,
            precondition=Precondition.of_version(expected_version),
        )
        return render(row)

    return await run_mutation(ctx.db, work, argument="patch")


async def deleted(
    info: Info,
    key: Callable[[], K],
    expected_version: int | None,
    delete: Delete[K],
    id: strawberry.ID | None = None,
) -> Deleted | AnyUserError:
    """Delete the object `key()` names; `expected_version` plays the part of If-Match. The
    answer names it by `id`, or (an object named by code) by the id of the row deleted."""
    ctx = info.context

    async def work(conn: AsyncConnection) -> Deleted:
        gone = await delete(
            conn,
            principal=ctx.principal,
            object_id=key(),
            precondition=Precondition.of_version(expected_version),
        )
        return Deleted(id=id if id is not None else strawberry.ID(str(gone["id"])))

    return await run_mutation(ctx.db, work)


def update_mutation(
    what: str,
    patch_input: type[Any],
    model: type[M],
    update: Update[M, Any],
    render: Render,
    result: Any,
    *,
    key: str = "id",
    description: str | None = None,
) -> Any:
    """The field `updateX(id: ID!, patch: XPatchInput!, expectedVersion: Int = null): XResult!`,
    named by the Mutation class's attribute it is assigned to (`update_risk = ...`): `updated`
    with `patch_input` parsed as `model`, `render`ed into `result` (the union it answers).
    With `key="code"`, the object is named by `code: String!` instead of `id`."""

    async def by_id(
        self: Any, info: Info, id: strawberry.ID, patch: Any, expected_version: int | None = None
    ) -> Any:
        named = partial(require_id, id, what)
        present = _bound(render, info)
        return await updated(info, named, expected_version, model, patch, update, present)

    async def by_code(
        self: Any, info: Info, code: str, patch: Any, expected_version: int | None = None
    ) -> Any:
        present = _bound(render, info)
        return await updated(info, lambda: code, expected_version, model, patch, update, present)

    resolve = by_code if key == "code" else by_id
    # The patch's and the answer's GraphQL types are the caller's: strawberry reads the
    # resolver's annotations, so they are set on this one.
    resolve.__annotations__["patch"] = patch_input
    resolve.__annotations__["return"] = result
    return strawberry.mutation(resolve, description=description)


def delete_mutation(
    what: str, delete: Delete[Any], *, key: str = "id", description: str | None = None
) -> Any:
    """The field `deleteX(id: ID!, expectedVersion: Int = null): DeleteResult!`, named by the
    Mutation class's attribute it is assigned to (`delete_risk = ...`): `deleted`. With
    `key="code"`, the object is named by `code: String!` instead of `id`, and the answer names
    the deleted row's id."""

    async def by_id(
        self: Any, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        return await deleted(info, partial(require_id, id, what), expected_version, delete, id)

    async def by_code(
        self: Any, info: Info, code: str, expected_version: int | None = None
    ) -> DeleteResult:
        return await deleted(info, lambda: code, expected_version, delete)

    return strawberry.mutation(by_code if key == "code" else by_id, description=description)


def _bound(render: Render, info: Info) -> Callable[[Any], Any]:
    """`render`, given this request's settings when it needs them."""
    return render.bound(info.context.settings) if isinstance(render, WithSettings) else render
