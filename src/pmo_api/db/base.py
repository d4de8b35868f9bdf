"""Declarative base with a constraint naming convention, so migrations name things the same way
on both dialects and batch mode on SQLite can find constraints to alter."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import cast

from sqlalchemy import Index, Integer, MetaData, Table, Uuid, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pmo_api.core.ids import new_id
from pmo_api.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, typed as one (SQLAlchemy types `__table__` as a FromClause)."""
    return cast(Table, model.__table__)


def one_of(column: str, values: type[StrEnum]) -> str:
    """The CHECK text `column IN ('a','b')` for the values of a StrEnum, so a constraint and
    the enum it guards are written once."""
    listed = ",".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({listed})"


def partial_index(name: str, column: str, where: str) -> Index:
    """An index on `column` of the rows matching `where` only, the same on both dialects (a
    small index for a hot query that never reads the other rows)."""
    return Index(name, column, postgresql_where=text(where), sqlite_where=text(where))


class TrackedMixin:
    """What every mutable resource has: `id`, `created_at`, `updated_at`, and the optimistic
    concurrency `version` that its ETag carries. Values are set by the repositories (not by
    server defaults) so that both dialects store exactly the same thing."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
