"""The mechanics every GraphQL mutation shares, written once: parse the input with the schema
REST uses, run the service in one unit of work, turn expected failures into typed errors.

A domain's mutation is then one call naming its service and how to render the result:

    return await updated(info, id, expected_version, "risk", RiskPatch, patch,
                         service.update_risk, Risk.from_row)

and the update and delete of an object named by its ID, whose arguments are the same everywhere,
are whole fields: `update_risk = update_mutation("risk", RiskPatchInput, RiskPatch, ...)`.

Services follow one signature per kind of write (core/writes.py), so that these helpers (and
REST's, in core/writes.py too) can call any of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import strawberry
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.core.writes import Create, Delete, Update
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
T = TypeVar("T")


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
    id: strawberry.ID,
    expected_version: int | None,
    what: str,
    model: type[M],
    patch: Any,
    update: Update[M],
    render: Callable[[Any], T],
) -> T | AnyUserError:
    """Merge-patch the `what` named by `id`; `expected_version` plays the part of If-Match."""
    ctx = info.context

    async def work(conn: AsyncConnection) -> T:
        data = parse_input(model, unset_removed(patch), at="patch")
        row = await update(
            conn,
            principal=ctx.principal,
            object_id=require_id(id, what),
            patch=data,
            precondition=Precondition.of_version(expected_version),
        )
        return render(row)

    return await run_mutation(ctx.db, work, argument="patch")


async def deleted(
    info: Info, id: strawberry.ID, expected_version: int | None, what: str, delete: Delete
) -> Deleted | AnyUserError:
    """Delete the `what` named by `id`; `expected_version` plays the part of If-Match."""
    ctx = info.context

    async def work(conn: AsyncConnection) -> Deleted:
        await delete(
            conn,
            principal=ctx.principal,
            object_id=require_id(id, what),
            precondition=Precondition.of_version(expected_version),
        )
        return Deleted(id=id)

    return await run_mutation(ctx.db, work)


def update_mutation(
    what: str,
    patch_input: type[Any],
    model: type[M],
    update: Update[M],
    render: Callable[[Any], Any],
    result: Any,
    *,
    description: str | None = None,
) -> Any:
    """The field `updateX(id: ID!, patch: XPatchInput!, expectedVersion: Int = null): XResult!`,
    named by the Mutation class's attribute it is assigned to (`update_risk = ...`): `updated`
    with `patch_input` parsed as `model`, `render`ed into `result` (the union it answers)."""

    async def resolve(
        self: Any,
        info: Info,
        id: strawberry.ID,
        patch: Any,
        expected_version: int | None = None,
    ) -> Any:
        return await updated(info, id, expected_version, what, model, patch, update, render)

    # The patch's and the answer's GraphQL types are the caller's: strawberry reads the
    # resolver's annotations, so they are set on this one.
    resolve.__annotations__["patch"] = patch_input
    resolve.__annotations__["return"] = result
    return strawberry.mutation(resolve, description=description)


def delete_mutation(what: str, delete: Delete, *, description: str | None = None) -> Any:
    """The field `deleteX(id: ID!, expectedVersion: Int = null): DeleteResult!`, named by the
    Mutation class's attribute it is assigned to (`delete_risk = ...`): `deleted`."""

    async def resolve(
        self: Any, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        return await deleted(info, id, expected_version, what, delete)

    return strawberry.mutation(resolve, description=description)
