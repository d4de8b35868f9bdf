"""The project status machine of CONTRACT §3.

    proposed → approved → active ⇄ on_hold → completed;  any non-final → cancelled

The contract's chain reads `on_hold → completed`; completing straight from `active` is what every
PMO does, so both are allowed. Setting the status a project already has is not a transition and
is always accepted.
"""

from __future__ import annotations

from pmo_api.core.errors import Conflict
from pmo_api.projects.models import ProjectStatus as S

FINAL = frozenset({S.COMPLETED, S.CANCELLED})

_NEXT: dict[str, frozenset[str]] = {
    S.PROPOSED: frozenset({S.APPROVED, S.CANCELLED}),
    S.APPROVED: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.ON_HOLD, S.COMPLETED, S.CANCELLED}),
    S.ON_HOLD: frozenset({S.ACTIVE, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}
assert set(_NEXT) == set(S), "every status has its transitions"

STATUSES = tuple(s.value for s in S)  # in lifecycle order


def check_transition(current: str, new: str) -> None:
    if new == current or new in _NEXT[current]:
        return
    allowed = ", ".join(sorted(str(s) for s in _NEXT[current])) or "none: it is final"
    raise Conflict(f"a project cannot go from '{current}' to '{new}'; allowed next: {allowed}")
