"""Portfolios over GraphQL: create, update and delete, as REST then reads them."""

from __future__ import annotations

import httpx

from tests.gql import gql


class TestMutations:
    async def test_portfolio_create_update_delete(self, client: httpx.AsyncClient) -> None:
        created = await gql(
            client,
            """mutation { createPortfolio(input: {name: "GQL", currency: "EUR"}) {
                 ... on Portfolio { id version } } }""",
        )
        pid = created["data"]["createPortfolio"]["id"]
        renamed = await gql(
            client,
            """mutation($id: ID!) { updatePortfolio(id: $id, patch: {name: "GQL 2"}) {
                 ... on Portfolio { name version } } }""",
            id=pid,
        )
        assert renamed["data"]["updatePortfolio"] == {"name": "GQL 2", "version": 2}
        deleted = await gql(
            client,
            """mutation($id: ID!) { deletePortfolio(id: $id) {
                 __typename ... on Deleted { id } } }""",
            id=pid,
        )
        assert deleted["data"]["deletePortfolio"] == {"__typename": "Deleted", "id": pid}
        assert (await client.get(f"/api/v1/portfolios/{pid}")).status_code == 404
