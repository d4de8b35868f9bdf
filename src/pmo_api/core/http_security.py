"""What every answer tells a browser: security headers, and CORS for the allowed origins.

Every answer carries `X-Content-Type-Options: nosniff` and `Referrer-Policy: no-referrer`. An
API answer (JSON, CSV, problem) gets a Content-Security-Policy that allows nothing at all and
no framing: it is data, never a page. The only HTML pmo-api serves is `/docs` and GraphiQL,
both from local assets: their policy allows this origin's scripts, styles and requests, and
the page's own inline scripts by their SHA-256 (computed from the page as it is sent, so a
new library version cannot silently widen it), and forbids framing (`frame-ancestors 'none'`).

CORS uses Starlette's middleware with an allowlist (`PMO_CORS_ORIGINS`, none by default):
bearer tokens, never cookies, so no credentials mode; a preflight is answered before
authentication, as the Fetch standard sends it without the `Authorization` header.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Sequence

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
_PAGE_POLICY = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)

# What a browser page may send and read (the API's own headers; CONTRACT conventions).
ALLOWED_HEADERS = (
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Request-ID",
)
EXPOSED_HEADERS = (
    "ETag",
    "Location",
    "Link",
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "X-Request-ID",
)
ALLOWED_METHODS = ("GET", "POST", "PATCH", "DELETE")


def page_policy(html: bytes) -> str:
    """The policy of one HTML page: its inline scripts allowed by hash, nothing else inline."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(body).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    )
    return _PAGE_POLICY.format(hashes=hashes)


class SecurityHeadersMiddleware:
    """Pure ASGI: an HTML answer is held until complete (two small pages) to hash its scripts;
    every other answer passes through unbuffered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []

        async def secured_send(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
                if "server" in headers:
                    del headers["server"]
                if headers.get("content-type", "").startswith("text/html"):
                    held = message
                    return
                headers["Content-Security-Policy"] = API_POLICY
            elif message["type"] == "http.response.body" and held is not None:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False):
                    return
                body = b"".join(chunks)
                headers = MutableHeaders(scope=held)
                headers["Content-Security-Policy"] = page_policy(body)
                headers["X-Frame-Options"] = "DENY"
                await send(held)
                held = None
                message = {"type": "http.response.body", "body": body, "more_body": False}
            await send(message)

        await self.app(scope, receive, secured_send)


def install(app: FastAPI, *, cors_origins: Sequence[str]) -> None:
    """CORS inside the security headers, so a refused preflight is marked too; both outside
    authentication (app.py adds the request context around them)."""
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=list(ALLOWED_METHODS),
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=list(EXPOSED_HEADERS),
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(SecurityHeadersMiddleware)
