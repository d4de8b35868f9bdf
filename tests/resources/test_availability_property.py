"""The availability the database computes (resources/availability.py), and the capacity view
by resource (resources/capacity.py), equal a straightforward day-by-day computation in Python
over random resources, time off, holidays and allocations, per day, week and month, on both
databases."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Table, delete, insert

from pmo_api.core.clock import utcnow
from pmo_api.core.ids import new_id
from pmo_api.resources import availability
from pmo_api.resources.models import WEEKDAYS, allocations, holidays, resources, time_off
from tests.factories import make_project

# Holidays are the organisation's: the random ones live in 2030, which no other test uses, and
# go after each example.
EPOCH = date(2030, 1, 1)
day = st.integers(0, 120).map(lambda n: EPOCH + timedelta(days=n))
half_hours = st.integers(0, 24).map(lambda n: n / 2)


@dataclass
class World:
    hours: list[float]
    factor: float
    employment: tuple[date | None, date | None]
    holidays: set[date]
    time_off: list[tuple[date, date, float | None]]
    allocations: list[tuple[date, date, str, float, str]] = field(default_factory=list)

    def capacity(self, d: date) -> float:
        start, end = self.employment
        if (start and d < start) or (end and d > end) or d in self.holidays:
            return 0.0
        offs = [hours for first, last, hours in self.time_off if first <= d <= last]
        if any(hours is None for hours in offs):
            return 0.0
        left = self.hours[d.weekday()] - sum(h for h in offs if h is not None)
        return left * self.factor if left > 0 else 0.0

    def booked(self, d: date) -> dict[str, float]:
        out = {"tentative": 0.0, "requested": 0.0, "approved": 0.0}
        for first, last, mode, amount, status in self.allocations:
            if status == "rejected" or not first <= d <= last or self.capacity(d) <= 0:
                continue
            if mode == "hours_per_day":
                out[status] += amount
            elif mode == "percent":
                out[status] += amount * self.capacity(d) / 100
            else:
                span = (last - first).days + 1
                working = [first + timedelta(n) for n in range(span)]
                out[status] += amount / len([w for w in working if self.capacity(w) > 0])
        return out

    def over_ranges(self, first: date, last: date) -> list[tuple[date, date, float, float]]:
        """Runs of consecutive days booked above capacity: first, last, capacity, booked."""
        found: list[tuple[date, date, float, float]] = []
        for n in range((last - first).days + 1):
            d = first + timedelta(days=n)
            capacity, booked = self.capacity(d), sum(self.booked(d).values())
            if booked <= capacity + 1e-9:
                continue
            if found and found[-1][1] + timedelta(days=1) == d:
                a, _, c, b = found[-1]
                found[-1] = (a, d, c + capacity, b + booked)
            else:
                found.append((d, d, capacity, booked))
        return found

    def expected(self, first: date, last: date, grain: str) -> list[tuple[Any, ...]]:
        periods: dict[date, list[Any]] = {}
        for n in range((last - first).days + 1):
            d = first + timedelta(days=n)
            key = {
                "day": d,
                "week": d - timedelta(days=d.weekday()),
                "month": d.replace(day=1),
            }[grain]
            row = periods.setdefault(
                key, [0.0, {"tentative": 0.0, "requested": 0.0, "approved": 0.0}]
            )
            row[0] += self.capacity(d)
            for status, hours in self.booked(d).items():
                row[1][status] += hours
        return [
            (max(key, first), capacity, booked)
            for key, (capacity, booked) in sorted(periods.items())
        ]


@st.composite
def worlds(draw: Any) -> World:
    start = draw(st.none() | day)
    end = draw(st.none() | day)
    if start and end and end < start:
        start, end = end, start
    world = World(
        hours=draw(st.lists(half_hours, min_size=7, max_size=7)),
        factor=draw(st.sampled_from([0.0, 0.25, 0.5, 0.8, 1.0, 1.5, 3.0])),
        employment=(start, end),
        holidays=draw(st.sets(day, max_size=6)),
        time_off=[],
    )
    for first, length, hours in draw(
        st.lists(
            st.tuples(day, st.integers(0, 10), st.none() | st.sampled_from([1.0, 2.5, 4.0, 9.0])),
            max_size=4,
        )
    ):
        world.time_off.append((first, first + timedelta(days=length), hours))
    for first, length, mode, status in draw(
        st.lists(
            st.tuples(
                day,
                st.integers(0, 60),
                st.sampled_from(["hours_per_day", "percent", "total_hours"]),
                st.sampled_from(["tentative", "requested", "approved", "rejected"]),
            ),
            max_size=5,
        )
    ):
        amount = draw(
            {
                "hours_per_day": half_hours,
                "percent": st.integers(0, 150).map(float),
                "total_hours": st.integers(0, 300).map(float),
            }[mode]
        )
        world.allocations.append((first, first + timedelta(days=length), mode, amount, status))
    return world


async def _store(app: FastAPI, project_id: uuid.UUID, world: World) -> Any:
    now = utcnow()
    tracked = {"created_at": now, "updated_at": now, "version": 1}
    resource_id = new_id()

    async def add(table: Table, **values: Any) -> None:
        await conn.execute(insert(table).values(id=new_id(), **tracked, **values))

    async with app.state.db.write() as conn:
        start, end = world.employment
        week = {f"hours_{d}": h for d, h in zip(WEEKDAYS, world.hours, strict=True)}
        await conn.execute(
            insert(resources).values(
                id=resource_id,
                **tracked,
                kind="person",
                name="random",
                availability_factor=world.factor,
                employment_start=start,
                employment_end=end,
                active=True,
                **week,
            )
        )
        for holiday in world.holidays:
            await add(holidays, day=holiday, name="random")
        for first, last, hours in world.time_off:
            await add(
                time_off,
                resource_id=resource_id,
                start_date=first,
                end_date=last,
                hours_per_day=hours,
            )
        for first, last, mode, amount, status in world.allocations:
            await add(
                allocations,
                project_id=project_id,
                resource_id=resource_id,
                start_date=first,
                end_date=last,
                mode=mode,
                amount=amount,
                status=status,
                billable=True,
            )
    return resource_id


class TestSqlEqualsDayByDay:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        world=worlds(),
        first=day,
        length=st.integers(0, 90),
        grain=st.sampled_from(["day", "week", "month"]),
    )
    async def test_random_worlds(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        world: World,
        first: date,
        length: int,
        grain: Any,
    ) -> None:
        project = await make_project(client)
        resource_id = await _store(app, uuid.UUID(project["id"]), world)
        last = first + timedelta(days=length)
        try:
            async with app.state.db.read() as conn:
                found = await availability.periods(conn, [resource_id], first, last, grain)
            # The capacity view by resource computes the same capacity and named demand.
            params = {"from": str(first), "to": str(last), "grain": grain, "group_by": "resource"}
            view = (await client.get("/api/v1/capacity", params=params)).json()["data"]
            # The over-allocations by day (resources/over_allocation.py, on arrays of days).
            over = {"from": str(first), "to": str(last)}
            listed = (await client.get("/api/v1/over-allocations", params=over)).json()["data"]
        finally:
            async with app.state.db.write() as conn:
                await conn.execute(delete(holidays).where(holidays.c.name == "random"))
        got = [(p.start, p.capacity, p.booked) for p in found[resource_id]]
        want = world.expected(first, last, grain)
        assert [g[0] for g in got] == [w[0] for w in want]
        for (start, capacity, booked), (_, want_capacity, want_booked) in zip(
            got, want, strict=True
        ):
            assert capacity == pytest.approx(want_capacity, abs=1e-6), (start, world)
            for status, hours in want_booked.items():
                assert booked[status] == pytest.approx(hours, abs=1e-6), (start, status, world)
        rows = [r for r in view if r["resource_id"] == str(resource_id)]
        assert [r["period_start"] for r in rows] == [str(w[0]) for w in want]
        for row, (_, want_capacity, want_booked) in zip(rows, want, strict=True):
            named = sum(want_booked.values())
            assert row["capacity"] == pytest.approx(want_capacity, abs=0.01), (row, world)
            assert row["demand"]["named"] == pytest.approx(named, abs=0.01), (row, world)
            assert row["gap"] == pytest.approx(want_capacity - named, abs=0.02), (row, world)
        mine = [r for r in listed if r["resource_id"] == str(resource_id)]
        want_over = world.over_ranges(first, last)
        assert [(r["period_start"], r["period_end"]) for r in mine] == [
            (str(a), str(b)) for a, b, _, _ in want_over
        ], world
        for row, (_, _, want_capacity, want_allocated) in zip(mine, want_over, strict=True):
            assert row["capacity"] == pytest.approx(want_capacity, abs=0.01), (row, world)
            assert row["allocated"] == pytest.approx(want_allocated, abs=0.01), (row, world)
            assert len(row["allocations"]) == len(
                [
                    a
                    for a in world.allocations
                    if a[4] != "rejected"
                    and a[0] <= date.fromisoformat(row["period_end"])
                    and a[1] >= date.fromisoformat(row["period_start"])
                ]
            ), (row, world)
