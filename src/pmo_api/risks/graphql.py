"""GraphQL for the risk register: the type, `project.risks` (through a DataLoader),
`portfolio.riskMatrix`, the root queries and the mutations, over the same services as REST."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.etags import Precondition
from pmo_api.core.listing import fetch_page, query_timestamp
from pmo_api.graphql.context import Info
from pmo_api.graphql.errors import (
    ConflictError,
    Deleted,
    DeleteResult,
    ForbiddenError,
    NotFoundError,
    PreconditionFailedError,
    ValidationFailed,
    parse_input,
    run_mutation,
    unset_removed,
)
from pmo_api.graphql.limits import assumed_rows
from pmo_api.graphql.loaders.risks_by_project import DEFAULT_SORT, RiskFilterKey
from pmo_api.graphql.relay import Connection, PageInfo, connection, page_size, parse_id, require_id
from pmo_api.projects import repository as project_repo
from pmo_api.risks import repository as repo
from pmo_api.risks import service
from pmo_api.risks.schemas import RiskCreate, RiskListParams, RiskPatch

# --- types --------------------------------------------------------------------------------------


@strawberry.enum
class RiskStatus(enum.Enum):
    OPEN = "open"
    MITIGATING = "mitigating"
    CLOSED = "closed"
    OCCURRED = "occurred"


@strawberry.enum(description="From the score: 1-4 LOW, 5-9 MEDIUM, 10-16 HIGH, 20-25 CRITICAL.")
class RiskSeverity(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


@strawberry.enum
class RiskResponse(enum.Enum):
    AVOID = "avoid"
    MITIGATE = "mitigate"
    TRANSFER = "transfer"
    ACCEPT = "accept"
    ESCALATE = "escalate"


@strawberry.type
class Risk:
    id: strawberry.ID
    project_id: strawberry.ID
    project_code: str
    portfolio_id: strawberry.ID
    title: str
    description: str | None
    category: str | None
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    score: int = strawberry.field(description="probability x impact")
    severity: RiskSeverity
    cost_impact: float | None
    expected_value: float | None = strawberry.field(
        description="costImpact x the probability's weight (1: 0.1, 2: 0.3, 3: 0.5, 4: 0.7, "
        "5: 0.9), rounded to cents; null without a cost impact."
    )
    currency: str
    response: RiskResponse | None
    mitigation_plan: str | None
    contingency_plan: str | None
    owner: str | None
    status: RiskStatus = strawberry.field(
        description="OPEN and MITIGATING risks are open (they count in the matrix and health)."
    )
    review_date: date | None
    trigger: str | None
    created_at: datetime
    updated_at: datetime
    version: int

    @classmethod
    def from_row(cls, row: Mapping[Any, Any]) -> Risk:
        return cls.from_body(service.risk_json(row))

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> Risk:
        """From a risk as REST shows it (service.risk_json)."""
        response = body["response"]
        return cls(
            id=strawberry.ID(str(body["id"])),
            project_id=strawberry.ID(str(body["project_id"])),
            project_code=body["project_code"],
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            title=body["title"],
            description=body["description"],
            category=body["category"],
            probability=body["probability"],
            impact=body["impact"],
            score=body["score"],
            severity=RiskSeverity(body["severity"]),
            cost_impact=body["cost_impact"],
            expected_value=body["expected_value"],
            currency=body["currency"],
            response=None if response is None else RiskResponse(response),
            mitigation_plan=body["mitigation_plan"],
            contingency_plan=body["contingency_plan"],
            owner=body["owner"],
            status=RiskStatus(body["status"]),
            review_date=body["review_date"],
            trigger=body["trigger"],
            created_at=body["created_at"],
            updated_at=body["updated_at"],
            version=body["version"],
        )


@strawberry.type
class RiskMatrixCell:
    probability: int
    impact: int
    count: int


@strawberry.type(
    description="Open risks (status OPEN or MITIGATING) of a portfolio in the 5 x 5 "
    "probability x impact grid, and their total expected value."
)
class RiskMatrix:
    portfolio_id: strawberry.ID
    currency: str
    cells: list[RiskMatrixCell] = strawberry.field(
        description="All 25 cells, probability 1-5 x impact 1-5.", metadata=assumed_rows(25)
    )
    open_risks: int
    expected_value: float

    @classmethod
    def from_body(cls, body: Mapping[str, Any]) -> RiskMatrix:
        return cls(
            portfolio_id=strawberry.ID(str(body["portfolio_id"])),
            currency=body["currency"],
            cells=[RiskMatrixCell(**cell) for cell in body["cells"]],
            open_risks=body["open_risks"],
            expected_value=body["expected_value"],
        )


# --- filters ------------------------------------------------------------------------------------


@strawberry.input(description="As the filters of REST's risk lists; several values are an OR.")
class RiskFilter:
    status: list[RiskStatus] | None = None
    severity: list[RiskSeverity] | None = None
    category: list[str] | None = None
    owner: list[str] | None = None
    min_score: int | None = strawberry.field(default=None, description="score >= this (1-25).")
    q: str | None = strawberry.field(default=None, description="Text search in title, description.")
    updated_since: datetime | None = None


@strawberry.input(description="RiskFilter, and which portfolios and projects (ids or codes).")
class RiskFeedFilter(RiskFilter):
    portfolio_id: list[strawberry.ID] | None = None
    project: list[str] | None = strawberry.field(default=None, description="Ids or codes.")


def filter_key(f: RiskFilter | None) -> RiskFilterKey:
    """The filters checked by REST's own parameter model (ranges, lengths, NULs), as a key."""
    f = f or RiskFilter()
    given = {
        "status": [s.value for s in f.status or []],
        "severity": [s.value for s in f.severity or []],
        "category": f.category or [],
        "owner": f.owner or [],
        "min_score": f.min_score,
        "q": f.q,
        "updated_since": f.updated_since,
    }
    params = parse_input(
        RiskListParams, {k: v for k, v in given.items() if v not in (None, [])}, at="filter"
    )
    return RiskFilterKey(
        status=tuple(params.status),
        severity=tuple(params.severity),
        category=tuple(params.category),
        owner=tuple(params.owner),
        min_score=params.min_score,
        q=params.q,
        updated_since=query_timestamp(params.updated_since, "updatedSince"),
    )


# --- fields under Project and Portfolio ---------------------------------------------------------


async def risks_of(
    info: Info, project_id: uuid.UUID, f: RiskFilter | None, first: int, after: str | None
) -> Connection[Risk]:
    size, filters = page_size(first), filter_key(f)
    rows: Sequence[Any]
    if after is None:
        rows, more = await info.context.loaders.risks_by_project.load((project_id, size, filters))
        next_cursor = DEFAULT_SORT.cursor_for(rows[-1]) if more else None
    else:  # a later page: one project at a time, exactly as REST pages it
        ctx = info.context
        query = filters.query(size, after)
        stmt = repo.presented(ctx.principal).where(repo.risks.c.project_id == project_id)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(
                conn, filters.applied(stmt, query), DEFAULT_SORT, query
            )
    return connection(rows, next_cursor, DEFAULT_SORT, Risk.from_row)


async def risk_matrix_of(info: Info, portfolio_id: uuid.UUID, currency: str) -> RiskMatrix:
    counts, total = await info.context.loaders.risk_matrix_by_portfolio.load(portfolio_id)
    portfolio = {"id": portfolio_id, "currency": currency}
    return RiskMatrix.from_body(service.matrix_json(portfolio, counts, total))


# --- root queries -------------------------------------------------------------------------------


def _empty() -> Connection[Risk]:
    return Connection(edges=[], page_info=PageInfo(has_next_page=False, end_cursor=None))


@strawberry.type
class RiskQuery:
    @strawberry.field
    async def risk(self, info: Info, id: strawberry.ID) -> Risk | None:
        risk_id = parse_id(id)
        if risk_id is None:
            return None
        ctx = info.context
        async with ctx.db.read() as conn:
            row = await repo.get(conn, ctx.principal, risk_id)
        return None if row is None else Risk.from_row(row)

    @strawberry.field(
        description="Risks across the projects the caller may see (GET /api/v1/risks), in "
        "creation order."
    )
    async def risks(
        self,
        info: Info,
        filter: RiskFeedFilter | None = None,
        first: int = 50,
        after: str | None = None,
    ) -> Connection[Risk]:
        f = filter or RiskFeedFilter()
        filters = filter_key(f)
        query = filters.query(page_size(first), after)
        portfolio_ids = [p for p in map(parse_id, f.portfolio_id or []) if p is not None]
        ids, codes = project_repo.split_refs(f.project or [])
        if (f.portfolio_id and not portfolio_ids) or (f.project and not (ids or codes)):
            return _empty()  # only references that cannot exist: nothing matches
        ctx = info.context
        stmt = repo.filtered(
            repo.presented(ctx.principal),
            query,
            status=filters.status,
            severity=filters.severity,
            category=filters.category,
            owner=filters.owner,
            min_score=filters.min_score,
            portfolio_id=portfolio_ids,
            project_ids=ids,
            project_codes=codes,
        )
        sort = repo.sort_of(query)
        async with ctx.db.read() as conn:
            rows, next_cursor = await fetch_page(conn, stmt, sort, query)
        return connection(rows, next_cursor, sort, Risk.from_row)


# --- mutations ----------------------------------------------------------------------------------


@strawberry.input
class RiskCreateInput:
    title: str
    description: str | None = None
    category: str | None = None
    probability: int = strawberry.field(description="1 to 5.")
    impact: int = strawberry.field(description="1 to 5.")
    cost_impact: float | None = None
    response: RiskResponse | None = None
    mitigation_plan: str | None = None
    contingency_plan: str | None = None
    owner: str | None = None
    status: RiskStatus | None = strawberry.field(default=strawberry.UNSET, description="OPEN.")
    review_date: date | None = None
    trigger: str | None = None


@strawberry.input(description="Only the fields given change; null clears an optional one.")
class RiskPatchInput:
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    category: str | None = strawberry.UNSET
    probability: int | None = strawberry.UNSET
    impact: int | None = strawberry.UNSET
    cost_impact: float | None = strawberry.UNSET
    response: RiskResponse | None = strawberry.UNSET
    mitigation_plan: str | None = strawberry.UNSET
    contingency_plan: str | None = strawberry.UNSET
    owner: str | None = strawberry.UNSET
    status: RiskStatus | None = strawberry.UNSET
    review_date: date | None = strawberry.UNSET
    trigger: str | None = strawberry.UNSET


RiskResult = Annotated[
    Risk
    | ValidationFailed
    | NotFoundError
    | ConflictError
    | ForbiddenError
    | PreconditionFailedError,
    strawberry.union("RiskResult"),
]


@strawberry.type
class RiskMutation:
    @strawberry.mutation(
        description="Add a risk to a project named by id or code (editor); score, severity and "
        "expectedValue are derived."
    )
    async def create_risk(self, info: Info, project: str, input: RiskCreateInput) -> RiskResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Risk:
            data = parse_input(RiskCreate, unset_removed(input), at="input")
            row = await service.create_risk(conn, principal=ctx.principal, ref=project, data=data)
            return Risk.from_row(row)

        return await run_mutation(ctx.db, work)

    @strawberry.mutation(description="Merge-patch a risk (editor); the derived fields follow.")
    async def update_risk(
        self,
        info: Info,
        id: strawberry.ID,
        patch: RiskPatchInput,
        expected_version: int | None = None,
    ) -> RiskResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Risk:
            data = parse_input(RiskPatch, unset_removed(patch), at="patch")
            row = await service.update_risk(
                conn,
                principal=ctx.principal,
                risk_id=require_id(id, "risk"),
                patch=data,
                precondition=Precondition.of_version(expected_version),
            )
            return Risk.from_row(row)

        return await run_mutation(ctx.db, work, argument="patch")

    @strawberry.mutation(description="Remove a risk (editor).")
    async def delete_risk(
        self, info: Info, id: strawberry.ID, expected_version: int | None = None
    ) -> DeleteResult:
        ctx = info.context

        async def work(conn: AsyncConnection) -> Deleted:
            await service.delete_risk(
                conn,
                principal=ctx.principal,
                risk_id=require_id(id, "risk"),
                precondition=Precondition.of_version(expected_version),
            )
            return Deleted(id=id)

        return await run_mutation(ctx.db, work)
