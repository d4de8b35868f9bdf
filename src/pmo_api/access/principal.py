"""The caller of a request, as every service sees it.

Every route depends on `current_principal`, and every repository query applies the caller's
portfolio scope, so access control is one policy layer rather than checks per route. A caller
is an API key or a person signed in through OpenID Connect (access/people.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from enum import StrEnum

from pmo_api.core.errors import Forbidden


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


_RANK = {Role.viewer: 0, Role.editor: 1, Role.admin: 2}


@dataclass(frozen=True)
class Principal:
    # An API key's id; for a person, `oidc:` and their subject (idempotency records and rate
    # limits are kept per key_id, so each person has their own).
    key_id: str
    role: Role
    name: str | None = None
    # None: every portfolio. Otherwise the only portfolios this caller may see.
    portfolio_ids: frozenset[uuid.UUID] | None = None
    # A person signed in through OpenID Connect: the token's `sub` and `email` claims.
    subject: str | None = None
    email: str | None = None

    def require(self, role: Role) -> None:
        if _RANK[self.role] < _RANK[role]:
            raise Forbidden(f"this action needs the '{role}' role; the caller has '{self.role}'")

    def require_unlimited(self, role: Role, why: str) -> None:
        """`role`, on a caller not limited to portfolios: for what spans every portfolio (KPI
        definitions, API keys, the audit trail); 403 saying `why` otherwise."""
        self.require(role)
        if self.portfolio_ids is not None:
            raise Forbidden(why)

    def sees_portfolio(self, portfolio_id: uuid.UUID) -> bool:
        return self.portfolio_ids is None or portfolio_id in self.portfolio_ids

    def unscoped(self) -> Principal:
        """The same caller without the portfolio limit: for re-reading what it just created."""
        return replace(self, portfolio_ids=None)


# The command line (migrations, demo data, first key): an unscoped administrator.
LOCAL_ADMIN = Principal(key_id="local", role=Role.admin, name="command line")
