"""What the demo PMO holds (demo.py loads it): three portfolios, eleven projects in every state,
and for each project in flight the figures that make its health come out as named here, each
for a reason `/api/v1/projects/{code}/health` explains:

- green: CRM-2026, WMS-ROLL (on plan, on budget, nothing overdue, no high risk);
- amber: ERP-UPG (CPI 0.90: over budget), PROC-AUTO (SPI 0.90: behind), WEB-NEXT (a high risk
  open, a milestone overdue);
- red: DATA-LAKE (on hold; its design gate is overdue), FLEET-EV (a critical risk open);
- not judged: MOBILE-3 (approved), SEC-ZT (proposed): "not started"; HR-PORTAL (completed),
  CALL-AI (cancelled): "closed".

Dates are relative to the day the demo is loaded, so the mix holds whenever it is loaded."""

from __future__ import annotations

from dataclasses import dataclass

PORTFOLIOS = {
    "digital": (
        "Digital Transformation",
        "Programmes that modernise how we sell, serve and run the business.",
        "USD",
        "Chief Digital Officer",
        (("Grow recurring revenue", 3.0), ("Cut operating cost", 2.0)),
    ),
    "operations": (
        "Operations Excellence",
        "Warehouses, fleet and procurement: cheaper, greener, faster.",
        "EUR",
        "Chief Operating Officer",
        (("Cut logistics cost 10%", 3.0), ("Halve fleet emissions by 2028", 2.0)),
    ),
    "customer": (
        "Customer Experience",
        "Every channel a customer reaches us by.",
        "USD",
        "Chief Customer Officer",
        (("Raise NPS to 45", 2.5), ("Reduce security risk", 1.5)),
    ),
}


@dataclass(frozen=True)
class DemoProgram:
    portfolio: str  # a key of PORTFOLIOS
    name: str
    description: str
    sponsor: str
    manager: str
    objectives: tuple[str, ...]  # names of the portfolio's objectives
    projects: tuple[str, ...]  # codes of its projects


# A programme of three projects (issue 16): its rollups sum theirs.
PROGRAMS = (
    DemoProgram(
        "digital", "Core Platforms", "The CRM, ERP and data platform the rest builds on.",
        "Dana Ortiz", "Lena Fischer", ("Grow recurring revenue", "Cut operating cost"),
        ("CRM-2026", "ERP-UPG", "DATA-LAKE"),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class DemoProject:
    portfolio: str  # a key of PORTFOLIOS
    code: str
    name: str
    status: str
    priority: int
    start: int  # months from this month (negative: started before)
    months: int  # the plan's length; the baseline spreads the budget evenly over it
    budget: int  # whole currency units
    sponsor: str
    manager: str | None
    tags: tuple[str, ...]
    spi: float = 1.0  # what progress makes of it today (in flight only)
    cpi: float = 1.0  # what the costs make of it today
    finding: str | None = None  # overdue_gate, overdue, critical or high: health's other rules


PROJECTS = (
    DemoProject(
        "digital", "CRM-2026", "Customer 360 CRM rollout", "active", 3, -4, 12, 1_850_000,
        "Dana Ortiz", "Priya Raman", ("crm", "sales"), spi=1.02, cpi=1.01,
    ),
    DemoProject(
        "digital", "ERP-UPG", "ERP upgrade to the cloud edition", "active", 1, -8, 18, 4_200_000,
        "Marc Dubois", "Lena Fischer", ("erp", "finance"), spi=0.97, cpi=0.90,
    ),
    DemoProject(
        "digital", "DATA-LAKE", "Enterprise data platform", "on_hold", 2, -5, 10, 960_000,
        "Dana Ortiz", "Samuel Okafor", ("data",), spi=0.96, cpi=0.98, finding="overdue_gate",
    ),
    DemoProject(
        "digital", "MOBILE-3", "Field service mobile app v3", "approved", 3, 2, 8, 640_000,
        "Ines Moreau", "Tom Becker", ("mobile",),
    ),
    DemoProject(
        "digital", "HR-PORTAL", "Employee self-service portal", "completed", 4, -14, 9, 380_000,
        "Ines Moreau", "Priya Raman", ("hr",), cpi=0.94,
    ),
    DemoProject(
        "operations", "WMS-ROLL", "Warehouse management rollout", "active", 2, -3, 9, 1_100_000,
        "Karl Jensen", "Aiko Tanaka", ("logistics",), spi=0.99, cpi=1.04,
    ),
    DemoProject(
        "operations", "FLEET-EV", "Electric delivery fleet", "active", 1, -6, 15, 2_750_000,
        "Karl Jensen", "Omar Haddad", ("fleet", "esg"), spi=0.98, cpi=0.96, finding="critical",
    ),
    DemoProject(
        "operations", "PROC-AUTO", "Procure-to-pay automation", "active", 3, -5, 10, 720_000,
        "Lena Fischer", "Tom Becker", ("finance",), spi=0.90, cpi=0.99,
    ),
    DemoProject(
        "customer", "WEB-NEXT", "Website and checkout redesign", "active", 2, -4, 9, 890_000,
        "Ines Moreau", "Sara Lindqvist", ("web", "sales"), spi=0.98, cpi=0.97, finding="high",
    ),
    DemoProject(
        "customer", "SEC-ZT", "Zero-trust network access", "proposed", 2, 5, 9, 1_200_000,
        "Marc Dubois", None, ("security",),
    ),
    DemoProject(
        "customer", "CALL-AI", "AI call-centre assistant", "cancelled", 4, -9, 8, 540_000,
        "Dana Ortiz", "Omar Haddad", ("ai",), cpi=0.8,
    ),
)  # fmt: skip

# The risks of health's risk rule (probability, impact: score 20 is critical, 12 high), and a
# medium one every project in flight has.
RISKS = {
    "critical": ("Battery supplier cannot deliver before Q3", 5, 4, "vendor"),
    "high": ("Payment provider migration slips", 3, 4, "technical"),
}
MEDIUM_RISK = ("Key staff pulled onto other work", 2, 3, "resourcing")

# The KPI every project in flight reports monthly (besides the built-in cpi and spi).
CSAT = ("csat", "Customer satisfaction", "%", 85.0, 80.0, 70.0)
