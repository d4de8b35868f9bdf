"""Pure ASGI middleware (Starlette's BaseHTTPMiddleware costs a task and a copy per request)."""

from __future__ import annotations

import itertools
import re
import time
import uuid

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pmo_api.core.errors import PROBLEM_BASE, problem
from pmo_api.core.responses import ProblemResponse
from pmo_api.logs import AccessLog, correlation_id_var, request_id_var
from pmo_api.ops.metrics import Metrics

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


class RequestContextMiddleware:
    """Request id (always made here: a client must not choose the id its audit events are
    filed under; its own X-Request-ID, when sane, is kept as the correlation id), metrics and
    access log."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, access_log: AccessLog | None) -> None:
        self.app = app
        self.metrics = metrics
        self.access_log = access_log
        # Request ids need to be unique, not secret: a random per-process prefix and a counter
        # (32 hex digits, like a UUID) cost no system call per request.
        self._prefix = uuid.uuid4().hex[:20]
        self._counter = itertools.count()

    def _next_id(self) -> str:
        return f"{self._prefix}{next(self._counter) & 0xFFFFFFFFFFFF:012x}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value.decode("latin-1")
                break
        request_id = self._next_id()
        correlation_id = incoming if incoming and _SAFE_REQUEST_ID.match(incoming) else None
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        token = request_id_var.set(request_id)
        correlation = correlation_id_var.set(correlation_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(scope["method"], template, status, elapsed)
            if self.access_log is not None:
                self.access_log.write(
                    method=scope["method"],
                    path=scope["path"],
                    route=template,
                    status=status,
                    duration_ms=round(elapsed * 1000, 2),
                )
            request_id_var.reset(token)
            correlation_id_var.reset(correlation)


class InputGuardMiddleware:
    """Refuses what no route could accept: a NUL character in the path or query string (400;
    PostgreSQL text cannot hold one), and a body larger than the limit, declared
    (Content-Length) or streamed (chunked) (413)."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query: bytes = scope.get("query_string", b"")
        if "\x00" in scope["path"] or b"%00" in query or b"\x00" in query:
            response = ProblemResponse(
                problem(
                    400,
                    "Malformed request",
                    "the URL contains a NUL character (%00)",
                    type_uri=PROBLEM_BASE + "malformed-request",
                ),
                status_code=400,
            )
            await response(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length":
                if not value.isdigit() or int(value) > self.max_bytes:
                    # Answered here, before the app: nothing of the body is read.
                    response = ProblemResponse(
                        problem(
                            413,
                            "Payload too large",
                            self._detail(),
                            type_uri=PROBLEM_BASE + "payload-too-large",
                        ),
                        status_code=413,
                    )
                    await response(scope, receive, send)
                    return
                break
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # FastAPI re-raises an HTTPException met while reading the body.
                    raise self._too_large()
            return message

        await self.app(scope, limited_receive, send)

    def _detail(self) -> str:
        return f"the request body is larger than the limit of {self.max_bytes} bytes"

    def _too_large(self) -> HTTPException:
        return HTTPException(413, self._detail())
