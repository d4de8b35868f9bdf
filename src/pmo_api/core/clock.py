"""The one place that reads the time, so that tests and timestamps agree on UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta


def utcnow() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return utcnow().date()


def days_after(day: date, days: int) -> date | None:
    """`day` plus `days`, or None past the end of the calendar (9999-12-31 + 1 day): a client
    may send any date, and arithmetic near the end must end a loop, not raise a 500."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None
