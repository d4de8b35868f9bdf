"""The hot read path: a Core statement compiled once, run straight through the driver, its rows
named after the statement's columns.

On PostgreSQL, SQLAlchemy's per-execution work (cache key, execution context, result objects,
greenlet hops) costs about 0.9 ms per statement, three times the query itself; the hottest reads
(a project by id or code) skip it by running the statement's SQL, compiled once for asyncpg, on
a small asyncpg pool of their own. The statement stays the single source of truth: it is the same
Core `select` the rest of the code uses. On SQLite the statement runs through SQLAlchemy as
usual.

Both paths give rows named after the statement's columns (`NamedRows`, made once per
statement), read by name (`row.budget`), never by position: on SQLite a named tuple of the
columns; on PostgreSQL asyncpg builds the rows itself as a Record subclass with one attribute per
column (`record_class`), so naming them costs nothing per row (a named tuple made from each
record cost ~0.3 µs, 1 ms of a 10,000-project rollup). Both compare equal to tuples of the same
values, so a cache may mix them. A `shape` (a Protocol listing the columns its readers use, with
their types) types the rows for mypy, and is checked against the statement's columns when the
module is imported. UUID columns are `uuid.UUID` on both paths: SQLAlchemy's on SQLite; on
PostgreSQL asyncpg's binary codec, whose UUID is a subclass of `uuid.UUID` (equal and hash-equal
to it, and what SQLAlchemy's own asyncpg rows hold too), so no Python call per value
(`core/responses.py` serialises it).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any, Generic, TypeVar, cast

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.core.errors import ServiceUnavailable
from pmo_api.db.database import Database
from pmo_api.db.faults import UNAVAILABLE, connection_lost, is_unavailable

R = TypeVar("R")
S = TypeVar("S")


def _declared(shape: type) -> set[str]:
    names: set[str] = set()
    for klass in shape.__mro__:
        names.update(getattr(klass, "__annotations__", {}))
    return names


class NamedRows(Generic[R]):
    """The rows of `statement` as named tuples of its columns, typed as `shape` (a Protocol;
    declare the variable's type, `NamedRows[Shape]`, for mypy to know it)."""

    def __init__(self, statement: Select[Any], shape: type) -> None:
        self.columns: tuple[str, ...] = tuple(statement.selected_columns.keys())
        missing = _declared(shape) - set(self.columns)
        if missing:
            raise TypeError(f"{shape.__name__} reads columns the statement lacks: {missing}")
        self._type = namedtuple(shape.__name__, self.columns)  # type: ignore[misc]
        self._record: type | None = None

    @property
    def record_class(self) -> type:
        """The driver's rows of this statement: asyncpg's Record with an attribute per column
        (C-level getters: as fast as a named tuple's)."""
        if self._record is None:
            from asyncpg import Record

            getters = {name: property(itemgetter(i)) for i, name in enumerate(self.columns)}
            self._record = type(self._type.__name__, (Record,), getters)
        return self._record

    def of(self, row: Iterable[Any]) -> R:
        """One row (a driver record, a SQLAlchemy row, any sequence in column order)."""
        # tuple.__new__ skips namedtuple's own __new__ (which checks the length): twice as fast,
        # and the values come from the statement whose columns made the type.
        return cast(R, tuple.__new__(self._type, row))

    def all(self, rows: Iterable[Iterable[Any]]) -> list[R]:
        make, named = tuple.__new__, self._type
        return cast(list[R], [make(named, row) for row in rows])

    def narrowed_to(self, other: NamedRows[S]) -> Callable[[R], S]:
        """Rows of this statement as rows of `other`, whose columns (checked by name, here,
        once) are the first of these: a statement that extends another (more columns after
        its own) hands its rows to the other's readers and caches unchanged."""
        width = len(other.columns)
        if self.columns[:width] != other.columns:
            raise TypeError(f"{other.columns} do not begin {self.columns}")
        make, named = tuple.__new__, other._type

        def narrowed(row: Any) -> Any:
            return make(named, row[:width])

        return narrowed

    def make(self, **values: Any) -> R:
        """A row from values by column name (tests, fixtures): every column must be given."""
        return cast(R, self._type(**values))


class HotQuery(Generic[R]):
    """`statement`, run through the driver on PostgreSQL; rows as NamedRows(statement, shape)
    (declare the variable's type, `HotQuery[Shape]`)."""

    def __init__(self, statement: Select[Any], shape: type) -> None:
        self.statement = statement
        self.rows: NamedRows[R] = NamedRows(statement, shape)
        self._sql: str | None = None
        self._order: tuple[str, ...] = ()
        self._constants: dict[str, Any] = {}  # values the statement binds itself (literals)

    @property
    def columns(self) -> tuple[str, ...]:
        return self.rows.columns

    def _compiled(self, db: Database) -> tuple[str, tuple[str, ...]]:
        if self._sql is None:
            compiled = self.statement.compile(dialect=db.engine.dialect)
            self._order = tuple(compiled.positiontup or ())
            self._constants = {
                name: value
                for name, value in compiled.params.items()
                if not compiled.binds[name].required
            }
            self._sql = compiled.string
        return self._sql, self._order

    async def fetchrow(self, db: Database, **params: Any) -> R | None:
        found = await self._run(db, params, one=True)
        return found[0] if found else None

    async def fetch(self, db: Database, **params: Any) -> list[R]:
        return await self._run(db, params, one=False)

    async def _run(self, db: Database, params: dict[str, Any], *, one: bool) -> list[R]:
        if db.driver_pool is None:
            async with db.read() as conn:
                result = await conn.execute(self.statement, params)
                if one:
                    first = result.first()
                    return [] if first is None else [self.rows.of(first)]
                return self.rows.all(result.all())
        sql, order = self._compiled(db)
        record_class = self.rows.record_class
        args = [params[n] if n in params else self._constants[n] for n in order]
        lost = False
        try:
            # A bounded wait for a connection: when all are busy the answer is a 503 after the
            # pool timeout, as on SQLAlchemy's pool, rather than a request that hangs.
            async with db.driver_pool.acquire(timeout=db.settings.db_pool_timeout_seconds) as conn:
                try:
                    if one:
                        row = await conn.fetchrow(sql, *args, record_class=record_class)
                        return [] if row is None else [row]
                    rows: list[R] = await conn.fetch(sql, *args, record_class=record_class)
                    return rows
                except Exception:
                    lost = connection_lost(conn)
                    raise
        except Exception as exc:
            if lost or is_unavailable(exc):
                raise ServiceUnavailable(UNAVAILABLE) from exc
            raise


async def driver_rows(conn: AsyncConnection, statement: Select[Any]) -> Sequence[Sequence[Any]]:
    """The rows of `statement`, by position, in `conn`'s transaction. On PostgreSQL they come
    straight from asyncpg (its records): SQLAlchemy's work per row, ~5 µs, is most of the time
    of a read of tens of thousands of rows that Python then sums (resources/capacity_rows.py).
    On SQLite, SQLAlchemy's rows."""
    if conn.dialect.name != "postgresql":
        found: Sequence[Sequence[Any]] = (await conn.execute(statement)).all()
        return found
    # Filters like `IN (...)` bind a list: render it as one parameter per value.
    compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    args = [compiled.params[name] for name in compiled.positiontup or ()]
    driver: Any = (await conn.get_raw_connection()).driver_connection
    try:
        rows: Sequence[Sequence[Any]] = await driver.fetch(compiled.string, *args)
    except Exception as exc:
        if is_unavailable(exc):
            raise ServiceUnavailable(UNAVAILABLE) from exc
        raise
    return rows
