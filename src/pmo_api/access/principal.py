"""The caller of a request, as every service sees it.

Every route depends on `current_principal`, and every repository query applies the caller's
portfolio scope, so access control is one policy layer rather than checks per route. Until API
keys land (issue 3) the only principal is the local administrator.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from pmo_api.core.errors import Forbidden


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


_RANK = {Role.viewer: 0, Role.editor: 1, Role.admin: 2}


@dataclass(frozen=True)
class Principal:
    key_id: str
    role: Role
    name: str | None = None
    # None: every portfolio. Otherwise the only portfolios this caller may see.
    portfolio_ids: frozenset[uuid.UUID] | None = None

    def require(self, role: Role) -> None:
        if _RANK[self.role] < _RANK[role]:
            raise Forbidden(f"this action needs the '{role}' role; the key has '{self.role}'")

    def require_unlimited(self, role: Role, why: str) -> None:
        """`role`, on a key not limited to portfolios: for what spans every portfolio (KPI
        definitions, API keys, the audit trail); 403 saying `why` otherwise."""
        self.require(role)
        if self.portfolio_ids is not None:
            raise Forbidden(why)

    def sees_portfolio(self, portfolio_id: uuid.UUID) -> bool:
        return self.portfolio_ids is None or portfolio_id in self.portfolio_ids

    def unscoped(self) -> Principal:
        """The same caller without the portfolio limit: for re-reading what it just created."""
        return Principal(self.key_id, self.role, self.name, None)


# The command line (migrations, demo data, first key): an unscoped administrator.
LOCAL_ADMIN = Principal(key_id="local", role=Role.admin, name="command line")
