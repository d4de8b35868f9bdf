"""Who is calling: an API key (`pmo_…`, access/keys.py) or, when an OpenID provider is
configured, a person's access token (a JWT checked against the provider's keys, or an opaque
token the provider's userinfo endpoint vouches for; access/oidc.py), mapped to a role and
portfolios by access/people.py. API keys keep working beside tokens, for scripts and BI."""

from __future__ import annotations

import hashlib
import re
import time
from collections import OrderedDict
from typing import Any

from pmo_api.access import people
from pmo_api.access.keys import PREFIX, KeyStore
from pmo_api.access.oidc import Provider, ProviderConfig
from pmo_api.access.principal import Principal
from pmo_api.core.errors import NotAuthenticated
from pmo_api.db.database import Database
from pmo_api.settings import Settings

# RFC 6750 §2.1: a bearer token is b64token characters, `=` padding at the end only. Anything
# else (NUL, spaces, non-ASCII) is refused before it reaches a key lookup or the provider.
_B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_JWS_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_MAX_TOKEN = 16_384
_CACHE_SIZE = 10_000


class Authenticator:
    def __init__(self, keys: KeyStore, people_in: People | None) -> None:
        self.keys = keys
        self.people = people_in

    @classmethod
    def of(cls, keys: KeyStore, db: Database, settings: Settings) -> Authenticator:
        signed_in = None if settings.oidc_issuer is None else People(db, settings)
        return cls(keys, signed_in)

    async def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise NotAuthenticated("send `Authorization: Bearer <api key or access token>`")
        scheme, _, token = authorization.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or self.people is None or token.startswith(PREFIX + "_"):
            return await self.keys.authenticate(authorization)
        if len(token) > _MAX_TOKEN or not _B64TOKEN.fullmatch(token):
            raise NotAuthenticated("the bearer token holds characters no token has")
        return await self.people.authenticate(token)

    async def close(self) -> None:
        if self.people is not None:
            await self.people.provider.close()


class People:
    """Access tokens of people, each mapped once to a Principal and kept for
    `auth_cache_seconds` (never beyond the token's expiry), keyed by the token's hash."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.provider = Provider(ProviderConfig.of(settings))
        self.mapping = people.ClaimMapping.of(settings)
        self.opaque_tokens = settings.oidc_opaque_tokens
        self.cache_seconds = settings.auth_cache_seconds
        self.leeway = settings.oidc_leeway_seconds
        self._cache: OrderedDict[str, tuple[float, Principal]] = OrderedDict()

    async def authenticate(self, token: str) -> Principal:
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.time()
        cached = self._cache.get(digest)
        if cached is not None and now < cached[0]:
            return cached[1]
        claims = await self._claims(token)
        principal = await people.person(self.db, self.mapping, claims)
        until = now + self.cache_seconds
        exp = claims.get("exp")
        if isinstance(exp, int | float):
            until = min(until, exp + self.leeway)
        self._cache[digest] = (until, principal)
        while len(self._cache) > _CACHE_SIZE:
            self._cache.popitem(last=False)
        return principal

    async def _claims(self, token: str) -> dict[str, Any]:
        if _JWS_COMPACT.fullmatch(token):
            return await self.provider.verify_jwt(token)
        if not self.opaque_tokens:
            raise NotAuthenticated("the bearer token is neither a pmo-api key nor a JWT")
        return await self.provider.userinfo(token)
