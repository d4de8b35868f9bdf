"""The dependency every route takes to learn who is calling (set by AuthMiddleware)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from pmo_api.access.principal import Principal
from pmo_api.core.errors import NotAuthenticated


async def current_principal(request: Request) -> Principal:
    principal: Principal | None = request.scope.get("state", {}).get("principal")
    if principal is None:  # only on a public path, which has no business asking
        raise NotAuthenticated("send `Authorization: Bearer <api key>`")
    return principal


Caller = Annotated[Principal, Depends(current_principal)]
