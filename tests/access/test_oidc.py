"""Signing in through OpenID Connect, against a real provider process (tests/access/
oidc_provider.py): its ID tokens (JWTs) verified against its discovery document and key set,
its opaque access tokens at its userinfo endpoint; claims mapped to roles and portfolios; the
person named in the audit trail and by /api/v1/me. Tokens the provider cannot be asked for
(expired, another issuer, `alg: none`, another key) are made with joserfc, with the provider's
own key or a rogue one; pmo-api checks every one of them against the provider itself."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from joserfc.jwk import RSAKey

import tests.conftest as harness
from pmo_api.app import create_app
from tests.access.conftest import PORTFOLIO_CLAIM, oidc_settings
from tests.access.oidc_provider import Provider, forge, running_provider, unsigned
from tests.access.test_authentication import raw_http
from tests.access.unauthenticated import assert_unauthenticated
from tests.factories import PROBLEM_JSON, make_portfolio, make_project

# The provider's authlib warns about its own use of authlib.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def person(sub: str, *groups: str, portfolios: list[str] | None = None) -> dict[str, Any]:
    claims: dict[str, Any] = {
        "email": f"{sub}@example.com",
        "name": sub.title(),
        "groups": list(groups),
    }
    claims[PORTFOLIO_CLAIM] = ["*"] if portfolios is None else portfolios
    return claims


def hs256(header: dict[str, Any], claims: dict[str, Any], secret: bytes) -> str:
    def part(value: bytes) -> str:
        return base64.urlsafe_b64encode(value).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(claims).encode())}"
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}"


async def as_bearer(
    app: FastAPI, token: str | None, method: str = "GET", path: str = "/api/v1/me", **kwargs: Any
) -> httpx.Response:
    async with harness.http_client(app, token) as http:
        return await http.request(method, path, **kwargs)


async def assert_refused(app: FastAPI, token: str, says: str) -> None:
    """A 401 whose detail says `says` (why the token was refused)."""
    response = await as_bearer(app, token)
    assert_unauthenticated(response)
    assert says in response.json()["detail"], response.json()["detail"]


@pytest.fixture
async def admin(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """The session's admin key, on empty tables."""
    return client


class TestSignIn:
    async def test_an_id_token_of_the_provider_signs_a_person_in(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        sub = unique("alice")
        tokens = provider.sign_in(sub, person(sub, "pmo-admins"))
        response = await as_bearer(oidc_app, tokens.id_token)
        assert response.status_code == 200, response.text
        assert response.json() == {
            "kind": "person",
            "key_id": f"oidc:{sub}",
            "subject": sub,
            "name": sub.title(),
            "email": f"{sub}@example.com",
            "role": "admin",
            "portfolio_ids": None,
            "portfolios": None,
        }

    async def test_an_opaque_access_token_is_checked_at_userinfo(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        sub = unique("olga")
        tokens = provider.sign_in(sub, person(sub, "pmo-viewers"))
        assert tokens.access_token.count(".") != 2  # opaque, not a JWT
        response = await as_bearer(oidc_app, tokens.access_token)
        assert response.status_code == 200, response.text
        assert response.json()["subject"] == sub
        assert response.json()["role"] == "viewer"
        made_up = await as_bearer(oidc_app, "not-a-token-the-provider-gave")
        assert_unauthenticated(made_up)

    async def test_api_keys_keep_working_beside_tokens(
        self, oidc_app: FastAPI, admin_key: str
    ) -> None:
        response = await as_bearer(oidc_app, admin_key)
        assert response.status_code == 200, response.text
        assert response.json()["kind"] == "api_key"
        assert response.json()["subject"] is None
        assert_unauthenticated(await as_bearer(oidc_app, admin_key[:-2] + "xx"))

    @pytest.mark.parametrize(
        ("groups", "role"),
        [
            (["pmo-viewers"], "viewer"),
            (["project-leads"], "editor"),
            (["pmo-editors", "unrelated"], "editor"),
            (["pmo-viewers", "pmo-admins"], "admin"),  # the highest wins
        ],
    )
    async def test_each_claim_value_maps_to_its_role(
        self, oidc_app: FastAPI, provider: Provider, groups: list[str], role: str
    ) -> None:
        sub = unique("rolf")
        tokens = provider.sign_in(sub, person(sub, *groups))
        me = await as_bearer(oidc_app, tokens.id_token)
        assert me.status_code == 200, me.text
        assert me.json()["role"] == role
        # The role is enforced as a key's is: only an admin may make a portfolio.
        made = await as_bearer(
            oidc_app, tokens.id_token, "POST", "/api/v1/portfolios", json={"name": unique("p")}
        )
        assert made.status_code == (201 if role == "admin" else 403), made.text

    async def test_a_role_given_as_a_single_string_counts(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        sub = unique("sam")
        claims = {**person(sub), "groups": "pmo-editors"}
        me = await as_bearer(oidc_app, provider.sign_in(sub, claims).id_token)
        assert me.json()["role"] == "editor"

    @pytest.mark.parametrize("groups", [["somebody-else"], None])
    async def test_a_token_with_no_mapped_role_is_403(
        self, oidc_app: FastAPI, provider: Provider, groups: list[str] | None
    ) -> None:
        sub = unique("nora")
        claims = person(sub, *(groups or []))
        if groups is None:
            del claims["groups"]
        for token in provider.sign_in(sub, claims).__dict__.values():
            response = await as_bearer(oidc_app, token, "GET", "/api/v1/projects")
            assert response.status_code == 403, response.text
            assert response.headers["content-type"] == PROBLEM_JSON
            assert "groups" in response.json()["detail"]


class TestPortfolioScope:
    async def test_the_portfolio_claim_limits_by_name_or_id(
        self, oidc_app: FastAPI, provider: Provider, admin: httpx.AsyncClient
    ) -> None:
        mine, other, third = [await make_portfolio(admin) for _ in range(3)]
        own_project = await make_project(admin, mine["id"])
        other_project = await make_project(admin, other["id"])
        await make_project(admin, third["id"])
        sub = unique("lena")
        refs = [mine["name"], third["id"], "no such portfolio"]
        token = provider.sign_in(sub, person(sub, "pmo-editors", portfolios=refs)).id_token

        me = (await as_bearer(oidc_app, token)).json()
        assert {p["id"] for p in me["portfolios"]} == {mine["id"], third["id"]}
        listed = await as_bearer(oidc_app, token, "GET", "/api/v1/projects")
        codes = {p["code"] for p in listed.json()["data"]}
        assert own_project["code"] in codes and other_project["code"] not in codes
        hidden = await as_bearer(oidc_app, token, "GET", f"/api/v1/projects/{other_project['id']}")
        assert hidden.status_code == 404
        # A person limited to portfolios is refused what spans them all, as a limited key is.
        audit = await as_bearer(oidc_app, token, "GET", "/api/v1/audit-events")
        assert audit.status_code == 403

    async def test_without_the_claim_a_person_sees_no_portfolio(
        self, oidc_app: FastAPI, provider: Provider, admin: httpx.AsyncClient
    ) -> None:
        await make_project(admin)
        sub = unique("ned")
        claims = person(sub, "pmo-admins")
        del claims[PORTFOLIO_CLAIM]
        token = provider.sign_in(sub, claims).id_token
        assert (await as_bearer(oidc_app, token)).json()["portfolios"] == []
        listed = await as_bearer(oidc_app, token, "GET", "/api/v1/projects")
        assert listed.json()["data"] == []


class TestAuditTrail:
    async def test_every_event_names_the_person(
        self, oidc_app: FastAPI, provider: Provider, admin: httpx.AsyncClient
    ) -> None:
        sub = unique("ada")
        token = provider.sign_in(sub, person(sub, "pmo-admins")).id_token
        made = await as_bearer(
            oidc_app, token, "POST", "/api/v1/portfolios", json={"name": unique("by-ada")}
        )
        assert made.status_code == 201, made.text
        by_key = await make_portfolio(admin)
        events = (await admin.get("/api/v1/audit-events")).json()["data"]
        person_event = next(e for e in events if e["object_id"] == made.json()["id"])
        assert person_event["actor_key_id"] == f"oidc:{sub}"
        assert person_event["actor_subject"] == sub
        assert person_event["actor_email"] == f"{sub}@example.com"
        assert person_event["actor_name"] == sub.title()
        key_event = next(e for e in events if e["object_id"] == by_key["id"])
        assert key_event["actor_subject"] is None and key_event["actor_email"] is None
        mine = await admin.get("/api/v1/audit-events", params={"actor_key_id": f"oidc:{sub}"})
        assert [e["id"] for e in mine.json()["data"]] == [person_event["id"]]


class TestVerification:
    async def test_a_token_for_another_audience_is_401(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        sub = unique("otto")
        token = provider.sign_in(sub, person(sub, "pmo-admins"), client_id="another-app").id_token
        await assert_refused(oidc_app, token, "aud")

    async def test_expiry_allows_a_small_leeway_only(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        key = provider.signing_key()
        now = int(time.time())
        claims = provider.claims_for(unique("eve"), groups=["pmo-viewers"])
        late = forge({**claims, "exp": now - 5}, key)  # within the 30 s leeway
        assert (await as_bearer(oidc_app, late)).status_code == 200
        expired = forge({**claims, "exp": now - 120}, key)
        await assert_refused(oidc_app, expired, "exp")
        early = forge({**claims, "nbf": now + 120}, key)
        assert_unauthenticated(await as_bearer(oidc_app, early))
        no_expiry = {k: v for k, v in claims.items() if k != "exp"}
        assert_unauthenticated(await as_bearer(oidc_app, forge(no_expiry, key)))

    async def test_a_token_of_another_issuer_is_401(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        claims = provider.claims_for(unique("ivan"), groups=["pmo-admins"])
        token = forge({**claims, "iss": "https://issuer.example.com"}, provider.signing_key())
        await assert_refused(oidc_app, token, "iss")

    async def test_alg_none_and_hmac_with_the_public_key_are_401(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        claims = provider.claims_for(unique("mallory"), groups=["pmo-admins"])
        await assert_refused(oidc_app, unsigned(claims), "'none'")
        # The classic confusion: HS256 keyed with the provider's published public key (made by
        # hand: joserfc itself refuses a PEM as an HMAC secret).
        public = provider.signing_key().as_pem(private=False)
        hmac_token = hs256({"alg": "HS256", "typ": "JWT"}, claims, public)
        await assert_refused(oidc_app, hmac_token, "HS256")

    async def test_a_token_signed_by_another_key_is_401(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        claims = provider.claims_for(unique("trudy"), groups=["pmo-admins"])
        rogue = RSAKey.generate_key(2048, private=True)
        await assert_refused(
            oidc_app, forge(claims, rogue), "not signed by a key of the identity provider"
        )
        # Even when it claims the provider's key id.
        provider_kid = provider.signing_key().thumbprint()
        faked = forge(claims, rogue, kid=provider_kid)
        assert_unauthenticated(await as_bearer(oidc_app, faked))

    async def test_an_unknown_key_id_is_401_until_the_provider_rotates_to_that_key(
        self, database_url: str
    ) -> None:
        # A provider of its own: the session's keeps its key for the other tests' tokens.
        with running_provider() as provider:
            app = create_app(oidc_settings(database_url, provider))
            async with LifespanManager(app):
                sub = unique("rita")
                before = provider.sign_in(sub, person(sub, "pmo-viewers")).id_token
                assert (await as_bearer(app, before)).status_code == 200  # the key set cached
                new_key = RSAKey.generate_key(2048, private=True, parameters={"kid": unique("k")})
                claims = provider.claims_for(sub, groups=["pmo-viewers"])
                token = forge(claims, new_key, kid=new_key.kid)
                assert_unauthenticated(await as_bearer(app, token))
                provider.rotate(new_key)
                assert (await as_bearer(app, token)).status_code == 200
                # The provider's own tokens, signed with the new key (without a key id), are
                # valid too; the old key is gone from its key set, and so are its tokens.
                after = provider.sign_in(sub, person(sub, "pmo-viewers")).id_token
                assert (await as_bearer(app, after)).status_code == 200
            fresh = create_app(oidc_settings(database_url, provider))
            async with LifespanManager(fresh):
                assert (await as_bearer(fresh, after)).status_code == 200
                assert_unauthenticated(await as_bearer(fresh, before))

    async def test_unknown_key_ids_refetch_the_key_set_at_most_once_a_while(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        settings = oidc_settings(
            oidc_app.state.settings.database_url, provider, oidc_jwks_refetch_seconds=60
        )
        limited = create_app(settings)
        sub = unique("ray")
        good = provider.sign_in(sub, person(sub, "pmo-viewers")).id_token
        async with LifespanManager(limited):
            assert (await as_bearer(limited, good)).status_code == 200
            fetched = provider.jwks_requests
            claims = provider.claims_for(sub, groups=["pmo-viewers"])
            for _ in range(5):
                rogue = RSAKey.generate_key(2048, private=True)
                made_up = forge(claims, rogue, kid=uuid.uuid4().hex)
                assert_unauthenticated(await as_bearer(limited, made_up))
            assert provider.jwks_requests == fetched
            assert (await as_bearer(limited, good)).status_code == 200

    @pytest.mark.parametrize(
        "header",
        [
            b"Bearer eyJ\x00abc.def.ghi",
            b"Bearer \xff\xfe\xfd",
            b"Bearer abc def",
            b"Bearer a.b.c",
            b"Bearer " + b"a" * 20_000,
            b"Basic dXNlcjpwYXNz",
        ],
    )
    async def test_malformed_bearer_tokens_are_401(self, oidc_app: FastAPI, header: bytes) -> None:
        status, body = await raw_http(oidc_app, "/api/v1/projects", [(b"authorization", header)])
        assert status == 401, body

    async def test_an_unreachable_provider_is_503_not_401(
        self, oidc_app: FastAPI, provider: Provider
    ) -> None:
        sub = unique("una")
        token = provider.sign_in(sub, person(sub, "pmo-viewers")).id_token
        settings = harness.test_settings(
            oidc_app.state.settings.database_url,
            oidc_issuer="http://127.0.0.1:9",  # discard: nothing listens
            oidc_audience="pmo-api",
            oidc_http_timeout_seconds=2,
        )
        down = create_app(settings)
        async with LifespanManager(down):
            response = await as_bearer(down, token)
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"]
        assert response.headers["content-type"] == PROBLEM_JSON
