"""The resource-management data set (issue 14): a database of its own (`pmo_bench_resources`),
migrated by pmo-api, holding the bench's 10,000 projects (the same rows as `pmo_bench`, from
the same seed) and 20 roles, 2,000 resources with skills, rates and time off, holidays,
60,000 allocations and 1,000,000 time entries, loaded by COPY and then ANALYZEd.

A database of its own, so that the time entries (part of every project's actual cost) leave the
earned-value figures and their plain-SQL yardsticks of `pmo_bench` as they were.

The year measured is the 52 weeks from Monday 2025-11-24 to Sunday 2026-11-22 ("today" of the
other scenarios). Allocations are spread over the projects' plans (2024-11 to 2027-03), so the
views also meet allocations that start before the year or end after it. Run alone
(`python bench/seed_resources.py`) to rebuild the database.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from array import array
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import asyncpg

import resource_vocab as vocab
import seed  # bench/ is the script's directory, so first on sys.path
import seed_finance

YEAR_FROM = date(2025, 11, 24)  # a Monday
YEAR_TO = date(2026, 11, 22)  # a Sunday: 52 weeks
TODAY = seed_finance.TODAY
SEED = 20261214
RESOURCES = 2_000
ALLOCATIONS = 60_000
TIME_ENTRIES = 1_000_000


def database() -> str:
    """The resources database: beside the main one (read when called, run.py may rename it)."""
    return f"{seed.DATABASE}_resources"


@dataclass
class Person:
    """What the allocations and time entries need to know of a resource."""

    id: uuid.UUID
    role_id: uuid.UUID | None
    kind: str
    factor: float
    week: tuple[float, ...]  # hours Monday..Sunday
    rates: list[tuple[date, int]]  # effective_from, cents per hour; oldest first
    days_off: set[int] = field(default_factory=set)  # ordinals of whole days off
    load: Any = field(default_factory=lambda: array("d", [0.0] * 60))  # booked share by month


@dataclass
class Rows:
    tables: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.tables.setdefault(table, []).append(row)


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _stamp(rng: random.Random, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC) + timedelta(
        seconds=rng.randrange(9 * 3600), microseconds=rng.randrange(1_000_000)
    )


def _catalog(rng: random.Random, rows: Rows) -> tuple[list[uuid.UUID], list[uuid.UUID], set[int]]:
    """Roles, skills and holidays (2024-2028); returns role and skill ids, holiday ordinals."""
    at = datetime(2024, 1, 2, 9, tzinfo=UTC)
    roles = []
    for name, _, rate in vocab.ROLES:
        roles.append(_uuid(rng))
        rows.add("resource_roles", (roles[-1], name, rate, "USD", at, at, 1))
    skills = []
    for name in vocab.SKILLS:
        skills.append(_uuid(rng))
        rows.add("skills", (skills[-1], name, None, at, at, 1))
    holidays: set[int] = set()
    for year, movable in vocab.MOVABLE.items():
        days = [(date(year, m, d), n) for m, d, n in vocab.HOLIDAYS]
        days += [(date.fromisoformat(f"{year}-{md}"), "Movable holiday") for md in movable]
        for day, name in days:
            holidays.add(day.toordinal())
            rows.add("holidays", (_uuid(rng), day, f"{name} {year}", at, at, 1))
    return roles, skills, holidays


def _week(rng: random.Random) -> tuple[float, ...]:
    """A working week: mostly 8 h Monday to Friday; some 7.6 h days, four-day weeks, a few
    Saturday shifts."""
    weeks = ((8.0,) * 5 + (0.0,) * 2, (7.6,) * 5 + (0.0,) * 2, (8.0,) * 4 + (0.0,) * 3,
             (0.0,) + (8.0,) * 5 + (0.0,))  # fmt: skip
    return rng.choices(weeks, (75, 10, 10, 5))[0]


def _resources(
    rng: random.Random, rows: Rows, roles: list[uuid.UUID], skills: list[uuid.UUID]
) -> list[Person]:
    """Persons (92%: 15% part-time at 0.5-0.8), placeholders (5%) and pooled teams (3%, factor
    2-6); 2% without a role; 8% join and 5% leave during the year."""
    weights = [w for _, w, _ in vocab.ROLES]
    people = []
    for i in range(RESOURCES):
        rid = _uuid(rng)
        r = rng.random()
        kind = "person" if r < 0.92 else "placeholder" if r < 0.97 else "team"
        at = _stamp(rng, date(2024, 1, 2) + timedelta(days=rng.randrange(300)))
        role_at = rng.choices(range(len(roles)), weights)[0]
        role = None if rng.random() < 0.02 else roles[role_at]
        week = _week(rng) if kind == "person" else (8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0)
        factor = 1.0
        if kind == "team":
            factor = float(rng.randint(2, 6))
        elif kind == "person" and rng.random() < 0.15:
            factor = rng.choice((0.5, 0.6, 0.8))
        start = end = None
        if rng.random() < 0.08:
            start = YEAR_FROM + timedelta(days=rng.randrange(330))
        elif rng.random() < 0.05:
            end = YEAR_FROM + timedelta(days=rng.randrange(30, 360))
        name = f"{seed._person(rng)} {i + 1}" if kind == "person" else f"{kind.title()} {i + 1}"
        email = f"resource{i + 1}@example.com" if kind == "person" else None
        rows.add(
            "resources",
            (
                rid,
                kind,
                name,
                email,
                role,
                *week,
                factor,
                start,
                end,
                end is None or end >= TODAY,
                at,
                at,
                1,
            ),
        )
        base = vocab.ROLES[role_at][2] * rng.uniform(0.8, 1.25)
        rates = [(date(2024, 1, 1), int(base))]
        for effective in (date(2025, 7, 1), date(2026, 4, 1)):
            if rng.random() < 0.6:
                rates.append((effective, int(rates[-1][1] * rng.uniform(1.02, 1.08))))
        for effective, cents in rates if kind != "placeholder" else []:
            rows.add("resource_rates", (_uuid(rng), rid, effective, cents, "USD", at, at, 1))
        for skill in rng.sample(skills, rng.randint(1, 5)):
            rows.add("resource_skills", (_uuid(rng), rid, skill, rng.randint(1, 5), at, at, 1))
        people.append(Person(rid, role, kind, factor, week, rates))
    return people


def _time_off(rng: random.Random, rows: Rows, people: list[Person]) -> None:
    """Persons take 3-6 holidays a year of 1-10 days (2025-2026), 15% of them partial days
    (2-4 hours off each day, e.g. a phased return)."""
    for person in people:
        if person.kind != "person":
            continue
        for year in (2025, 2026):
            for _ in range(rng.randint(3, 6)):
                first = date(year, 1, 1) + timedelta(days=rng.randrange(365))
                last = first + timedelta(days=rng.choice((0, 0, 1, 2, 4, 4, 7, 9, 11, 13)))
                partial = float(rng.choice((2, 3, 4))) if rng.random() < 0.15 else None
                if partial is None:
                    person.days_off.update(range(first.toordinal(), last.toordinal() + 1))
                at = _stamp(rng, first - timedelta(days=rng.randrange(10, 60)))
                note = rng.choice(("Vacation", "Leave", "Training", None))
                rows.add("time_off", (_uuid(rng), person.id, first, last, partial, note, at, at, 1))


def _allocations(
    rng: random.Random, rows: Rows, plans: list[Any], people: list[Person], roles: list[uuid.UUID]
) -> list[tuple[Person, uuid.UUID, date, date, float]]:
    """6 per project on average, inside its plan, 2 weeks to 9 months long; 10% role-only
    (unfilled demand). Returns the named ones that book (not rejected): who, which project,
    from, to, and the hours a day they mean, for the time entries."""
    by_role: dict[uuid.UUID | None, list[Person]] = {}
    for person in people:
        by_role.setdefault(person.role_id, []).append(person)
    booked = []
    for _ in range(ALLOCATIONS):
        plan = plans[rng.randrange(len(plans))]
        span = (plan.finish - plan.start).days
        length = rng.randint(14, 270)
        start = plan.start + timedelta(days=rng.randrange(max(span - length, 1)))
        end = min(start + timedelta(days=length), plan.finish)
        mode = rng.choice(vocab.MODES)
        status = rng.choice(vocab.STATUSES)
        months = range(_month(start), _month(end) + 1)
        person = None
        role = rng.choice(roles)
        if rng.random() >= 0.10:
            # A planner picks the least booked of a few people of the role, so loads stay near
            # capacity with some peaks above it, as in a real plan.
            pool = by_role.get(role, people)
            candidates = rng.sample(pool, min(4, len(pool)))
            person = min(candidates, key=lambda p: max(p.load[months.start : months.stop]))
            role = person.role_id if rng.random() < 0.95 else role
        factor = person.factor if person else 1.0
        if mode == "hours_per_day":
            # Part-timers are given hours in proportion to their time.
            amount = float(rng.choice((0.5, 0.5, 1, 1, 1, 2, 3))) * factor
            daily = amount
        elif mode == "percent":
            amount = float(rng.choice((5, 10, 10, 15, 20, 20, 40)))
            daily = 8 * amount / 100 * factor
        else:
            daily = float(rng.choice((0.5, 0.5, 1, 2)))
            amount = round(daily * (end - start).days * 5 / 7, 0)
        if person is not None and status != "rejected":
            for m in months:
                person.load[m] += daily / max(sum(person.week) / 5 * factor, 0.1)
        at = _stamp(rng, start - timedelta(days=rng.randrange(5, 90)))
        note = rng.choice((None, None, "Backfill", "Go-live support", "Discovery phase"))
        rows.add(
            "allocations",
            (
                _uuid(rng),
                plan.project_id,
                person.id if person else None,
                role,
                start,
                end,
                mode,
                amount,
                status,
                rng.random() < 0.8,
                note,
                at,
                at,
                1,
            ),
        )
        if person is not None and status != "rejected" and person.kind != "placeholder":
            booked.append((person, plan.project_id, start, end, daily))
    return booked


def _month(day: date) -> int:
    """The index of a day's month in Person.load (from January 2024)."""
    return (day.year - 2024) * 12 + day.month - 1


def _price(hours: float, rates: list[tuple[date, int]], day: date) -> tuple[int | None, int]:
    """The rate in force and the cost, as resources/pricing.py prices an entry."""
    rate = None
    for effective, cents in rates:
        if effective <= day:
            rate = cents
    if rate is None:
        return None, 0
    cost = (Decimal(repr(hours)).quantize(Decimal("0.01")) * rate).to_integral_value(ROUND_HALF_UP)
    return rate, int(cost)


def _time_entries(rng: random.Random, rows: Rows, booked: list[Any], holidays: set[int]) -> None:
    """Exactly TIME_ENTRIES entries: drawn from every (booking allocation, working day of its
    resource up to today, within the year) pair, so people log hours where they are booked."""
    first, last = max(YEAR_FROM, date(2025, 1, 1)).toordinal(), TODAY.toordinal()
    candidates = array("q")
    for n, (person, _, start, end, _) in enumerate(booked):
        for day in range(max(start.toordinal(), first), min(end.toordinal(), last) + 1):
            if person.week[(day - 1) % 7] and day not in holidays and day not in person.days_off:
                candidates.append(n << 20 | day)
    chosen = rng.sample(range(len(candidates)), min(TIME_ENTRIES, len(candidates)))
    chosen += [rng.randrange(len(candidates)) for _ in range(TIME_ENTRIES - len(chosen))]
    refs: dict[uuid.UUID, int] = {}
    for index in chosen:
        n, day = candidates[index] >> 20, candidates[index] & 0xFFFFF
        person, project, _, _, daily = booked[n]
        worked = date.fromordinal(day)
        hours = min(max(round(daily * rng.uniform(0.6, 1.3) * 4) / 4, 0.25), 12.0)
        rate, cost = _price(hours, person.rates, worked)
        ref = None
        if rng.random() < 0.7:
            refs[project] = refs.get(project, 0) + 1
            ref = f"TS-{refs[project]:06d}"
        at = _stamp(rng, worked + timedelta(days=rng.randrange(3)))
        rows.add(
            "time_entries",
            (_uuid(rng), project, person.id, worked, hours, None, ref, rate, cost, at, at, 1),
        )


def generate() -> Rows:
    """Every row, deterministic: the projects as seed.py makes them, then the rest."""
    rng = random.Random(seed.SEED)
    start = datetime(2023, 11, 1, 8, 0, tzinfo=UTC)
    folios = seed.portfolio_rows(rng, start - timedelta(days=30))
    projects, plans = seed.project_rows(rng, folios[0][0], 10_000, start)
    rows = Rows({"portfolios": folios, "projects": projects})
    rng = random.Random(SEED)
    roles, skills, holidays = _catalog(rng, rows)
    people = _resources(rng, rows, roles, skills)
    _time_off(rng, rows, people)
    booked = _allocations(rng, rows, plans, people, roles)
    _time_entries(rng, rows, booked, holidays)
    return rows


_COLUMNS = {
    "portfolios": seed.PORTFOLIO_COLUMNS,
    "projects": seed.PROJECT_COLUMNS,
    "resource_roles": vocab.ROLE_COLUMNS,
    "skills": vocab.SKILL_COLUMNS,
    "holidays": vocab.HOLIDAY_COLUMNS,
    "resources": vocab.RESOURCE_COLUMNS,
    "resource_skills": vocab.RESOURCE_SKILL_COLUMNS,
    "resource_rates": vocab.RATE_COLUMNS,
    "time_off": vocab.TIME_OFF_COLUMNS,
    "allocations": vocab.ALLOCATION_COLUMNS,
    "time_entries": vocab.TIME_ENTRY_COLUMNS,
}


async def fill(rows: Rows, name: str, lap: Any) -> None:
    """The parents first (one transaction), then the big tables side by side, the time entries
    without their keys and indexes (built once afterwards); the app's aggregates; ANALYZE."""
    conn = await asyncpg.connect(seed.dsn(name))
    try:
        async with conn.transaction():
            for table in (
                "portfolios",
                "projects",
                "resource_roles",
                "skills",
                "holidays",
                "resources",
            ):
                await conn.copy_records_to_table(
                    table, records=rows.tables[table], columns=_COLUMNS[table]
                )
        big = ("resource_skills", "resource_rates", "time_off", "allocations", "time_entries")
        await asyncio.gather(
            *(
                seed.copy(t, rows.tables[t], _COLUMNS[t], bulk=t == "time_entries", database=name)
                for t in big
            )
        )
        lap("copy")
        await seed.refresh_aggregates(name)
        lap("aggregates")
        await conn.execute("VACUUM (ANALYZE)")
        lap("vacuum_analyze")
    finally:
        await conn.close()


@dataclass(frozen=True)
class DataSet:
    database: str
    seconds: float
    rows: dict[str, int]
    steps: dict[str, float]

    def describe(self) -> str:
        sizes = ", ".join(f"{n:,} {t}" for t, n in self.rows.items())
        steps = ", ".join(f"{k} {v:.1f} s" for k, v in self.steps.items())
        return f"{sizes} in {self.seconds:.1f} s ({steps})"


def build() -> DataSet:
    """The whole resources database from scratch."""
    name = database()
    started = clock = time.perf_counter()
    steps: dict[str, float] = {}

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        steps[step] = round(now - clock, 2)
        clock = now

    asyncio.run(seed.recreate_database(name))
    seed.migrate(name)
    lap("recreate_migrate")
    rows = generate()
    lap("generate")
    asyncio.run(fill(rows, name, lap))
    sizes = {table: len(found) for table, found in rows.tables.items()}
    return DataSet(name, time.perf_counter() - started, sizes, steps)


if __name__ == "__main__":
    print(build().describe())
