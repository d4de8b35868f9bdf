"""The project status machine of CONTRACT §3.

    proposed → approved → active ⇄ on_hold → completed;  any non-final → cancelled

The contract's chain reads `on_hold → completed`; completing straight from `active` is what every
PMO does, so both are allowed. Setting the status a project already has is not a transition and
is always accepted.
"""

from __future__ import annotations

from pmo_api.core.errors import Conflict

FINAL = frozenset({"completed", "cancelled"})

_NEXT: dict[str, frozenset[str]] = {
    "proposed": frozenset({"approved", "cancelled"}),
    "approved": frozenset({"active", "cancelled"}),
    "active": frozenset({"on_hold", "completed", "cancelled"}),
    "on_hold": frozenset({"active", "completed", "cancelled"}),
    "completed": frozenset(),
    "cancelled": frozenset(),
}


STATUSES = tuple(_NEXT)  # in lifecycle order


def check_transition(current: str, new: str) -> None:
    if new == current or new in _NEXT[current]:
        return
    allowed = ", ".join(sorted(_NEXT[current])) or "none: it is final"
    raise Conflict(f"a project cannot go from '{current}' to '{new}'; allowed next: {allowed}")
