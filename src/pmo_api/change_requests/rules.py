"""The change request state machine:

    draft → submitted → approved → implemented
    draft → withdrawn;  submitted → rejected | withdrawn

A request changes only as a draft; approved and implemented requests stay (their effects are
recorded), the others may be deleted."""

from __future__ import annotations

from pmo_api.change_requests.models import ChangeState as S
from pmo_api.core.errors import Conflict

_NEXT: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.APPROVED, S.REJECTED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.IMPLEMENTED}),
    S.REJECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.IMPLEMENTED: frozenset(),
}
assert set(_NEXT) == set(S), "every state has its transitions"

# Requests whose effects are recorded (a baseline, moved forecasts, a decision): never deleted.
KEPT = frozenset({S.APPROVED.value, S.IMPLEMENTED.value})


def check_transition(current: str, new: str) -> None:
    if new in _NEXT[current]:
        return
    allowed = ", ".join(sorted(str(s) for s in _NEXT[current])) or "none: it is final"
    raise Conflict(
        f"a change request cannot go from '{current}' to '{new}'; allowed next: {allowed}"
    )


def check_editable(current: str) -> None:
    if current != S.DRAFT:
        raise Conflict(f"a change request changes only as a draft; this one is '{current}'")


def check_deletable(current: str) -> None:
    if current in KEPT:
        raise Conflict(f"an {current} change request is kept: its effects are recorded")
