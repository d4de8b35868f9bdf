"""What every resolver can reach: the caller, the database and this request's DataLoaders."""

from __future__ import annotations

from strawberry.fastapi import BaseContext
from strawberry.types import Info as StrawberryInfo

from pmo_api.access.principal import Principal
from pmo_api.core.errors import NotAuthenticated
from pmo_api.db.database import Database
from pmo_api.graphql.loaders import Loaders
from pmo_api.settings import Settings


class Context(BaseContext):
    def __init__(self, *, db: Database, principal: Principal | None, settings: Settings) -> None:
        super().__init__()
        self.db = db
        self._principal = principal
        self.settings = settings
        self._loaders: Loaders | None = None

    @property
    def principal(self) -> Principal:
        # None only while serving the GraphiQL page itself (a public docs page, see
        # access/middleware.py); any operation is authenticated before it gets here.
        if self._principal is None:
            raise NotAuthenticated("send `Authorization: Bearer <api key>`")
        return self._principal

    @property
    def loaders(self) -> Loaders:
        if self._loaders is None:
            self._loaders = Loaders(self.db, self.principal, self.settings)
        return self._loaders


Info = StrawberryInfo[Context, None]
