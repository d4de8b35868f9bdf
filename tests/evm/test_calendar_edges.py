"""Dates near the end of the calendar are answered, never a 500: the summary's 30-day window,
series period ends and the months of cost variance stop at 9999-12-31 instead of overflowing.

9999-12-31 itself is a 422 (core/inputs.LAST_DATE): asyncpg sends that date to PostgreSQL as
`infinity`, which date arithmetic in SQL refuses."""

from __future__ import annotations

from datetime import date

import httpx

from pmo_api.evm.service import period_ends
from tests.factories import assert_problem, make_portfolio, make_project


async def test_dates_near_the_end_of_the_calendar_are_answered(
    client: httpx.AsyncClient,
) -> None:
    portfolio = await make_portfolio(client)
    await make_project(
        client,
        portfolio["id"],
        code="EDGE-1",
        budget=1000,
        start_date="9999-10-01",
        finish_date="9999-12-30",
    )
    paths = [
        f"/api/v1/portfolios/{portfolio['id']}/summary?as_of=9999-12-15",  # window past the end
        "/api/v1/projects/EDGE-1/evm/series?from=9999-12-20&to=9999-12-30&interval=week",
        "/api/v1/projects/EDGE-1/cost-variance?as_of=9999-12-30&group_by=month",
        "/api/v1/projects/EDGE-1/evm?as_of=0001-01-01",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 200, (path, response.text)
    variance = await client.get(
        "/api/v1/projects/EDGE-1/cost-variance",
        params={"as_of": "9999-12-30", "group_by": "month"},
    )
    # 1000 spread evenly over 91 days, each month the growth of the cumulative PV in cents:
    # to Oct 31: 1000 x 31/91 = 340.659... -> 340.66; to Nov 30: 1000 x 61/91 = 670.329... ->
    # 670.33, so November 670.33 - 340.66 = 329.67; December 1000 - 670.33 = 329.67.
    planned = {row["key"]: row["planned"] for row in variance.json()["data"]}
    assert planned == {"9999-10": 340.66, "9999-11": 329.67, "9999-12": 329.67}


def test_period_ends_stop_at_the_last_day_of_the_calendar() -> None:
    months = period_ends(date(9999, 10, 15), date.max, "month")
    assert months == [date(9999, 10, 31), date(9999, 11, 30), date(9999, 12, 31)]
    weeks = period_ends(date(9999, 12, 20), date.max, "week")
    assert weeks == [date(9999, 12, 26)]  # the next Sunday would be 10000-01-02


async def test_the_last_day_of_the_calendar_is_a_422_naming_the_field(
    client: httpx.AsyncClient,
) -> None:
    await make_project(client, code="EDGE-2", start_date="2026-01-01", finish_date="2026-12-31")
    response = await client.get("/api/v1/projects/EDGE-2/evm", params={"as_of": "9999-12-31"})
    assert_problem(response, 422, loc=["query", "as_of"])
    response = await client.patch(
        "/api/v1/projects/EDGE-2",
        json={"finish_date": "9999-12-31"},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert_problem(response, 422, loc=["body", "finish_date"])
