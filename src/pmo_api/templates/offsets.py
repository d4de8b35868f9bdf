"""Where a template's milestones fall: pure date arithmetic, no I/O (docs/resources.md,
"Offsets").

- Calendar days: `anchor + offset` (anchor `start`) or `anchor - offset` (anchor `finish`).
- Working days (Monday to Friday, less the organisation holidays of /api/v1/holidays): the
  date reached by stepping `offset` working days from the anchor, forward or back, the anchor
  itself not counted; offset 0 is the anchor. This is a spreadsheet's WORKDAY(anchor, ±offset,
  holidays): 2026-12-28 (a Monday) + 5 working days, with 2027-01-01 a holiday, steps on
  12-29, 12-30, 12-31, (01-01 holiday, 01-02/03 weekend) 01-04, 01-05 → 2027-01-05.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

SATURDAY = 5  # date.weekday(): Monday 0 … Sunday 6


def is_working_day(day: date, holidays: Collection[date]) -> bool:
    return day.weekday() < SATURDAY and day not in holidays


def shifted(
    anchor: date, offset: int, *, forward: bool, working_days: bool, holidays: Collection[date]
) -> date:
    """`anchor` moved `offset` days (calendar or working) forward, or back when not
    `forward`. Raises OverflowError past year 9999 (callers bound the offsets)."""
    step = timedelta(days=1 if forward else -1)
    if not working_days:
        return anchor + step * offset
    day, left = anchor, offset
    while left > 0:
        day += step
        if is_working_day(day, holidays):
            left -= 1
    return day
