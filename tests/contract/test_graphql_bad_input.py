"""Bad input to /graphql that schemathesis (`make fuzz`) found answered with a server error or
without a code, pinned through the real app so that it stays fixed without the fuzzer: a body
that is not a JSON object, or not UTF-8, is a 400; an error of our rules carries a code."""

from __future__ import annotations

import httpx

from tests.gql import gql


class TestGraphQLBody:
    async def test_a_json_body_that_is_not_an_object_is_a_400_not_a_500(
        self, client: httpx.AsyncClient
    ) -> None:
        for body in (b'"AAA"', b"42", b"null", b"true"):
            response = await client.post(
                "/graphql", content=body, headers={"Content-Type": "application/json"}
            )
            assert response.status_code == 400, (body, response.status_code, response.text)

    async def test_a_body_that_is_not_utf8_is_a_400_not_a_500(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.post(
            "/graphql", content=b"\x95]\xff:lC", headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, (response.status_code, response.text)

    async def test_errors_of_our_rules_carry_a_code(self, client: httpx.AsyncClient) -> None:
        """A page size out of range is the caller's to fix: `BAD_USER_INPUT`, like REST's 422,
        so that it reads apart from a failure of the server (which has no code)."""
        body = await gql(client, "{ portfolios(first: 0) { nodes { id } } }")
        assert body["data"] is None
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
