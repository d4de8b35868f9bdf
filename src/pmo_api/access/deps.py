"""The dependency every route takes to learn who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from pmo_api.access.principal import LOCAL_ADMIN, Principal


def current_principal(request: Request) -> Principal:
    """Until API keys land (issue 3), every caller is the local administrator."""
    return LOCAL_ADMIN


Caller = Annotated[Principal, Depends(current_principal)]
