"""What a risk's probability, impact and cost impact imply (CONTRACT §3): one place for each
rule, used when a risk is written (the results are stored) and by the portfolio views."""

from __future__ import annotations

from fractions import Fraction

from pmo_api.risks.models import RiskSeverity, RiskStatus

# Probability 1..5 → the weight of the cost impact in the expected value.
PROBABILITY_WEIGHT = {
    1: Fraction(1, 10),
    2: Fraction(3, 10),
    3: Fraction(5, 10),
    4: Fraction(7, 10),
    5: Fraction(9, 10),
}
# Scores are products of two numbers 1..5, so 17-19 and 21-24 never occur.
SEVERITY_BOUNDS = (
    (4, RiskSeverity.LOW),
    (9, RiskSeverity.MEDIUM),
    (16, RiskSeverity.HIGH),
    (25, RiskSeverity.CRITICAL),
)
SEVERITIES = tuple(name for _, name in SEVERITY_BOUNDS)
# Open risks: not yet closed and not yet occurred (a risk being mitigated is still open).
OPEN_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


def score(probability: int, impact: int) -> int:
    return probability * impact


def severity(score_: int) -> RiskSeverity:
    for upper, name in SEVERITY_BOUNDS:
        if score_ <= upper:
            return name
    raise ValueError(f"a score is at most 25, not {score_}")


def expected_value(cost_impact: int | None, probability: int) -> int | None:
    """Cost impact (cents) x the probability's weight, in cents rounded half to even."""
    if cost_impact is None:
        return None
    return round(cost_impact * PROBABILITY_WEIGHT[probability])


def derived(probability: int, impact: int, cost_impact: int | None) -> dict[str, object]:
    """The stored, read-only fields of a risk."""
    s = score(probability, impact)
    return {
        "score": s,
        "severity": severity(s),
        "expected_value": expected_value(cost_impact, probability),
    }
