"""GraphQL's typed errors for milestones, costs, progress and budget lines: an unknown target is
a NotFoundError, an unknown id read is null (tests/graphql/test_typed_errors.py has the same
test for risks, KPIs and status reports)."""

from __future__ import annotations

import uuid

import httpx

from tests.gql import gql


class TestTypedErrors:
    async def test_unknown_targets_are_not_found(self, client: httpx.AsyncClient) -> None:
        missing = str(uuid.uuid4())
        result = await gql(
            client,
            """mutation($id: ID!, $ref: String!) {
                 a: createMilestone(project: "NOPE-1", input: {name: "x", dueDate: "2026-01-01"})
                   { __typename }
                 b: updateMilestone(id: $id, patch: {name: "y"}) { __typename }
                 c: deleteCost(id: "not-a-uuid") { __typename }
                 d: recordCost(project: $ref, input: {incurredOn: "2026-01-01", amount: 1})
                   { __typename }
                 e: updateProgress(id: $id, patch: {note: "n"}) { __typename }
                 f: replaceBudgetLines(project: "NOPE-1", lines: []) { __typename } }""",
            id=missing,
            ref=missing,
        )
        assert all(v == {"__typename": "NotFoundError"} for v in result["data"].values()), result
        reads = await gql(
            client,
            f"""{{ milestone(id: "{missing}") {{ id }} cost(id: "x") {{ id }}
                 costs(filter: {{project: ["{missing}"]}}) {{ nodes {{ id }} }} }}""",
        )
        assert reads["data"] == {"milestone": None, "cost": None, "costs": {"nodes": []}}
