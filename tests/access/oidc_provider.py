"""A real OpenID provider for the OIDC tests: `oidc-provider-mock` (Flask, authlib) served over
HTTP on a port of its own by a werkzeug server thread, with three test hooks added to it: the
current signing key (private, to make tokens the provider cannot be asked for: expired ones, a
wrong issuer), a key rotation (the provider signs with a new key and publishes only that one),
and a count of the requests for its key set.

People sign in through the provider's own authorization-code flow: their claims are set at
`PUT /users/<sub>`, the authorization endpoint is answered as the login form would, and the
code is exchanged at the token endpoint for an ID token (a JWT signed by the provider, whose
audience is the client id) and an opaque access token (for the userinfo endpoint).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import flask
import httpx
import oidc_provider_mock
import werkzeug.serving
from authlib.jose import JsonWebKey
from joserfc import jwt
from joserfc.jwk import RSAKey

AUDIENCE = "pmo-api"
REDIRECT = "http://pmo-client.test/callback"


@dataclass(frozen=True)
class Tokens:
    id_token: str  # a JWT: what pmo-api verifies against the provider's keys
    access_token: str  # opaque: what pmo-api checks at the userinfo endpoint


class Provider:
    def __init__(self, url: str, counts: dict[str, int]) -> None:
        self.url = url
        self._counts = counts
        self._http = httpx.Client(base_url=url, timeout=10)

    @property
    def jwks_requests(self) -> int:
        return self._counts["jwks"]

    def sign_in(
        self,
        sub: str,
        claims: dict[str, Any],
        *,
        client_id: str = AUDIENCE,
        scope: str = "openid profile email",
    ) -> Tokens:
        """The tokens the provider gives `sub` (with `claims`) signing in to `client_id`."""
        answer = self._http.put(f"/users/{quote(sub, safe='')}", json=claims)
        assert answer.status_code == 204, answer.text
        query = {
            "client_id": client_id,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": scope,
        }
        answer = self._http.post("/oauth2/authorize", params=query, data={"sub": sub})
        assert answer.status_code == 302, answer.text
        code = parse_qs(urlparse(answer.headers["location"]).query)["code"][0]
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "client_id": client_id,
            "client_secret": "any",  # the provider accepts any client secret
        }
        answer = self._http.post("/oauth2/token", data=form)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        return Tokens(body["id_token"], body["access_token"])

    def revoke(self, sub: str) -> None:
        """The provider forgets every access token it gave `sub`."""
        answer = self._http.post(f"/users/{quote(sub, safe='')}/revoke-tokens")
        assert answer.status_code == 204, answer.text

    def signing_key(self) -> RSAKey:
        """The provider's current signing key, private part included."""
        answer = self._http.get("/test/signing-key")
        assert answer.status_code == 200, answer.text
        return RSAKey.import_key(answer.json())

    def rotate(self, key: RSAKey) -> None:
        """The provider signs with `key` from now on, and publishes only it."""
        answer = self._http.post("/test/signing-key", json=key.as_dict(private=True))
        assert answer.status_code == 204, answer.text

    def claims_for(self, sub: str, **extra: Any) -> dict[str, Any]:
        """Claims as the provider would sign them for `sub`, to be changed by a test."""
        now = int(time.time())
        return {
            "iss": self.url,
            "aud": [AUDIENCE],
            "sub": sub,
            "iat": now,
            "exp": now + 600,
            **extra,
        }

    def close(self) -> None:
        self._http.close()


def forge(
    claims: dict[str, Any], key: RSAKey, *, alg: str = "RS256", kid: str | None = None
) -> str:
    """A JWT signed by `key` (the provider's, or a rogue one), for the cases the provider cannot
    be asked for."""
    header: dict[str, Any] = {"alg": alg, "typ": "JWT"}
    if kid is not None:
        header["kid"] = kid
    return jwt.encode(header, claims, key, algorithms=[alg])


def unsigned(claims: dict[str, Any]) -> str:
    """A JWT with `alg: none` and no signature."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


def _with_test_hooks(app: flask.Flask, counts: dict[str, int]) -> None:
    def storage() -> Any:
        return flask.g.oidc_provider_mock_storage  # set by the provider before each request

    @app.before_request
    def count() -> None:
        if flask.request.path == "/jwks":
            counts["jwks"] += 1

    @app.get("/test/signing-key")
    def signing_key() -> Any:
        return flask.jsonify(storage().jwk.as_dict(is_private=True))

    @app.post("/test/signing-key")
    def rotate() -> Any:
        storage().jwk = JsonWebKey.import_key(flask.request.get_json())
        return "", 204


@contextmanager
def running_provider() -> Iterator[Provider]:
    """The provider on 127.0.0.1 (a free port), until the block ends."""
    os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain HTTP on the loopback
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    counts = {"jwks": 0}
    app = oidc_provider_mock.app()
    _with_test_hooks(app, counts)
    server = werkzeug.serving.make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    provider = Provider(f"http://127.0.0.1:{server.server_port}", counts)
    try:
        yield provider
    finally:
        provider.close()
        server.shutdown()
        thread.join(5)
