"""The compliance rules and their results: no tables (compliance is computed from the data it
judges when asked for, never stored), only the enums every transport derives from."""

from __future__ import annotations

from enum import StrEnum


class Rule(StrEnum):
    """The PMO's rules, in the order every answer lists them (docs/formulas.md)."""

    TEMPLATE_ITEMS_PRESENT = "template_items_present"
    GATES_REVIEWED_ON_TIME = "gates_reviewed_on_time"
    BASELINE_BEFORE_ACTIVE = "baseline_before_active"
    STATUS_REPORTS_EVERY_PERIOD = "status_reports_every_period"
    RISKS_REVIEWED_ON_TIME = "risks_reviewed_on_time"
    CORRECTIVE_ACTIONS_ON_TIME = "corrective_actions_on_time"


class Result(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"
