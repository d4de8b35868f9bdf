"""The OpenID provider as pmo-api sees it: its discovery document, its signing keys (JWKS) and
its userinfo endpoint, each fetched over HTTP and cached; and the check of a JWT access token
against them. Signatures and keys are joserfc's; nothing here does cryptography by hand.

Key rotation: a token whose key id (or, without one, whose signature) matches no cached key
makes the key set be fetched again, at most once per `jwks_refetch_seconds`, so a provider's
new key is accepted as soon as it is published while made-up key ids cannot make pmo-api call
the provider on every request.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import InvalidPayloadError, JoseError
from joserfc.jwk import Key as Jwk
from joserfc.jwk import KeySet

from pmo_api.core.errors import NotAuthenticated
from pmo_api.settings import Settings

_USERINFO_CACHE_SIZE = 10_000


class ProviderUnavailable(Exception):
    """The provider could not be reached or answered nonsense: a 503, never a 401 (the token
    may well be valid)."""


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    audience: str
    algorithms: tuple[str, ...]
    leeway_seconds: int
    jwks_cache_seconds: float
    jwks_refetch_seconds: float
    userinfo_cache_seconds: float
    timeout_seconds: float

    @classmethod
    def of(cls, settings: Settings) -> ProviderConfig:
        assert settings.oidc_issuer is not None and settings.oidc_audience is not None
        return cls(
            issuer=settings.oidc_issuer.rstrip("/"),
            audience=settings.oidc_audience,
            algorithms=tuple(settings.oidc_algorithms),
            leeway_seconds=settings.oidc_leeway_seconds,
            jwks_cache_seconds=settings.oidc_jwks_cache_seconds,
            jwks_refetch_seconds=settings.oidc_jwks_refetch_seconds,
            userinfo_cache_seconds=settings.oidc_userinfo_cache_seconds,
            timeout_seconds=settings.oidc_http_timeout_seconds,
        )


class Provider:
    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self._http = httpx.AsyncClient(timeout=config.timeout_seconds, follow_redirects=False)
        self._discovery: dict[str, Any] | None = None
        self._keys: list[Jwk] = []
        self._keys_at = -float("inf")  # when the key set was last fetched (monotonic)
        self._lock = asyncio.Lock()
        self._userinfo: OrderedDict[str, tuple[float, dict[str, Any]]] = OrderedDict()

    async def close(self) -> None:
        await self._http.aclose()

    # --- fetching ------------------------------------------------------------------------------

    async def _get_json(self, url: str, *, token: str | None = None) -> Any:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        try:
            response = await self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(f"{url}: {type(exc).__name__}") from exc
        if token is not None and 400 <= response.status_code < 500:
            # RFC 6750 says 401 invalid_token; some providers answer 400 or 403.
            raise NotAuthenticated("the identity provider does not accept this access token")
        if response.status_code != 200:
            raise ProviderUnavailable(f"{url}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError as exc:
            raise ProviderUnavailable(f"{url}: not JSON") from exc

    async def discovery(self) -> dict[str, Any]:
        if self._discovery is None:
            url = f"{self.config.issuer}/.well-known/openid-configuration"
            document = await self._get_json(url)
            if not isinstance(document, dict) or document.get("issuer") != self.config.issuer:
                raise ProviderUnavailable(f"{url}: its issuer is not {self.config.issuer!r}")
            self._discovery = document
        return self._discovery

    async def _endpoint(self, name: str) -> str:
        url = (await self.discovery()).get(name)
        if not isinstance(url, str):
            raise ProviderUnavailable(f"the discovery document has no {name}")
        return url

    async def _fetch_keys(self) -> None:
        document = await self._get_json(await self._endpoint("jwks_uri"))
        try:
            key_set = KeySet.import_key_set(document)
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise ProviderUnavailable("the provider's key set cannot be read") from exc
        # Signing keys only; a private part, should a provider publish one, is never kept.
        self._keys = [k for k in key_set.keys if k.get("use") in (None, "sig")]
        self._keys_at = time.monotonic()

    async def signing_keys(self, *, refetch: bool = False) -> list[Jwk]:
        """The cached key set, fetched when it is older than `jwks_cache_seconds`, or (with
        `refetch`) when it is older than `jwks_refetch_seconds`."""
        async with self._lock:
            age = time.monotonic() - self._keys_at
            limit = self.config.jwks_refetch_seconds if refetch else self.config.jwks_cache_seconds
            if age >= limit:
                await self._fetch_keys()
            return self._keys

    # --- checking a JWT --------------------------------------------------------------------------

    async def verify_jwt(self, token: str) -> dict[str, Any]:
        """The claims of a JWT signed by one of the provider's keys with an allowed algorithm,
        issued by the issuer for the audience, and current; NotAuthenticated otherwise."""
        try:
            header = jws.extract_compact(token.encode()).headers()
        except (JoseError, ValueError) as exc:
            raise NotAuthenticated("the access token is not a well-formed JWT") from exc
        alg = header.get("alg")
        if alg not in self.config.algorithms:
            raise NotAuthenticated(f"the access token's algorithm {alg!r} is not accepted")
        kid = header.get("kid")
        claims = _verified(token, await self.signing_keys(), kid, self.config.algorithms)
        if claims is None:  # perhaps a key the provider has rotated in since
            claims = _verified(
                token, await self.signing_keys(refetch=True), kid, self.config.algorithms
            )
        if claims is None:
            raise NotAuthenticated(
                "the access token is not signed by a key of the identity provider"
            )
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        registry = jwt.JWTClaimsRegistry(
            leeway=self.config.leeway_seconds,
            iss={"essential": True, "value": self.config.issuer},
            aud={"essential": True, "value": self.config.audience},
            exp={"essential": True},
            sub={"essential": True},
        )
        try:
            registry.validate(claims)
        except JoseError as exc:
            what = getattr(exc, "claim", None) or exc.error
            raise NotAuthenticated(f"the access token is not valid here ({what})") from exc

    # --- opaque tokens ---------------------------------------------------------------------------

    async def userinfo(self, token: str) -> dict[str, Any]:
        """The claims the provider's userinfo endpoint gives for an opaque access token,
        cached for `userinfo_cache_seconds` (by the token's hash, never the token)."""
        digest = hashlib.sha256(token.encode()).hexdigest()
        now = time.monotonic()
        cached = self._userinfo.get(digest)
        if cached is not None and now - cached[0] < self.config.userinfo_cache_seconds:
            return cached[1]
        claims = await self._get_json(await self._endpoint("userinfo_endpoint"), token=token)
        if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
            raise ProviderUnavailable("the userinfo endpoint answered without a subject")
        self._userinfo[digest] = (now, claims)
        while len(self._userinfo) > _USERINFO_CACHE_SIZE:
            self._userinfo.popitem(last=False)
        return claims


def _verified(
    token: str, keys: list[Jwk], kid: object, algorithms: Collection[str]
) -> dict[str, Any] | None:
    """The claims if a key of `keys` verifies the signature: the key named by `kid`, or, for a
    token without one, each key in turn. None when none does."""
    candidates = [k for k in keys if k.kid == kid] if kid is not None else keys
    for key in candidates:
        try:
            decoded = jwt.decode(token, key, algorithms=list(algorithms))
        except InvalidPayloadError as exc:
            raise NotAuthenticated("the access token's claims are not a JSON object") from exc
        except JoseError:
            continue  # a wrong key, or an algorithm this key's type cannot do
        return dict(decoded.claims)
    return None
