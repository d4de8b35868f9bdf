"""The engine and the two ways code touches the database: a short read, or one write transaction.

The request owns the transaction: routes open `db.write()` (or `db.read()`), services receive the
connection and never commit, so a write and everything recorded with it (idempotency records, and
later the audit row) commit or roll back together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from pmo_api.settings import Settings

_WRITE_OPTION = "pmo_write"
# Every write transaction carries the settings, so that a service's rule that a setting tunes
# (PMO_OVER_ALLOCATION) reads them from its connection, whichever transport called it.
_SETTINGS_OPTION = "pmo_settings"


def settings_of(conn: AsyncConnection) -> Settings | None:
    """The settings of the Database whose write transaction `conn` is (None elsewhere: a
    connection a test or a script opened on its own)."""
    sync = conn.sync_connection
    found: Settings | None = (
        None if sync is None else sync.get_execution_options().get(_SETTINGS_OPTION)
    )
    return found


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def postgres_session(settings: Settings) -> dict[str, str]:
    """Session settings of every PostgreSQL connection we open."""
    session = {
        # JIT compilation pays off for long analytical queries; ours are short, and the
        # portfolio rollup's cost estimate would otherwise spend ~17 ms compiling each time.
        "jit": "off",
    }
    if settings.statement_timeout_ms:
        # A runaway query is cancelled by the server itself, whoever issued it.
        session["statement_timeout"] = str(settings.statement_timeout_ms)
    return session


class Database:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        connect_args: dict[str, Any] = {}
        if not settings.is_sqlite:
            connect_args["server_settings"] = postgres_session(settings)
            # Opening a connection counts against the pool timeout too: a server that accepts
            # and never answers costs a request PMO_DB_POOL_TIMEOUT_SECONDS, not asyncpg's 60 s.
            connect_args["timeout"] = settings.db_pool_timeout_seconds
        self.engine: AsyncEngine = create_async_engine(
            settings.database_url,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
            pool_pre_ping=False,
            json_serializer=_json_dumps,
            json_deserializer=orjson.loads,
            connect_args=connect_args,
        )
        self.dialect = self.engine.dialect.name
        self.driver_pool: Any = None  # asyncpg pool for hot reads, opened by start()
        if self.is_sqlite:
            _configure_sqlite(self.engine, settings.sqlite_busy_timeout_ms)
            self._reader = self.engine
            self._writer = self.engine.execution_options(
                **{_WRITE_OPTION: True, _SETTINGS_OPTION: settings}
            )
        else:
            # Reads run in autocommit: one round trip per query instead of BEGIN/query/ROLLBACK.
            self._reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
            self._writer = self.engine.execution_options(**{_SETTINGS_OPTION: settings})

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        """A connection for reading; nothing it does is committed."""
        async with self._reader.connect() as conn:
            try:
                yield conn
            except (DBAPIError, asyncio.CancelledError):
                # After a driver error or a cancelled query the connection's state is unknown
                # (an autocommit connection may even be left inside a transaction, holding
                # locks): never hand it to the next request.
                await conn.invalidate()
                raise

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[AsyncConnection]:
        """A read-only transaction: one consistent view for a long read (CSV exports stream
        through a server-side cursor, which PostgreSQL only allows inside a transaction)."""
        async with self.engine.connect() as conn:
            if not self.is_sqlite:
                await conn.execution_options(
                    isolation_level="REPEATABLE READ", postgresql_readonly=True
                )
            async with conn.begin():
                yield conn

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction: committed when the block ends, rolled back if it raises."""
        async with self._writer.begin() as conn:
            yield conn

    async def start(self) -> None:
        """Open the driver pool of the hot read path (PostgreSQL; see db/hotpath.py)."""
        if self.is_sqlite or self.driver_pool is not None:
            return
        import asyncpg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        server_settings = postgres_session(self.settings)
        self.driver_pool = await asyncpg.create_pool(
            dsn,
            min_size=1,
            max_size=self.settings.db_pool_size,
            server_settings=server_settings,
            reset=_keep_session,
            timeout=self.settings.db_pool_timeout_seconds,  # to connect (see __init__)
        )

    async def dispose(self) -> None:
        if self.driver_pool is not None:
            await self.driver_pool.close()
            self.driver_pool = None
        await self.engine.dispose()


async def _keep_session(_conn: Any) -> None:
    """The hot path only runs autocommit SELECTs, so a released connection has no session state
    to reset: skip asyncpg's default reset query, a round trip on every release. (asyncpg still
    rolls back a connection released inside a transaction before calling this.)"""


def _configure_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL: readers never block the single writer, and the writer never blocks readers.
        cursor.execute("PRAGMA journal_mode=WAL")
        # SQLite leaves foreign keys off unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # Wait for the write lock instead of failing at once with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A write takes the lock up front (IMMEDIATE): a deferred transaction that reads and then
        # writes can deadlock against another and fail with SQLITE_BUSY instead of waiting.
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
