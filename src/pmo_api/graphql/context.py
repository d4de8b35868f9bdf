"""What every resolver can reach: the caller, the database and this request's DataLoaders."""

from __future__ import annotations

from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders import Loaders
from pmo_api.settings import Settings


class Context(BaseContext):
    def __init__(self, *, db: Database, principal: Principal, settings: Settings) -> None:
        super().__init__()
        self.db = db
        self.principal = principal
        self.settings = settings
        self.loaders = Loaders(db, principal)


Info = StrawberryInfo[Context, None]
