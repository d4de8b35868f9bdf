"""Authentication and rate limiting for every request, before routing: one policy layer that no
route can forget. Routes read the caller from `request.state.principal`."""

from __future__ import annotations

import hmac
import logging

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pmo_api.access.authenticate import Authenticator
from pmo_api.access.failures import FailedAuthLimit, client_address
from pmo_api.access.oidc import ProviderUnavailable
from pmo_api.access.ratelimit import NoRateLimit, RateLimiter
from pmo_api.core.errors import PROBLEM_BASE, Forbidden, NotAuthenticated, problem
from pmo_api.core.responses import ProblemResponse
from pmo_api.db.faults import describe

log = logging.getLogger("pmo_api.access")

ALWAYS_PUBLIC = frozenset({"/healthz", "/readyz", "/metrics"})
METRICS = "/metrics"
_UNAUTHENTICATED = {"WWW-Authenticate": 'Bearer realm="pmo-api"'}
DOCS_PATHS = frozenset({"/docs", "/openapi.json"})
DOCS_PREFIXES = ("/docs/assets/", "/graphql/assets/")


def is_public(scope: Scope, *, public_docs: bool) -> bool:
    path: str = scope["path"]
    if path in ALWAYS_PUBLIC:
        return True
    if not public_docs:
        return False
    if path in DOCS_PATHS or path.startswith(DOCS_PREFIXES):
        return True
    # The GraphiQL page itself: a browser GET with no query string at all (any parameter, even
    # percent-encoded, could carry an operation); every operation needs a key.
    return (
        path == "/graphql"
        and scope["method"] == "GET"
        and not scope.get("query_string")
        and b"text/html" in _header(scope, b"accept")
    )


def _header(scope: Scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value)
    return b""


class AuthMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        keys: Authenticator,
        limiter: RateLimiter | None = None,
        public_docs: bool,
        retry_after_seconds: int,
        failures: FailedAuthLimit | None = None,
        metrics_token: str | None = None,
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter or NoRateLimit()
        self.failures = failures or FailedAuthLimit(0)
        self.metrics_token = metrics_token.encode() if metrics_token else None
        self.public_docs = public_docs
        self.retry_after = str(retry_after_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.metrics_token is not None and scope["path"] == METRICS:
            await self._metrics(scope, receive, send)
            return
        if is_public(scope, public_docs=self.public_docs):
            await self.app(scope, receive, send)
            return
        address = client_address(scope)
        wait = self.failures.blocked(address)
        if wait is not None:
            # Before the key lookup: random key ids from one address cannot flood it.
            detail = (
                f"too many requests without a valid key from this address; retry after {wait} s"
            )
            headers = {"Retry-After": str(wait)}
            await _problem(scope, receive, send, 429, "Too many requests", detail, headers)
            return
        authorization = _header(scope, b"authorization").decode("latin-1") or None
        try:
            principal = await self.keys.authenticate(authorization)
        except NotAuthenticated as exc:
            self.failures.failed(address)
            await _problem(
                scope, receive, send, 401, "Not authenticated", exc.detail, _UNAUTHENTICATED
            )
            return
        except Forbidden as exc:  # a person whose token maps to no role
            await _problem(scope, receive, send, 403, "Forbidden", exc.detail, {})
            return
        except ProviderUnavailable as exc:
            await self._unavailable(scope, receive, send, "identity provider", str(exc))
            return
        except (DBAPIError, PoolTimeout, OSError) as exc:
            # One line, no stack trace: an outage fails many requests at once (db/faults.py).
            await self._unavailable(scope, receive, send, "database", describe(exc))
            return
        decision = await self.limiter.hit(principal.key_id)
        if not decision.allowed:
            headers = {k.decode(): v.decode() for k, v in decision.headers()}
            headers["Retry-After"] = str(decision.reset_seconds)
            await _problem(
                scope,
                receive,
                send,
                429,
                "Too many requests",
                f"this key may make {decision.limit} requests a minute; retry after "
                f"{decision.reset_seconds} s",
                headers,
            )
            return
        scope.setdefault("state", {})["principal"] = principal
        if decision.limit == 0:
            await self.app(scope, receive, send)
            return

        async def send_with_limits(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *decision.headers()]
            await send(message)

        await self.app(scope, receive, send_with_limits)

    async def _metrics(self, scope: Scope, receive: Receive, send: Send) -> None:
        """/metrics behind `PMO_METRICS_TOKEN`: a scraper's secret, not an API key (it grants
        nothing else), compared in constant time."""
        assert self.metrics_token is not None
        given = _header(scope, b"authorization")
        if hmac.compare_digest(given, b"Bearer " + self.metrics_token):
            await self.app(scope, receive, send)
            return
        detail = "/metrics needs `Authorization: Bearer <PMO_METRICS_TOKEN>`"
        await _problem(scope, receive, send, 401, "Not authenticated", detail, _UNAUTHENTICATED)

    async def _unavailable(
        self, scope: Scope, receive: Receive, send: Send, what: str, error: str
    ) -> None:
        """A 503: what authentication needs (the database, the identity provider) is down."""
        log.warning(f"cannot authenticate: {what} unavailable", extra={"error": error})
        detail = f"the {what} is unavailable; retry shortly"
        headers = {"Retry-After": self.retry_after}
        await _problem(scope, receive, send, 503, "Service unavailable", detail, headers)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """No route serves WebSockets today; should one appear, it gets the same rule."""
        authorization = _header(scope, b"authorization").decode("latin-1") or None
        try:
            principal = await self.keys.authenticate(authorization)
        except (NotAuthenticated, Forbidden, ProviderUnavailable):
            await send({"type": "websocket.close", "code": 1008})  # policy violation
            return
        scope.setdefault("state", {})["principal"] = principal
        await self.app(scope, receive, send)


async def _problem(
    scope: Scope,
    receive: Receive,
    send: Send,
    status: int,
    title: str,
    detail: str,
    headers: dict[str, str],
) -> None:
    slugs = {401: "not-authenticated", 403: "forbidden", 429: "rate-limited"}
    slug = slugs.get(status, "service-unavailable")
    body = problem(status, title, detail, type_uri=PROBLEM_BASE + slug)
    await ProblemResponse(body, status_code=status, headers=headers)(scope, receive, send)
