"""DataLoaders, one per file; each batch reads in its own short connection (never a session
shared between fields resolved concurrently)."""

from __future__ import annotations

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.portfolio_by_id import portfolio_by_id
from pmo_api.graphql.loaders.projects_by_portfolio import projects_by_portfolio


class Loaders:
    """Made fresh for each request, so that nothing cached outlives it."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.portfolio_by_id = portfolio_by_id(db, principal)
        self.projects_by_portfolio = projects_by_portfolio(db, principal)
