"""The authorization matrix (test_access_matrix.py) run for people signed in through OpenID
Connect instead of API keys: the same world, the same callers, the same checks (status, no
leak, no effect of a refusal), each caller a token of the real provider whose claims map to
the caller's role and portfolios.

| matrix caller | its token |
| --- | --- |
| no key | none |
| revoked key | an opaque access token the provider has revoked |
| expired key | a JWT signed by the provider's key, expired beyond the leeway |
| viewer, admin | ID tokens (JWTs), group `pmo-viewers` / `pmo-admins`, every portfolio (`*`) |
| editor | an opaque access token (userinfo), group `project-leads`, every portfolio |
| viewer scoped to B | an ID token listing B by name |
| editor scoped to A | an ID token listing A by id |
| admin scoped to A and S | an ID token listing A by name and S by id |

The REST operations and GraphQL fields are a representative subset (reads, writes, CSV,
conditional reads, scope by path, query and body, what needs an unlimited admin): the mapping
from a token to a Principal is the only part that differs from keys, and the full matrix for
keys covers every operation.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

import tests.access.test_access_matrix as matrix
import tests.conftest as harness
from tests.access.conftest import PORTFOLIO_CLAIM
from tests.access.oidc_provider import Provider, forge

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

world = matrix.world  # the matrix's fixture, used here as there

REST_SUBSET = (
    "projects-list",
    "projects-create",
    "projects-get",
    "projects-update",
    "projects-delete",
    "portfolios-create",
    "portfolios-delete",
    "portfolios-summary",
    "objectives-update",
    "milestones-create",
    "budget-lines-replace",
    "costs-list",
    "project-costs-list",
    "risks-update",
    "status-reports-publish",
    "kpis-create",
    "kpi-values-list",
    "api-keys-list",
    "audit-events-list",
    "me-get",
)
GRAPHQL_SUBSET = (
    "projects",
    "portfolio",
    "createProject",
    "updateRisk",
    "deleteMilestone",
    "createKpi",
)


def _subset(names: tuple[str, ...], known: list[str]) -> list[str]:
    missing = set(names) - set(known)
    assert not missing, f"not operations of the matrix any more: {sorted(missing)}"
    return list(names)


OPERATIONS = {op.operation_id: op for op in matrix.OPERATIONS}
REST = _subset(REST_SUBSET, list(OPERATIONS))
GRAPHQL = _subset(GRAPHQL_SUBSET, matrix.GRAPHQL_FIELDS)


def _person(sub: str, group: str, portfolios: list[str]) -> dict[str, object]:
    return {
        "email": f"{sub}@example.com",
        "name": sub,
        "groups": [group],
        PORTFOLIO_CLAIM: portfolios,
    }


def _sign_in(provider: Provider, group: str, *portfolios: str, opaque: bool = False) -> str:
    sub = f"{group}-{uuid.uuid4().hex[:8]}"
    tokens = provider.sign_in(sub, _person(sub, group, list(portfolios)))
    return tokens.access_token if opaque else tokens.id_token


@pytest.fixture(scope="session")
def unscoped_tokens(provider: Provider) -> dict[str, str]:
    """The callers whose tokens name no portfolio of a world: signed in once a session."""
    revoked_sub = f"gone-{uuid.uuid4().hex[:8]}"
    revoked = provider.sign_in(revoked_sub, _person(revoked_sub, "pmo-admins", ["*"]))
    provider.revoke(revoked_sub)
    now = int(time.time())
    expired = provider.claims_for(
        "late", groups=["pmo-admins"], iat=now - 600, exp=now - 300, **{PORTFOLIO_CLAIM: ["*"]}
    )
    return {
        "revoked key": revoked.access_token,
        "expired key": forge(expired, provider.signing_key()),
        "viewer": _sign_in(provider, "pmo-viewers", "*"),
        "editor": _sign_in(provider, "project-leads", "*", opaque=True),
        "admin": _sign_in(provider, "pmo-admins", "*"),
    }


@pytest.fixture
async def token_world(
    world: matrix.World, oidc_app: FastAPI, provider: Provider, unscoped_tokens: dict[str, str]
) -> AsyncIterator[matrix.World]:
    """The matrix's world, its callers people with tokens, calling the OIDC-configured app."""
    sides = world.sides

    async def name_of(side: str) -> str:
        response = await world.admin.get(f"/api/v1/portfolios/{sides[side].portfolio_id}")
        return str(response.json()["name"])

    a_name, b_name = await name_of("A"), await name_of("B")
    keys: dict[str, str | None] = {
        "no key": None,
        **unscoped_tokens,
        "viewer scoped to B": _sign_in(provider, "pmo-viewers", b_name),
        "editor scoped to A": _sign_in(provider, "pmo-editors", sides["A"].portfolio_id),
        "admin scoped to A and S": _sign_in(
            provider, "pmo-admins", a_name, sides["S"].portfolio_id
        ),
    }
    assert set(keys) == {caller.label for caller in matrix.CALLERS}
    async with harness.http_client(oidc_app, None) as anon:
        world.anon, world.keys = anon, keys
        yield world


class TestTokenMatrix:
    @pytest.mark.parametrize("operation_id", REST)
    async def test_operation_answers_each_person_as_due(
        self, token_world: matrix.World, operation_id: str
    ) -> None:
        await matrix.check_operation(token_world, OPERATIONS[operation_id])

    @pytest.mark.parametrize("field_name", GRAPHQL)
    async def test_graphql_field_answers_each_person_as_due(
        self, token_world: matrix.World, field_name: str
    ) -> None:
        await matrix.check_field(token_world, field_name)
