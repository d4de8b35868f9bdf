"""The SQL-backed earned-value inputs (evm/inputs.py over the aggregates of
evm/aggregates.py) equal the pure functions of evm/formulas.py over random projects, on both
databases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from pmo_api.budget.models import cost_entries
from pmo_api.core.clock import utcnow
from pmo_api.core.ids import new_id
from pmo_api.evm import aggregates, formulas, inputs
from pmo_api.evm.formulas import MonthlyBudget

EPOCH = date(2026, 1, 1)


@dataclass
class RandomProject:
    start: date
    duration: int
    budget: int
    ev_method: str
    lines: list[tuple[date, str, int]] = field(default_factory=list)
    costs: list[tuple[date, int]] = field(default_factory=list)
    milestones: list[tuple[int, date | None]] = field(default_factory=list)  # weight_milli
    progress: list[tuple[date, int]] = field(default_factory=list)  # percent hundredths

    @property
    def finish(self) -> date:
        return self.start + timedelta(days=self.duration - 1)

    def bac(self) -> int:
        return sum(a for _, _, a in self.lines) if self.lines else self.budget

    def expected(self, t: date) -> dict[str, float | None]:
        """The figures by the pure functions alone, straight from the raw rows."""
        monthly: dict[date, int] = {}
        for month, _, amount in self.lines:
            monthly[month] = monthly.get(month, 0) + amount
        baseline = [MonthlyBudget(m, a) for m, a in sorted(monthly.items())]
        bac = self.bac()
        if self.lines:
            pv = formulas.planned_value(
                t, bac=bac, start=self.start, finish=self.finish, baseline=baseline
            )
        else:
            pv = formulas.planned_value(t, bac=bac, start=self.start, finish=self.finish)
        if self.ev_method == "percent_complete":
            known = [p for on, p in sorted(self.progress) if on <= t]
            ev = formulas.earned_value_percent(bac, Fraction(known[-1], 100) if known else None)
        else:
            done = sum(w for w, on in self.milestones if on is not None and on <= t)
            total = sum(w for w, _ in self.milestones)
            ev = formulas.earned_value_milestones(bac, completed_weight=done, total_weight=total)
        ac = sum(a for on, a in self.costs if on <= t)
        return formulas.figures(bac=bac, pv=pv, ev=ev, ac=ac)


day = st.integers(0, 700).map(lambda n: EPOCH + timedelta(days=n))
month = st.integers(0, 23).map(lambda n: date(2026 + n // 12, n % 12 + 1, 1))


@st.composite
def projects(draw: Any) -> RandomProject:
    project = RandomProject(
        start=draw(day),
        duration=draw(st.integers(1, 400)),
        budget=draw(st.integers(0, 10**9)),
        ev_method=draw(st.sampled_from(["milestones", "percent_complete"])),
    )
    lines = draw(
        st.dictionaries(
            st.tuples(month, st.sampled_from(["labor", "vendor", "travel"])),
            st.integers(0, 10**8),
            max_size=8,
        )
    )
    project.lines = [(m, c, a) for (m, c), a in lines.items()]
    project.costs = draw(st.lists(st.tuples(day, st.integers(-(10**6), 10**8)), max_size=10))
    project.milestones = draw(
        st.lists(st.tuples(st.integers(1, 5000), st.none() | day), max_size=6)
    )
    progress = draw(st.dictionaries(day, st.integers(0, 10_000), max_size=4))
    project.progress = list(progress.items())
    return project


async def _store(app: FastAPI, portfolio_id: uuid.UUID, project: RandomProject) -> uuid.UUID:
    tables = aggregates
    project_id = new_id()
    now = utcnow()
    tracked = {"created_at": now, "updated_at": now, "version": 1}
    async with app.state.db.write() as conn:
        await conn.execute(
            insert(tables.projects).values(
                id=project_id,
                code=f"P-{project_id.hex[:12].upper()}",
                portfolio_id=portfolio_id,
                name="random",
                objectives=[],
                deliverables=[],
                constraints=[],
                tags=[],
                priority=3,
                status="active",
                start_date=project.start,
                finish_date=project.finish,
                budget=project.bac(),
                ev_method=project.ev_method,
                **tracked,
            )
        )
        await aggregates.refresh(conn, [project_id])
        if project.lines:
            await conn.execute(
                tables.project_finance.update()
                .where(tables.project_finance.c.project_id == project_id)
                .values(baseline=1)
            )
        rows: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                tables.budget_lines,
                [
                    {"period": m, "category": c, "amount": a, "baseline": 1}
                    for m, c, a in project.lines
                ],
            ),
            (cost_entries, [{"incurred_on": on, "amount": a} for on, a in project.costs]),
            (
                tables.milestones,
                [
                    {"name": "m", "due_date": EPOCH, "weight_milli": w, "completed_on": on}
                    for w, on in project.milestones
                ],
            ),
            (
                inputs.progress_records,
                [{"as_of": on, "percent_hundredths": p} for on, p in project.progress],
            ),
        ]
        for table, values in rows:
            for value in values:
                await conn.execute(
                    insert(table).values(id=new_id(), project_id=project_id, **tracked, **value)
                )
        await aggregates.refresh(conn, [project_id])
    return project_id


async def _portfolio(app: FastAPI) -> uuid.UUID:
    portfolio_id = new_id()
    now = utcnow()
    async with app.state.db.write() as conn:
        await conn.execute(
            insert(aggregates.projects.metadata.tables["portfolios"]).values(
                id=portfolio_id,
                name=f"evm {portfolio_id}",
                currency="USD",
                created_at=now,
                updated_at=now,
                version=1,
            )
        )
    return portfolio_id


class TestSqlEqualsPureFunctions:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(project=projects(), offsets=st.lists(st.integers(-40, 760), min_size=1, max_size=6))
    async def test_random_projects(
        self, app: FastAPI, project: RandomProject, offsets: list[int]
    ) -> None:
        portfolio_id = await _portfolio(app)
        project_id = await _store(app, portfolio_id, project)
        dates = sorted({EPOCH + timedelta(days=n) for n in offsets})
        # Month ends and the day after are where proration changes: always include some.
        dates = sorted({*dates, date(2026, 2, 28), date(2026, 3, 1), date(2026, 12, 31)})
        async with app.state.db.read() as conn:
            found = await inputs.inputs_for(conn, [project_id], dates)
        assert [row.as_of for row, _ in found] == dates
        for (_row, got), t in zip(found, dates, strict=True):
            actual = formulas.figures(bac=got.bac, pv=got.pv, ev=got.ev, ac=got.ac)
            assert actual == project.expected(t), (t, project)
        async with app.state.db.write() as conn:
            await conn.execute(
                delete(aggregates.projects).where(aggregates.projects.c.id == project_id)
            )
