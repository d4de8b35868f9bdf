"""The OpenAPI document says how to authenticate, so that generated clients send the key or
token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from pmo_api.access.middleware import ALWAYS_PUBLIC

SCHEME = "apiKey"


def document_bearer_auth(app: FastAPI) -> None:
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()  # FastAPI caches it in app.openapi_schema; amend it in place
        schema.setdefault("components", {})["securitySchemes"] = {
            SCHEME: {
                "type": "http",
                "scheme": "bearer",
                "description": "An API key, `pmo_<id>_<secret>`, or, when an OpenID provider "
                "is configured, a person's access token (see docs/access.md).",
            }
        }
        schema["security"] = [{SCHEME: []}]
        for path in ALWAYS_PUBLIC:
            for operation in schema["paths"].get(path, {}).values():
                operation["security"] = []
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
