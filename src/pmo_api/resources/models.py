"""Resource management: roles, skills, resources (people, placeholders, teams), their cost
rates, time off, organisation holidays, and the allocations of resources (or of a role alone,
unfilled demand) to projects, and the hours they worked (time entries)."""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pmo_api.db.base import Base, TrackedMixin, one_of, table_of


class ResourceKind(StrEnum):
    PERSON = "person"
    PLACEHOLDER = "placeholder"  # an unnamed hire
    TEAM = "team"  # a pooled group: its availability factor may exceed 1


class AllocationMode(StrEnum):
    HOURS_PER_DAY = "hours_per_day"  # `amount` hours on each working day
    PERCENT = "percent"  # `amount` % of each day's capacity, following its changes
    TOTAL_HOURS = "total_hours"  # `amount` hours spread evenly over the working days


class AllocationStatus(StrEnum):
    TENTATIVE = "tentative"
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"  # kept for the record; allocates nothing


class Grain(StrEnum):
    """The periods of an availability: days, weeks from Monday, months."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


# Monday first, as Python's date.weekday(): the columns of a resource's working week.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _tracked_indexes() -> tuple[sa.Index, sa.Index]:
    return sa.Index(None, "created_at", "id"), sa.Index(None, "updated_at", "id")


class ResourceRole(TrackedMixin, Base):
    """A role a resource plays (developer, analyst...), with its default cost rate per hour."""

    __tablename__ = "resource_roles"

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    default_rate: Mapped[int | None] = mapped_column(sa.BigInteger, info={"money": True})
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="USD")

    __table_args__ = (
        sa.CheckConstraint("default_rate IS NULL OR default_rate >= 0", name="rate_positive"),
        *_tracked_indexes(),
    )


class Skill(TrackedMixin, Base):
    __tablename__ = "skills"

    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    description: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = _tracked_indexes()


class Resource(TrackedMixin, Base):
    """Capacity of a day = its weekday's hours x `availability_factor`; zero on time off,
    holidays and outside employment (resources/availability.py)."""

    __tablename__ = "resources"

    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="person")
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    email: Mapped[str | None] = mapped_column(sa.String(320), unique=True)
    role_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("resource_roles.id", ondelete="RESTRICT"), index=True
    )
    hours_mon: Mapped[float] = mapped_column(sa.Float, nullable=False, default=8.0)
    hours_tue: Mapped[float] = mapped_column(sa.Float, nullable=False, default=8.0)
    hours_wed: Mapped[float] = mapped_column(sa.Float, nullable=False, default=8.0)
    hours_thu: Mapped[float] = mapped_column(sa.Float, nullable=False, default=8.0)
    hours_fri: Mapped[float] = mapped_column(sa.Float, nullable=False, default=8.0)
    hours_sat: Mapped[float] = mapped_column(sa.Float, nullable=False, default=0.0)
    hours_sun: Mapped[float] = mapped_column(sa.Float, nullable=False, default=0.0)
    availability_factor: Mapped[float] = mapped_column(sa.Float, nullable=False, default=1.0)
    employment_start: Mapped[date | None] = mapped_column(sa.Date)
    employment_end: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ResourceKind), name="kind_known"),
        sa.CheckConstraint("availability_factor >= 0", name="factor_positive"),
        sa.CheckConstraint(
            "employment_end IS NULL OR employment_start IS NULL "
            "OR employment_end >= employment_start",
            name="employment_ordered",
        ),
        *_tracked_indexes(),
    )


class ResourceSkill(TrackedMixin, Base):
    """A skill a resource holds, at a level from 1 (basic) to 5 (expert)."""

    __tablename__ = "resource_skills"

    resource_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="CASCADE"), nullable=False
    )
    skill_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("skills.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    level: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)

    __table_args__ = (
        sa.UniqueConstraint("resource_id", "skill_id"),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),
        sa.Index(None, "updated_at", "id"),
    )


class ResourceRate(TrackedMixin, Base):
    """A cost rate per hour in force from `effective_from` until the next one's date: a change
    is a new row, so the history stays."""

    __tablename__ = "resource_rates"

    resource_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="CASCADE"), nullable=False
    )
    effective_from: Mapped[date] = mapped_column(sa.Date, nullable=False)
    rate: Mapped[int] = mapped_column(sa.BigInteger, nullable=False, info={"money": True})
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False, default="USD")

    __table_args__ = (
        sa.UniqueConstraint("resource_id", "effective_from"),
        sa.CheckConstraint("rate >= 0", name="rate_positive"),
        sa.Index(None, "updated_at", "id"),
    )


class TimeOff(TrackedMixin, Base):
    """Days a resource is away: whole days (`hours_per_day` NULL) or some hours of each."""

    __tablename__ = "time_off"

    resource_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="CASCADE"), nullable=False
    )
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    hours_per_day: Mapped[float | None] = mapped_column(sa.Float)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("hours_per_day IS NULL OR hours_per_day > 0", name="hours_positive"),
        sa.Index(None, "resource_id", "start_date"),
        sa.Index(None, "updated_at", "id"),
    )


class Holiday(TrackedMixin, Base):
    """An organisation holiday: no resource works that day."""

    __tablename__ = "holidays"

    day: Mapped[date] = mapped_column(sa.Date, nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)

    __table_args__ = _tracked_indexes()


class Allocation(TrackedMixin, Base):
    """A resource (or, unfilled demand, only a role) booked on a project from `start_date` to
    `end_date`, by `mode` and `amount` (resources/availability.py says how a day counts)."""

    __tablename__ = "allocations"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    resource_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="RESTRICT")
    )
    role_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.Uuid, sa.ForeignKey("resource_roles.id", ondelete="RESTRICT"), index=True
    )
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    mode: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    amount: Mapped[float] = mapped_column(sa.Float, nullable=False)
    status: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="tentative")
    billable: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint(one_of("mode", AllocationMode), name="mode_known"),
        sa.CheckConstraint(one_of("status", AllocationStatus), name="status_known"),
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("amount >= 0", name="amount_positive"),
        sa.CheckConstraint(
            "resource_id IS NOT NULL OR role_id IS NOT NULL", name="resource_or_role"
        ),
        sa.Index(None, "project_id", "start_date"),
        sa.Index(None, "resource_id", "start_date"),
        *_tracked_indexes(),
    )


class Certification(TrackedMixin, Base):
    """A certification or training record a resource holds: issued on a day, expiring on one
    (none: it does not expire)."""

    __tablename__ = "certifications"

    resource_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="CASCADE"), nullable=False
    )
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    issued_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    expires_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)

    __table_args__ = (
        sa.CheckConstraint("expires_on IS NULL OR expires_on >= issued_on", name="dates_ordered"),
        sa.Index(None, "resource_id", "issued_on"),
        # The expiring feed: a range of expiry dates.
        sa.Index(None, "expires_on", "id"),
        *_tracked_indexes(),
    )


class TimeEntry(TrackedMixin, Base):
    """Hours a resource worked on a project one day (actual hours). `rate` and `cost` are the
    price of the entry, kept by resources/time_entries.py (the rate in force that day, the
    hours x rate in minor units); `cost` is part of the project's actual cost (evm/actuals.py)."""

    __tablename__ = "time_entries"

    project_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("projects.id", ondelete="CASCADE"), nullable=False
    )
    resource_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, sa.ForeignKey("resources.id", ondelete="RESTRICT"), nullable=False
    )
    work_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    hours: Mapped[float] = mapped_column(sa.Float, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text)
    external_ref: Mapped[str | None] = mapped_column(sa.String(200))
    rate: Mapped[int | None] = mapped_column(sa.BigInteger, info={"money": True})
    cost: Mapped[int] = mapped_column(
        sa.BigInteger, nullable=False, default=0, info={"money": True}
    )

    __table_args__ = (
        # NULLs are distinct on both dialects: only entries that name a reference are unique.
        sa.UniqueConstraint("project_id", "external_ref"),
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours_range"),
        sa.CheckConstraint("cost >= 0", name="cost_positive"),
        sa.Index(None, "project_id", "work_date"),
        sa.Index(None, "resource_id", "work_date"),
        # Covers "what was spent in this date range, by project", as cost_entries' index does
        # for the as-of arithmetic of evm/inputs.py.
        sa.Index(None, "work_date", "project_id", "cost"),
        *_tracked_indexes(),
    )


resource_roles = table_of(ResourceRole)
skills = table_of(Skill)
resources = table_of(Resource)
resource_skills = table_of(ResourceSkill)
resource_rates = table_of(ResourceRate)
time_off = table_of(TimeOff)
holidays = table_of(Holiday)
allocations = table_of(Allocation)
time_entries = table_of(TimeEntry)
certifications = table_of(Certification)
