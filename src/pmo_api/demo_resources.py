"""Loads the demo's resource picture (demo_people.py says what it holds) through the services
the API uses, as demo.py loads the projects: roles, skills, resources with their skill levels,
rates, time off and certifications, holidays, allocations (with their warnings' checks) and
time entries (priced at the rates in force, each rebuilding its project's aggregates).

The time entries are written after the allocations they follow: a person logs, on each working
day, about what an approved allocation plans for that day (a little more or less, as people
do), so that a project's resources show planned against actual hours that look alike."""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import LOCAL_ADMIN as ADMIN
from pmo_api.demo_data import PROJECTS
from pmo_api.demo_people import (
    ALLOCATIONS,
    CERTIFICATIONS,
    HOLIDAYS,
    LOGGED_WEEKS,
    ON_HOLD_SINCE,
    RAISE,
    RESOURCES,
    ROLES,
    SKILLS,
    TIME_OFF,
    DemoAllocation,
    DemoResource,
)
from pmo_api.resources import service as catalogs
from pmo_api.resources.allocations import create_allocation
from pmo_api.resources.certification_schemas import CertificationCreate
from pmo_api.resources.certifications import CERTIFICATIONS as CERTIFICATION_ROWS
from pmo_api.resources.schemas import (
    AllocationCreate,
    HolidayCreate,
    RateCreate,
    ResourceCreate,
    ResourceSkillCreate,
    RoleCreate,
    SkillCreate,
    TimeOffCreate,
)
from pmo_api.resources.time_entries import record_time_entry
from pmo_api.resources.time_schemas import TimeEntryCreate

# How far a day's logged hours stray from the plan, by day and person: people log what they
# did, not what was planned.
_DRIFT = (Decimal("1.0"), Decimal("0.9"), Decimal("1.1"), Decimal("1.0"), Decimal("0.95"))
_QUARTER = Decimal("0.25")


@dataclass
class _Person:
    """A resource as loaded: its id and the calendar its time entries follow."""

    id: uuid.UUID
    plan: DemoResource
    days_off: set[date] = field(default_factory=set)  # whole days off
    hours_off: dict[date, float] = field(default_factory=dict)  # partial time off

    def capacity(self, day: date, holidays: set[date]) -> float:
        """Its hours on `day`, as availability counts them (weekday hours x factor, less time
        off; none on a holiday)."""
        if day.weekday() >= 5 or day in holidays or day in self.days_off:
            return 0.0
        hours = self.plan.friday if day.weekday() == 4 else 8.0
        return max(0.0, hours * self.plan.factor - self.hours_off.get(day, 0.0))


def _email(name: str) -> str:
    """first.last@example.com, in ASCII (Chloé: chloe)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return plain.lower().replace("'", "").replace(" ", ".") + "@example.com"


async def _catalog(conn: AsyncConnection) -> tuple[dict[str, uuid.UUID], dict[str, uuid.UUID]]:
    """The roles and skills, by their keys in demo_people.py."""
    roles, skills = {}, {}
    for key, (name, rate, currency) in ROLES.items():
        data = RoleCreate(name=name, default_rate=Decimal(rate), currency=currency)
        roles[key] = (await catalogs.ROLES.create(conn, principal=ADMIN, data=data))["id"]
    for key, (name, description) in SKILLS.items():
        skill = SkillCreate(name=name, description=description)
        skills[key] = (await catalogs.SKILLS.create(conn, principal=ADMIN, data=skill))["id"]
    return roles, skills


async def _people(
    conn: AsyncConnection, t: date, roles: Mapping[str, uuid.UUID], skills: Mapping[str, uuid.UUID]
) -> dict[str, _Person]:
    """The resources with their skill levels and rates (from a year ago: before every time
    entry), by key."""
    people = {}
    for r in RESOURCES:
        data = ResourceCreate(
            kind=r.kind,
            name=r.name,
            email=_email(r.name) if r.kind == "person" else None,
            role_id=roles[r.role],
            hours_fri=r.friday,
            availability_factor=r.factor,
            employment_start=None if r.starts_in is None else t + timedelta(days=r.starts_in),
        )
        row = await catalogs.RESOURCES.create(conn, principal=ADMIN, data=data)
        people[r.key] = _Person(row["id"], r)
        for skill, level in r.skills:
            await catalogs.RESOURCE_SKILLS.create(
                conn,
                principal=ADMIN,
                data=ResourceSkillCreate(skill_id=skills[skill], level=level),
                resource_id=row["id"],
            )
        if r.rate is not None:
            await _rate(conn, people[r.key], t - timedelta(days=365), r.rate)
    return people


async def _rate(conn: AsyncConnection, person: _Person, since: date, rate: int) -> None:
    data = RateCreate(effective_from=since, rate=Decimal(rate), currency=person.plan.currency)
    await catalogs.RATES.create(conn, principal=ADMIN, data=data, resource_id=person.id)


async def _calendar(
    conn: AsyncConnection, t: date, monday: date, people: Mapping[str, _Person]
) -> set[date]:
    """Holidays, time off, certifications and the rate change; returns the holidays."""
    holidays = set()
    for offset, name in HOLIDAYS:
        day = monday + timedelta(days=offset)
        holidays.add(day)
        await catalogs.HOLIDAYS.create(
            conn, principal=ADMIN, data=HolidayCreate(day=day, name=name)
        )
    for key, first, last, hours, note in TIME_OFF:
        person, start, end = people[key], monday + timedelta(first), monday + timedelta(last)
        off = TimeOffCreate(start_date=start, end_date=end, hours_per_day=hours, note=note)
        await catalogs.TIME_OFF.create(conn, principal=ADMIN, data=off, resource_id=person.id)
        for i in range((end - start).days + 1):
            day = start + timedelta(days=i)
            if hours is None:
                person.days_off.add(day)
            else:
                person.hours_off[day] = hours
    for key, name, issued, expires in CERTIFICATIONS:
        data = CertificationCreate(
            name=name,
            issued_on=t + timedelta(days=issued),
            expires_on=None if expires is None else t + timedelta(days=expires),
        )
        await CERTIFICATION_ROWS.create(
            conn, principal=ADMIN, data=data, resource_id=people[key].id
        )
    key, offset, rate = RAISE
    await _rate(conn, people[key], monday + timedelta(days=offset), rate)
    return holidays


def _span(a: DemoAllocation, t: date, spans: Mapping[str, tuple[date, date]]) -> tuple[date, date]:
    start, finish = spans[a.project]
    return (
        start if a.start is None else t + timedelta(days=a.start),
        finish if a.end is None else t + timedelta(days=a.end),
    )


def _planned(
    a: DemoAllocation, person: _Person, span: tuple[date, date], holidays: set[date]
) -> dict[date, Decimal]:
    """What the allocation plans for each of the person's working days, as availability books
    it: hours a day, a share of the day's capacity, or its total spread over its working days."""
    first, last = span
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    capacity = {day: person.capacity(day, holidays) for day in days}
    working = [day for day in days if capacity[day] > 0]
    if a.mode == "hours_per_day":
        return {day: Decimal(a.amount) for day in working}
    if a.mode == "percent":
        return {day: Decimal(a.amount * capacity[day] / 100) for day in working}
    return {day: Decimal(a.amount) / len(working) for day in working} if working else {}


async def _time_entries(
    conn: AsyncConnection,
    t: date,
    monday: date,
    people: Mapping[str, _Person],
    spans: Mapping[str, tuple[date, date]],
    holidays: set[date],
) -> dict[str, Decimal]:
    """The entries of the people's approved allocations on the projects in flight, every
    working day of the logged weeks up to today; returns each project's labour cost."""
    status = {p.code: p.status for p in PROJECTS}
    first = monday - timedelta(weeks=LOGGED_WEEKS)
    labour: dict[str, Decimal] = {}
    for n, a in enumerate(ALLOCATIONS):
        person = people.get(a.who or "")
        if (
            person is None
            or person.plan.kind != "person"
            or a.status != "approved"
            or status[a.project] not in ("active", "on_hold")
        ):
            continue
        last = t if status[a.project] == "active" else monday + timedelta(days=ON_HOLD_SINCE)
        for day, hours in sorted(_planned(a, person, _span(a, t, spans), holidays).items()):
            if not first <= day <= last:
                continue
            drift = _DRIFT[(day.toordinal() + n) % len(_DRIFT)]
            logged = (hours * drift / _QUARTER).quantize(Decimal(1)) * _QUARTER
            if logged <= 0:
                continue
            data = TimeEntryCreate(
                resource_id=person.id,
                work_date=day,
                hours=min(logged, Decimal(24)),
                external_ref=f"TS-{a.who}-{day.isoformat()}",
            )
            row, _ = await record_time_entry(conn, principal=ADMIN, ref=a.project, data=data)
            labour[a.project] = labour.get(a.project, Decimal(0)) + Decimal(row["cost"]) / 100
    return labour


async def load_resources(
    conn: AsyncConnection, t: date, spans: Mapping[str, tuple[date, date]]
) -> dict[str, Decimal]:
    """Load the resource picture as of `t` (today) for projects that start and finish as
    `spans` says (by code); returns each project's labour cost (the cost of its time entries),
    which demo.py leaves out of the project's invoices so that its actual cost stays the one
    demo_data.py plans."""
    monday = t - timedelta(days=t.weekday())
    roles, skills = await _catalog(conn)
    people = await _people(conn, t, roles, skills)
    holidays = await _calendar(conn, t, monday, people)
    for a in ALLOCATIONS:
        start, end = _span(a, t, spans)
        data = AllocationCreate(
            resource_id=None if a.who is None else people[a.who].id,
            role_id=None if a.role is None else roles[a.role],
            start_date=start,
            end_date=end,
            mode=a.mode,
            amount=a.amount,
            status=a.status,
            note=a.note,
        )
        await create_allocation(conn, principal=ADMIN, ref=a.project, data=data)
    return await _time_entries(conn, t, monday, people, spans, holidays)
