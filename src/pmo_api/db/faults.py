"""Which database failures mean "unavailable, retry shortly" (503 with Retry-After), not a bug.

A database that is restarting, unreachable, out of connections (ours or the server's), or that
cancelled a statement (the statement timeout, an operator, a shutdown) says nothing about the
request: the same request can succeed in a moment. Everything else (a constraint, a bad value,
an SQL error) is not a reason to retry. The same test serves REST (core/handlers.py), GraphQL
(graphql/outages.py) and the paths that talk to asyncpg directly (db/hotpath.py, db/copyout.py).
"""

from __future__ import annotations

import sqlite3
from typing import Any

import asyncpg
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from pmo_api.core.errors import ServiceUnavailable

UNAVAILABLE = "the database is unavailable or busy; retry shortly"

# SQLSTATE classes: 08 connection exception, 53 insufficient resources (too many connections,
# out of memory or disk), 57 operator intervention (57014 a statement cancelled by
# statement_timeout, 57P01 terminated by an administrator or a shutdown, 57P03 starting up).
_CLASSES = frozenset({"08", "53", "57"})
# Serialisation failure, deadlock detected, lock not available: the transaction lost a race.
_STATES = frozenset({"40001", "40P01", "55P03"})

# SQLite reports an outage and a statement it will never run with the same OperationalError:
# only these messages are the database (a lock held too long, a file it cannot open, read or
# grow, an interrupted statement). "too many SQL variables", "too many terms in compound
# SELECT", "string or blob too big", "LIKE or GLOB pattern too complex" are the request's
# size: retrying cannot help, so they must never be a 503 with Retry-After.
_SQLITE_OUTAGES = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
    "interrupted",
)


def _sqlstate(exc: BaseException) -> str | None:
    code = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    return code if isinstance(code, str) else None


def is_unavailable(exc: BaseException) -> bool:
    """True when `exc` (raised by SQLAlchemy, asyncpg or the socket) means the database is
    unavailable or busy for now."""
    if isinstance(exc, ServiceUnavailable | PoolTimeout | OSError):
        # OSError: refused or reset connections; TimeoutError (an OSError too): a connection
        # not had in time from asyncpg's pool.
        return True
    if isinstance(exc, DBAPIError):
        if isinstance(exc.orig, sqlite3.Error) and not exc.connection_invalidated:
            return _sqlite_outage(exc.orig)
        if exc.connection_invalidated or isinstance(exc, OperationalError | InterfaceError):
            return True
        return exc.orig is not None and is_unavailable(exc.orig)
    code = _sqlstate(exc)
    if code is not None:
        return code[:2] in _CLASSES or code in _STATES
    # asyncpg's own "cannot perform operation: connection is closed" (and "the pool is closing"):
    # a plain InterfaceError; its subclasses are misuses (bad arguments, unsupported features).
    return type(exc) is asyncpg.InterfaceError


def _sqlite_outage(exc: sqlite3.Error) -> bool:
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    message = str(exc).lower()
    return any(outage in message for outage in _SQLITE_OUTAGES)


def connection_lost(conn: Any) -> bool:
    """Whether an asyncpg connection (or pool proxy) was closed under its user: the server went
    away, whatever error the operation raised (when the server terminates a connection during
    a query, asyncpg may report a protocol state error rather than a lost connection). This is
    how SQLAlchemy's asyncpg dialect tells a disconnect too."""
    try:
        return bool(conn.is_closed())
    except asyncpg.InterfaceError:  # a pool proxy already released: its connection closed
        return True


def describe(exc: BaseException) -> str:
    """One line for the log: the driver's error, without SQLAlchemy's statement and links."""
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    return f"{type(cause).__name__}: {cause}"
