"""Typed errors for mutations: expected failures are data in the result, not GraphQL errors."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    PreconditionFailed,
)
from pmo_api.db.database import Database


@strawberry.interface
class UserError:
    message: str
    code: str


@strawberry.type
class FieldError:
    loc: list[str]
    message: str
    type: str


@strawberry.type
class ValidationFailed(UserError):
    errors: list[FieldError]


@strawberry.type
class NotFoundError(UserError):
    pass


@strawberry.type
class ConflictError(UserError):
    pass


@strawberry.type
class ForbiddenError(UserError):
    pass


@strawberry.type
class PreconditionFailedError(UserError):
    pass


@strawberry.type
class Deleted:
    id: strawberry.ID


DeleteResult = Annotated[
    Deleted
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("DeleteResult"),
]

AnyUserError = (
    ValidationFailed | NotFoundError | ConflictError | ForbiddenError | PreconditionFailedError
)


def _graphql_loc(loc: list[Any], argument: str) -> list[str]:
    """A REST-style location (`["body", "portfolio_id"]`) as GraphQL names it: the mutation's
    argument for the body, camelCase for fields (`["input", "portfolioId"]`)."""
    out = []
    for i, part in enumerate(loc):
        if i == 0 and part == "body":
            out.append(argument)
        elif isinstance(part, str):
            head, *rest = part.split("_")
            out.append(head + "".join(word.title() for word in rest))
        else:
            out.append(str(part))
    return out


def as_user_error(exc: DomainError, *, argument: str = "input") -> AnyUserError:
    message, code = exc.detail, exc.type_slug
    if isinstance(exc, Invalid):
        errors = [
            FieldError(loc=_graphql_loc(e["loc"], argument), message=e["msg"], type=e["type"])
            for e in exc.errors or []
        ]
        return ValidationFailed(message=message, code=code, errors=errors)
    if isinstance(exc, NotFound):
        return NotFoundError(message=message, code=code)
    if isinstance(exc, Forbidden):
        return ForbiddenError(message=message, code=code)
    if isinstance(exc, PreconditionFailed):
        return PreconditionFailedError(message=message, code=code)
    if isinstance(exc, Conflict):
        return ConflictError(message=message, code=code)
    raise exc  # anything else is not an expected user error: let the masker handle it


M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def parse_input(model: type[M], data: dict[str, Any], *, at: str) -> M:
    """Validate a GraphQL input with the same pydantic schema REST uses."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: list[dict[str, Any]] = [
            {"loc": [at, *map(str, e["loc"])], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise Invalid("; ".join(e["msg"] for e in errors), errors=errors) from None


async def run_mutation(
    db: Database, work: Callable[[AsyncConnection], Awaitable[T]], *, argument: str = "input"
) -> T | AnyUserError:
    """One unit of work: commits on success; an expected failure becomes a typed error, its
    field locations named after the mutation's `argument`."""
    try:
        async with db.write() as conn:
            return await work(conn)
    except DomainError as exc:
        return as_user_error(exc, argument=argument)
    except IntegrityError:
        return ConflictError(
            message="the change conflicts with existing data; read the current state and retry",
            code="conflict",
        )


def unset_removed(value: Any) -> dict[str, Any]:
    """A strawberry input as a plain dict of the fields the client sent (merge-patch semantics:
    an omitted field is absent, an explicit null is None); enums become their values."""
    out: dict[str, Any] = {}
    for name, field_value in vars(value).items():
        if field_value is strawberry.UNSET:
            continue
        out[name] = _plain(field_value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value
