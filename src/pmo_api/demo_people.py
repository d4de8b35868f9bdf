"""The demo's resource picture (demo_resources.py loads it after the projects of demo_data.py):
six roles, ten skills, twenty-four resources, their cost rates, time off and certifications, two
organisation holidays, allocations on the projects and the time entries of the last weeks.

What a fresh `make run` shows with it:

- people in two currencies: whoever works for Operations Excellence (EUR) has EUR rates, the
  others USD, since a time entry is refused when its rate is in another currency than its
  project's portfolio;
- two part-time people (Grace O'Neill at factor 0.5, Chloé Martin on a four-day week), a
  placeholder for a data engineer not hired yet (employed from a month from now) and a
  warehouse squad of four (a team at factor 4);
- one mid-period rate change (Daniel Kim's annual review, inside the weeks of time entries, so
  his entries are priced at two rates);
- allocations in every mode and status, role-only (unfilled) demand on CRM-2026, ERP-UPG,
  FLEET-EV, MOBILE-3 and SEC-ZT, and two people booked above their capacity for the coming
  weeks (Jonas Meyer on CRM-2026 and ERP-UPG; Grace O'Neill, whose WEB-NEXT request comes on
  top of CRM-2026): `GET /api/v1/over-allocations` lists them;
- Priya Raman's PMP expiring within the 30 days `GET /api/v1/certifications/expiring` looks at;
- time entries for the approved allocations of people on the projects in flight, every working
  day of the last LOGGED_WEEKS weeks up to today (DATA-LAKE's stop when it went on hold), at
  about what the allocation plans for the day.

Days are counted from today (or from this week's Monday, where a weekday matters), as
demo_data.py's months are, so that the picture holds whenever the demo is loaded."""

from __future__ import annotations

from dataclasses import dataclass

# Roles by a short key: name, default cost rate per hour (whole units, as the API takes money)
# and its currency.
ROLES = {
    "pm": ("Project Manager", 120, "USD"),
    "ba": ("Business Analyst", 95, "USD"),
    "arch": ("Solution Architect", 145, "USD"),
    "dev": ("Software Engineer", 105, "USD"),
    "de": ("Data Engineer", 110, "USD"),
    "qa": ("QA Engineer", 80, "USD"),
}

# Skills by a short key: name and description.
SKILLS = {
    "agile": ("Agile delivery", "Scrum and Kanban, backlog management, release planning."),
    "stake": ("Stakeholder management", "Sponsors, steering committees, communication."),
    "sap": ("SAP S/4HANA", "Finance and logistics modules, migration cockpit."),
    "sfdc": ("Salesforce", "Sales and Service Cloud configuration and Apex."),
    "java": ("Java", "Spring Boot services and integration."),
    "python": ("Python", "Services, automation and data pipelines."),
    "sql": ("SQL and data modelling", "Warehouse and lakehouse models, query tuning."),
    "aws": ("Cloud (AWS)", "Landing zones, networking, serverless."),
    "testing": ("Test automation", "API and UI test suites in CI."),
    "logistics": ("Logistics processes", "Warehousing, transport planning, fleet operations."),
}


@dataclass(frozen=True)
class DemoResource:
    key: str  # the handle the allocations, time off and certifications below use
    name: str
    role: str  # a key of ROLES
    rate: int | None  # cost per hour in whole units, from a year ago; None: no rate
    currency: str
    skills: tuple[tuple[str, int], ...]  # (a key of SKILLS, level 1-5)
    kind: str = "person"
    factor: float = 1.0  # availability_factor: below 1 part-time, above 1 a team
    friday: float = 8.0  # hours on Fridays: 0 is a four-day week
    starts_in: int | None = None  # days from today its employment starts (a future hire)


R = DemoResource
RESOURCES = (
    # Digital Transformation and Customer Experience (USD)
    R("priya", "Priya Raman", "pm", 118, "USD", (("agile", 5), ("stake", 4))),
    R("lena", "Lena Fischer", "pm", 125, "USD", (("sap", 3), ("stake", 5))),
    R("samuel", "Samuel Okafor", "pm", 115, "USD", (("agile", 4), ("sql", 2))),
    R("sara", "Sara Lindqvist", "pm", 112, "USD", (("agile", 4), ("stake", 3))),
    R("noah", "Noah Williams", "ba", 92, "USD", (("sfdc", 4), ("stake", 3))),
    R("mei", "Mei Chen", "ba", 95, "USD", (("sap", 4), ("sql", 3))),
    R("jonas", "Jonas Meyer", "arch", 150, "USD", (("aws", 5), ("java", 4), ("sap", 3))),
    R("fatima", "Fatima Zahra", "arch", 145, "USD", (("aws", 4), ("sql", 4))),
    R("lucas", "Lucas Silva", "dev", 105, "USD", (("sfdc", 4), ("java", 3))),
    R("emma", "Emma Novak", "dev", 108, "USD", (("java", 5), ("python", 3))),
    R("daniel", "Daniel Kim", "dev", 100, "USD", (("python", 4), ("aws", 3))),
    R("chloe", "Chloé Martin", "dev", 98, "USD", (("java", 3), ("testing", 2)), friday=0.0),
    R("arjun", "Arjun Patel", "de", 112, "USD", (("python", 5), ("sql", 5))),
    R("grace", "Grace O'Neill", "qa", 82, "USD", (("testing", 4),), factor=0.5),
    R("ravi", "Ravi Shah", "qa", 80, "USD", (("testing", 3), ("sap", 2))),
    # Operations Excellence (EUR)
    R("tom", "Tom Becker", "pm", 105, "EUR", (("agile", 3), ("logistics", 3))),
    R("aiko", "Aiko Tanaka", "pm", 110, "EUR", (("logistics", 5), ("stake", 4))),
    R("omar", "Omar Haddad", "pm", 112, "EUR", (("stake", 4), ("logistics", 4))),
    R("sofia", "Sofia Rossi", "ba", 85, "EUR", (("logistics", 5), ("sap", 3))),
    R("lukas", "Lukas Wagner", "dev", 95, "EUR", (("java", 4), ("sql", 3))),
    R("elif", "Elif Yilmaz", "de", 98, "EUR", (("python", 4), ("sql", 4))),
    R("pieter", "Pieter de Vries", "qa", 75, "EUR", (("testing", 5),)),
    # Not people: a hire not made yet, and a pooled team (its hours x 4).
    R("new-de", "Data Engineer (new hire)", "de", None, "USD", (), "placeholder", starts_in=30),
    R("squad", "Warehouse Integration Squad", "dev", None, "EUR", (("logistics", 4),), "team", 4.0),
)

# Daniel Kim's annual review: (resource, days from this week's Monday, new rate per hour), a
# Monday inside the weeks of time entries, so that they show both rates.
RAISE = ("daniel", -7, 108)

# Certifications: (resource, name, issued and expiring in days from today; None: no expiry).
CERTIFICATIONS = (
    ("priya", "PMP", -1_077, 18),  # expiring soon: renewal due
    ("lena", "PMP", -700, 395),
    ("aiko", "PRINCE2 Practitioner", -1_135, -40),  # lapsed
    ("jonas", "AWS Certified Solutions Architect - Professional", -480, 250),
    ("fatima", "AWS Certified Data Engineer - Associate", -300, 795),
    ("sofia", "SAP Certified Associate - Extended Warehouse Management", -900, None),
    ("grace", "ISTQB Certified Tester Foundation Level", -1_500, None),
    ("pieter", "ISTQB Advanced Level Test Analyst", -620, None),
)

# Time off: (resource, first and last day from this week's Monday, hours a day (None: whole
# days), note).
TIME_OFF = (
    ("daniel", -14, -12, None, "Family visit"),  # past: no time entries those days
    ("lukas", -5, -3, None, "Vacation"),
    ("emma", 14, 18, None, "Vacation"),
    ("sofia", 7, 11, 4.0, "SAP EWM course, mornings"),
    ("arjun", 28, 39, None, "Parental leave"),
)

# Organisation holidays: (days from this week's Monday, name): a Friday past, a Monday to come.
HOLIDAYS = ((-10, "Founders' Day"), (21, "Company offsite: offices closed"))


@dataclass(frozen=True)
class DemoAllocation:
    project: str  # a project's code (demo_data.PROJECTS)
    who: str | None  # a resource's key; None: role-only demand for `role`
    mode: str  # hours_per_day, percent or total_hours
    amount: float
    status: str  # tentative, requested, approved or rejected
    role: str | None = None  # role-only demand's role (a key of ROLES)
    start: int | None = None  # days from today; None: the project's start
    end: int | None = None  # days from today; None: the project's finish
    note: str | None = None


A = DemoAllocation
HPD, PCT, TOTAL = "hours_per_day", "percent", "total_hours"
ALLOCATIONS = (
    A("CRM-2026", "priya", PCT, 60, "approved"),
    A("CRM-2026", "noah", PCT, 80, "approved"),
    A("CRM-2026", "lucas", HPD, 8, "approved"),
    A("CRM-2026", "grace", PCT, 100, "approved", start=-60),
    A("CRM-2026", "jonas", HPD, 4, "approved", start=-45, end=45, note="Integration design"),
    A("CRM-2026", None, HPD, 6, "requested", role="dev", start=30, note="Service Cloud wave"),
    A("ERP-UPG", "lena", PCT, 80, "approved"),
    A("ERP-UPG", "jonas", HPD, 5, "approved"),
    A("ERP-UPG", "emma", HPD, 8, "approved"),
    A("ERP-UPG", "mei", PCT, 100, "approved"),
    A("ERP-UPG", "ravi", TOTAL, 320, "approved", start=-30, end=60, note="Regression cycles"),
    A("ERP-UPG", None, TOTAL, 240, "requested", role="ba", start=14, end=100, note="Migration"),
    A("DATA-LAKE", "samuel", PCT, 50, "approved"),
    A("DATA-LAKE", "arjun", HPD, 8, "approved"),
    A("DATA-LAKE", "fatima", PCT, 40, "approved"),
    A("DATA-LAKE", "new-de", HPD, 8, "tentative", start=30),
    A("WEB-NEXT", "sara", PCT, 70, "approved"),
    A("WEB-NEXT", "daniel", HPD, 7, "approved"),
    A("WEB-NEXT", "chloe", PCT, 100, "approved"),
    A("WEB-NEXT", "grace", HPD, 2, "requested", start=0, note="Checkout regression"),
    A("MOBILE-3", "tom", PCT, 40, "tentative", note="With PROC-AUTO: a full week"),
    A("MOBILE-3", None, HPD, 16, "tentative", role="dev", note="Two mobile developers"),
    A("MOBILE-3", None, PCT, 50, "tentative", role="qa"),
    A("SEC-ZT", "fatima", PCT, 50, "tentative"),
    A("SEC-ZT", None, PCT, 50, "tentative", role="pm"),
    A("WMS-ROLL", "aiko", PCT, 80, "approved"),
    A("WMS-ROLL", "sofia", PCT, 60, "approved"),
    A("WMS-ROLL", "lukas", HPD, 8, "approved"),
    A("WMS-ROLL", "squad", PCT, 75, "approved", note="Scanner and conveyor integration"),
    A("FLEET-EV", "omar", PCT, 70, "approved"),
    A("FLEET-EV", "elif", HPD, 6, "approved"),
    A("FLEET-EV", "pieter", PCT, 50, "approved"),
    A("FLEET-EV", "emma", HPD, 4, "rejected", start=0, end=90, note="Needed on ERP-UPG"),
    A("FLEET-EV", None, PCT, 25, "requested", role="arch", start=7),
    A("PROC-AUTO", "tom", PCT, 60, "approved"),
    A("PROC-AUTO", "sofia", PCT, 40, "approved"),
    A("PROC-AUTO", "pieter", PCT, 50, "approved"),
)

# Time entries: every working day from the Monday LOGGED_WEEKS weeks before this week's up to
# today (about 250 to 320 entries, by the weekday of today). Each entry is a write of its own
# that rebuilds its project's aggregates (about 8 ms), so these weeks set the demo's load time:
# more weeks would take it past a few seconds.
LOGGED_WEEKS = 2
# A project on hold logged its last hours this many days from this week's Monday (a Friday).
ON_HOLD_SINCE = -10
