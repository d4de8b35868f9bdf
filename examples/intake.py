"""A portfolio intake through a client generated from openapi/openapi.json (examples/README.md).

It uses nothing but the generated `pmo_api_client` package, as a client team would: creates a
portfolio and 50 projects with `Idempotency-Key` (sending some again, as a retry after a lost
answer would), renames one with `If-Match`, walks the list page by page by `next_cursor`,
records baselines, progress and costs (re-importing one by `external_ref`), downloads the
costs as CSV and reads the earned value.

Every answer is checked: an undocumented status raises (`raise_on_unexpected_status`), a body
that does not fit its schema fails to parse, and the figures must be the ones recorded. So the
run fails as soon as the OpenAPI document stops describing the server.

    PMO_BASE_URL=http://127.0.0.1:8000 PMO_API_KEY=pmo_... python examples/intake.py
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import sys
import uuid
from http import HTTPStatus
from typing import Any, TypeVar

from pmo_api_client import AuthenticatedClient
from pmo_api_client.api.earned_value import projects_evm
from pmo_api_client.api.portfolios import portfolios_create
from pmo_api_client.api.projects import (
    projects_create,
    projects_get,
    projects_list,
    projects_update,
)
from pmo_api_client.api.schedule_and_money import (
    budget_lines_replace,
    costs_create,
    progress_create,
    project_costs_list_csv,
)
from pmo_api_client.models import (
    BaselinePut,
    BudgetLineIn,
    CostCreate,
    CostOut,
    PortfolioCreate,
    PortfolioCreateCurrency,
    PortfolioOut,
    ProgressCreate,
    ProjectCreate,
    ProjectCreateEvMethod,
    ProjectEvmOut,
    ProjectOut,
    ProjectPage,
    ProjectPatch,
)
from pmo_api_client.types import UNSET, Response

PROJECTS = 50
BUDGETED = 5  # projects that get a baseline, progress and costs
MONTHS = ("2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06")
AS_OF = datetime.date(2026, 3, 31)

T = TypeVar("T")


def ok(response: Response[Any], status: HTTPStatus, kind: type[T]) -> T:
    """The parsed body of an answer that must have `status` and be a `kind`."""
    if response.status_code != status or not isinstance(response.parsed, kind):
        sys.exit(
            f"expected {status.value} {kind.__name__}, got {response.status_code}: "
            f"{response.content[:500]!r}"
        )
    return response.parsed


def main() -> None:
    base_url = os.environ.get("PMO_BASE_URL", "http://127.0.0.1:8000")
    client = AuthenticatedClient(
        base_url=base_url, token=os.environ["PMO_API_KEY"], raise_on_unexpected_status=True
    )
    run = uuid.uuid4().hex[:8].upper()  # keys and codes of this run, so it can run again

    # A portfolio, then 50 projects, each POST with an Idempotency-Key.
    portfolio = ok(
        portfolios_create.sync_detailed(
            client=client,
            body=PortfolioCreate(name=f"Intake {run}", currency=PortfolioCreateCurrency.EUR),
            idempotency_key=f"{run}-portfolio",
        ),
        HTTPStatus.CREATED,
        PortfolioOut,
    )
    projects: list[ProjectOut] = []
    replayed = 0
    for n in range(1, PROJECTS + 1):
        body = ProjectCreate(
            code=f"IN-{run}-{n:02d}",
            name=f"Intake project {n}",
            portfolio_id=portfolio.id,
            ev_method=ProjectCreateEvMethod.PERCENT_COMPLETE,
            start_date=datetime.date(2026, 1, 1),
            finish_date=datetime.date(2026, 6, 30),
        )
        key = f"{run}-project-{n}"
        sent = projects_create.sync_detailed(client=client, body=body, idempotency_key=key)
        project = ok(sent, HTTPStatus.CREATED, ProjectOut)
        if n % 10 == 0:  # the answer was "lost": the same request again replays it
            again = projects_create.sync_detailed(client=client, body=body, idempotency_key=key)
            assert ok(again, HTTPStatus.CREATED, ProjectOut).id == project.id
            assert again.headers["Idempotent-Replayed"] == "true"
            assert again.headers["Location"] == sent.headers["Location"]
            replayed += 1
        projects.append(project)
    print(
        f"portfolio {portfolio.id}: {len(projects)} projects created, {replayed} retries replayed"
    )

    # Rename one with If-Match: the ETag read, then a stale one refused (412).
    first = projects[0]
    read = projects_get.sync_detailed(str(first.id), client=client)
    etag = read.headers["ETag"]
    renamed = projects_update.sync_detailed(
        str(first.id), client=client, body=ProjectPatch(name="Renamed by intake"), if_match=etag
    )
    assert ok(renamed, HTTPStatus.OK, ProjectOut).name == "Renamed by intake"
    stale = projects_update.sync_detailed(
        str(first.id), client=client, body=ProjectPatch(name="Lost update"), if_match=etag
    )
    assert stale.status_code == HTTPStatus.PRECONDITION_FAILED, stale.status_code
    print(f"patched {first.code} with If-Match {etag}; the stale ETag was refused (412)")

    # Every project of the portfolio, page by page.
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        answer = projects_list.sync_detailed(
            client=client,
            portfolio_id=[portfolio.id],
            limit=20,
            sort="code",
            cursor=cursor or UNSET,
        )
        page = ok(answer, HTTPStatus.OK, ProjectPage)
        seen += [p.code for p in page.data]
        pages += 1
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == sorted(p.code for p in projects), "the pages do not list every project once"
    print(f"listed {len(seen)} projects in {pages} pages by next_cursor")

    # Baselines, progress and costs for a few; one cost re-imported by its external_ref (200).
    for project in projects[:BUDGETED]:
        ref = str(project.id)
        lines = [BudgetLineIn(period=m, amount="1000.00", category="labour") for m in MONTHS]
        baseline = budget_lines_replace.sync_detailed(
            ref, client=client, body=BaselinePut(lines=lines)
        )
        assert baseline.status_code == HTTPStatus.OK, baseline.content
        progress = progress_create.sync_detailed(
            ref,
            client=client,
            body=ProgressCreate(as_of=AS_OF, percent_complete="40"),
            idempotency_key=f"{run}-progress-{project.code}",
        )
        assert progress.status_code == HTTPStatus.CREATED, progress.content
        for month, amount in (("2026-01-31", "900.00"), ("2026-02-28", "1100.00")):
            cost = CostCreate(
                incurred_on=datetime.date.fromisoformat(month),
                amount=amount,
                category="labour",
                external_ref=f"INV-{project.code}-{month}",
            )
            ok(
                costs_create.sync_detailed(ref, client=client, body=cost),
                HTTPStatus.CREATED,
                CostOut,
            )
        fixed = CostCreate(
            incurred_on=datetime.date(2026, 2, 28),
            amount="1150.00",
            category="labour",
            external_ref=f"INV-{project.code}-2026-02-28",
        )
        reimported = ok(
            costs_create.sync_detailed(ref, client=client, body=fixed), HTTPStatus.OK, CostOut
        )
        assert reimported.amount == 1150.0, reimported.amount

    # The costs as CSV, then earned value.
    budgeted = projects[0]
    download = project_costs_list_csv.sync_detailed(
        str(budgeted.id), client=client, sort="incurred_on"
    )
    rows = list(csv.DictReader(io.StringIO(ok(download, HTTPStatus.OK, str))))
    assert sorted(float(r["amount"]) for r in rows) == [900.0, 1150.0], rows
    print(f"downloaded {len(rows)} cost rows of {budgeted.code} as CSV: columns {list(rows[0])}")
    evm = ok(
        projects_evm.sync_detailed(str(budgeted.id), client=client, as_of=AS_OF),
        HTTPStatus.OK,
        ProjectEvmOut,
    )
    assert evm.bac == 6000 and evm.ev == 2400 and evm.ac == 2050, (evm.bac, evm.ev, evm.ac)
    print(
        f"earned value of {evm.code} as of {evm.as_of}: BAC {evm.bac}, PV {evm.pv}, EV {evm.ev}, "
        f"AC {evm.ac}, CPI {evm.cpi}, SPI {evm.spi} {evm.currency}"
    )
    print("intake: the generated client and the server agree")


if __name__ == "__main__":
    main()
