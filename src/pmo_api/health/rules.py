"""A project's health, CONTRACT §5, as one pure function: no I/O.

Health judges only projects in flight (`active`, `on_hold`): before `active` (proposed,
approved) nothing has been planned to be done yet, so an SPI of 0 would call a project red a
minute after it was created; after the end (completed, cancelled) there is nothing left to
steer, and its final figures stay in its earned value. Such a project's health is null, with
the reason `not started` or `closed` (NOT_JUDGED), and its rules are listed as not counted.

For a project in flight the health is the worst of four rules: cost (CPI against its
thresholds), schedule (SPI likewise), milestones (an overdue stage gate is red, any other
overdue milestone amber) and risks (an open critical risk is red, an open high one amber); and
a fifth when its settings turn it on (off by default): actions (the number of overdue action
items against its amber and red counts). An
undefined index (no actual cost yet, nothing planned yet) gives its rule no status: it does
not count. The indices are compared as the API shows them (rounded to 4 decimals), so that a
CPI shown as 0.9500 is green at a threshold of 0.95 whatever digits lie beyond.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, NamedTuple, cast, get_args

from pmo_api.settings import Settings


class HealthStatus(StrEnum):
    """A project's health (CONTRACT §5), from best to worst."""

    GREEN = "green"
    AMBER = "amber"
    RED = "red"


class HealthRuleName(StrEnum):
    COST = "cost"
    SCHEDULE = "schedule"
    MILESTONES = "milestones"
    RISKS = "risks"
    ACTIONS = "actions"  # only when its settings turn it on (Thresholds.actions_on)


# The same values as literal types, for mypy to check the pure functions below.
Status = Literal["green", "amber", "red"]
Rule = Literal["cost", "schedule", "milestones", "risks", "actions"]
STATUSES = cast(tuple[Status, ...], tuple(s.value for s in HealthStatus))
RULES = cast(tuple[Rule, ...], tuple(r.value for r in HealthRuleName))
assert get_args(Status) == STATUSES and get_args(Rule) == RULES
_RANK = {status: rank for rank, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class Thresholds:
    """CPI and SPI at or above `green` are green; at or above `amber`, amber; below, red.
    Overdue action items: at least `actions_red` red, else at least `actions_amber` amber (0:
    that step is off; both 0: the rule is off, and absent from the health)."""

    cpi_green: float = 0.95
    cpi_amber: float = 0.85
    spi_green: float = 0.95
    spi_amber: float = 0.85
    actions_amber: int = 0
    actions_red: int = 0
    issues: bool = False  # PMO_HEALTH_ISSUES: open issues join the risk rule

    @classmethod
    def of(cls, settings: Settings) -> Thresholds:
        return cls(
            cpi_green=settings.health_cpi_green,
            cpi_amber=settings.health_cpi_amber,
            spi_green=settings.health_spi_green,
            spi_amber=settings.health_spi_amber,
            actions_amber=settings.health_overdue_actions_amber,
            actions_red=settings.health_overdue_actions_red,
            issues=settings.health_issues,
        )

    @property
    def actions_on(self) -> bool:
        """The rule `actions` counts (its settings name a count)."""
        return self.actions_amber > 0 or self.actions_red > 0

    @property
    def actions_from(self) -> int:
        """The fewest overdue action items that change the health (0: the rule is off)."""
        steps = [n for n in (self.actions_amber, self.actions_red) if n > 0]
        return min(steps) if steps else 0


# Why a project's health is null, by its lifecycle status (projects/lifecycle.py); a status
# not named here (active, on_hold) is in flight and judged.
NOT_JUDGED = {
    "proposed": "not started",
    "approved": "not started",
    "completed": "closed",
    "cancelled": "closed",
}


class Facts(NamedTuple):
    """What the rules look at, for one project as of one date. (A named tuple: a portfolio
    summary makes one per project, and a frozen dataclass costs three times as much to make.)"""

    cpi: float | None  # rounded to 4 decimals, as the API shows it; None: undefined
    spi: float | None
    overdue_gate: bool  # a stage gate not completed and due before the date
    overdue_milestone: bool  # any milestone so (a gate included)
    open_critical_risk: bool  # open or mitigating
    open_high_risk: bool
    status: str = "active"  # the project's lifecycle status: only one in flight is judged
    overdue_actions: int = 0  # action items still to do and due before the date
    dependency_risk: bool = False  # an open milestone at risk from a dependency (issue 16)
    open_critical_issue: bool = False  # open or in progress (counted with PMO_HEALTH_ISSUES)
    open_high_issue: bool = False


@dataclass(frozen=True)
class RuleOutcome:
    rule: Rule
    status: Status | None  # None: the rule has nothing to judge and does not count
    value: float | str | None  # what it looked at: the index, the worst finding, or a count
    detail: str


@dataclass(frozen=True)
class Health:
    health: Status | None  # None: not judged (reason says why)
    rules: tuple[RuleOutcome, ...]  # in RULES order
    decided_by: tuple[Rule, ...]  # the rules whose status is the health
    reason: str | None = None  # why health is None: `not started` or `closed`

    def body(self) -> dict[str, object]:
        """As `GET /api/v1/projects/{project}/health` shows it (without the project's ids)."""
        return {
            "health": self.health,
            "reason": self.reason,
            "rules": [
                {"rule": r.rule, "status": r.status, "value": r.value, "detail": r.detail}
                for r in self.rules
            ],
            "decided_by": list(self.decided_by),
        }


def _number(value: float) -> str:
    return f"{value:g}"


def _index_status(value: float | None, green: float, amber: float) -> Status | None:
    if value is None:
        return None
    if value >= green:
        return "green"
    return "amber" if value >= amber else "red"


def _milestone_status(facts: Facts) -> Status:
    if facts.overdue_gate:
        return "red"
    return "amber" if facts.overdue_milestone or facts.dependency_risk else "green"


def _risk_status(facts: Facts, issues: bool) -> Status:
    if facts.open_critical_risk or (issues and facts.open_critical_issue):
        return "red"
    if facts.open_high_risk or (issues and facts.open_high_issue):
        return "amber"
    return "green"


def _actions_status(facts: Facts, t: Thresholds) -> Status:
    n = facts.overdue_actions
    if t.actions_red and n >= t.actions_red:
        return "red"
    return "amber" if t.actions_amber and n >= t.actions_amber else "green"


def statuses(facts: Facts, thresholds: Thresholds) -> tuple[Status | None, ...]:
    """Each rule's status, in RULES order (None: the rule does not count), the rule `actions`
    only when it is on. The one place the rules are decided; `assess` explains them and
    `colour` only ranks them."""
    t = thresholds
    found = (
        _index_status(facts.cpi, t.cpi_green, t.cpi_amber),
        _index_status(facts.spi, t.spi_green, t.spi_amber),
        _milestone_status(facts),
        _risk_status(facts, t.issues),
    )
    return (*found, _actions_status(facts, t)) if t.actions_on else found


def _worst(found: tuple[Status | None, ...]) -> Status:
    # The milestone and risk rules always count, so there is always a worst. A plain loop: the
    # summary ranks 10,000 projects, and max() over a generator costs twice as much.
    worst = 0
    for status in found:
        if status is not None and _RANK[status] > worst:
            worst = _RANK[status]
    return STATUSES[worst]


def colour(facts: Facts, thresholds: Thresholds) -> Status | None:
    """The health alone, without its explanation (for counting thousands of projects); None
    for a project not in flight."""
    if facts.status in NOT_JUDGED:
        return None
    return _worst(statuses(facts, thresholds))


def rules_of(thresholds: Thresholds) -> tuple[Rule, ...]:
    """The rules that count under these thresholds, in RULES order."""
    return RULES if thresholds.actions_on else RULES[:-1]


def _not_judged(reason: str, status: str, rules: tuple[Rule, ...]) -> Health:
    detail = f"not judged: the project is {reason} (status {status})"
    return Health(None, tuple(RuleOutcome(r, None, None, detail) for r in rules), (), reason)


def _index_detail(
    name: str, value: float | None, green: float, amber: float, undefined: str
) -> str:
    if value is None:
        return f"{name} is undefined ({undefined}): not counted"
    shown = f"{name} {value:.4f}"
    if value >= green:
        return f"{shown} is at or above {_number(green)}"
    if value >= amber:
        return f"{shown} is below {_number(green)} and at or above {_number(amber)}"
    return f"{shown} is below {_number(amber)}"


_MILESTONE_DETAIL = {
    "red": ("overdue_gate", "a stage gate is overdue"),
    "amber": ("overdue", "a milestone is overdue (no stage gate is)"),
    "green": (None, "no milestone is overdue"),
}
_RISK_DETAIL = {
    "red": ("critical", "a critical risk is open"),
    "amber": ("high", "a high risk is open (no critical one is)"),
    "green": (None, "no high or critical risk is open"),
}


def _actions_outcome(facts: Facts, t: Thresholds) -> RuleOutcome:
    n = facts.overdue_actions
    status = _actions_status(facts, t)
    counted = f"{n} overdue action item{'' if n == 1 else 's'}"
    if status == "red":
        detail = f"{counted}: at or above {t.actions_red}"
    elif status == "amber":
        detail = f"{counted}: at or above {t.actions_amber}"
    else:
        detail = f"{counted}: below {t.actions_from}"
    return RuleOutcome("actions", status, n, detail)


def _milestone_detail(facts: Facts, status: Status) -> tuple[str | None, str]:
    if status == "amber" and not facts.overdue_milestone:
        return "dependency_at_risk", "a milestone is at risk from a dependency (none is overdue)"
    return _MILESTONE_DETAIL[status]


def _risk_detail(facts: Facts, status: Status, issues: bool) -> tuple[str | None, str]:
    if status == "red" and not facts.open_critical_risk:
        return "critical_issue", "a critical issue is open (no critical risk is)"
    if status == "amber" and not facts.open_high_risk:
        return "high_issue", "a high issue is open (no high risk is)"
    if status == "green" and issues:
        return None, "no high or critical risk or issue is open"
    return _RISK_DETAIL[status]


def assess(facts: Facts, thresholds: Thresholds) -> Health:
    """The health of a project: the worst status among its rules that count, and which rules
    gave it (every counting rule, when all are green); not judged (None, and why) for a
    project not in flight."""
    reason = NOT_JUDGED.get(facts.status)
    if reason is not None:
        return _not_judged(reason, facts.status, rules_of(thresholds))
    t = thresholds
    found = statuses(facts, t)
    cost, schedule, milestones, risks = found[:4]
    assert milestones is not None and risks is not None
    outcomes: tuple[RuleOutcome, ...] = (
        RuleOutcome(
            "cost",
            cost,
            facts.cpi,
            _index_detail("CPI", facts.cpi, t.cpi_green, t.cpi_amber, "no actual cost yet"),
        ),
        RuleOutcome(
            "schedule",
            schedule,
            facts.spi,
            _index_detail("SPI", facts.spi, t.spi_green, t.spi_amber, "no planned value yet"),
        ),
        RuleOutcome("milestones", milestones, *_milestone_detail(facts, milestones)),
        RuleOutcome("risks", risks, *_risk_detail(facts, risks, t.issues)),
    )
    if t.actions_on:
        outcomes += (_actions_outcome(facts, t),)
    worst = _worst(found)
    decided_by = tuple(o.rule for o in outcomes if o.status == worst)
    return Health(worst, outcomes, decided_by)
