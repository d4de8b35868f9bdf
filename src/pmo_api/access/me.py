"""`GET /api/v1/me`: who the caller is (an API key or a person signed in through OpenID
Connect), its role and its portfolios, so that a client can tell what it may do."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from pmo_api.access.deps import Caller
from pmo_api.access.principal import Principal, Role
from pmo_api.access.scope import readable_portfolios
from pmo_api.core.http import DB
from pmo_api.core.routes import read_route
from pmo_api.portfolios.models import portfolios

router = APIRouter(prefix="/api/v1", tags=["access"])


class MePortfolio(BaseModel):
    id: uuid.UUID
    name: str


class MeOut(BaseModel):
    kind: Literal["api_key", "person"] = Field(
        description="`api_key`, or `person` for an OpenID Connect access token."
    )
    key_id: str = Field(
        description="The API key's id, or `oidc:<subject>` for a person (as the audit trail's "
        "`actor_key_id` names it)."
    )
    subject: str | None = Field(description="A person's `sub` claim.")
    name: str | None
    email: str | None
    role: Role
    portfolio_ids: list[uuid.UUID] | None = Field(
        description="The portfolios the caller may see; `null`: every portfolio."
    )
    portfolios: list[MePortfolio] | None = Field(
        description="Those portfolios that exist, with their names; `null`: every portfolio."
    )


def _kind(principal: Principal) -> Literal["api_key", "person"]:
    return "api_key" if principal.subject is None else "person"


@read_route(router, "/me", "me-get", MeOut)
async def get_me(caller: Caller, db: DB) -> MeOut:
    """The caller: its kind, identity, role and portfolios."""
    named: list[MePortfolio] | None = None
    if caller.portfolio_ids is not None:
        statement = readable_portfolios(caller, portfolios.c.id, portfolios.c.name)
        async with db.read() as conn:
            rows = await conn.execute(statement.order_by(portfolios.c.name))
        named = [MePortfolio(id=row.id, name=row.name) for row in rows]
    return MeOut(
        kind=_kind(caller),
        key_id=caller.key_id,
        subject=caller.subject,
        name=caller.name,
        email=caller.email,
        role=caller.role,
        portfolio_ids=None if named is None else sorted({p.id for p in named}),
        portfolios=named,
    )
