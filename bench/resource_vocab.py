"""The fixed vocabulary of the resources data set (bench/seed_resources.py): roles with their
weights and rates, skills, holidays, allocation modes and statuses, and the COPY columns."""

from __future__ import annotations

# (name, weight, hourly rate in cents): developers are the largest pool, as in most PMOs.
ROLES = [
    ("Developer", 30, 9_000),
    ("Senior Developer", 14, 12_000),
    ("Architect", 4, 15_000),
    ("Business Analyst", 8, 9_500),
    ("Project Manager", 7, 11_000),
    ("Tester", 8, 7_500),
    ("QA Lead", 2, 9_500),
    ("DevOps Engineer", 4, 11_000),
    ("Data Engineer", 4, 10_500),
    ("Data Scientist", 2, 12_500),
    ("UX Designer", 3, 9_000),
    ("Scrum Master", 2, 9_500),
    ("Product Owner", 2, 11_500),
    ("Security Analyst", 2, 12_000),
    ("Database Administrator", 1, 10_500),
    ("Network Engineer", 1, 9_500),
    ("Technical Writer", 1, 7_000),
    ("Support Engineer", 2, 6_500),
    ("Change Manager", 1, 10_000),
    ("Trainer", 1, 7_000),
]
SKILLS = [
    "Python",
    "Java",
    "TypeScript",
    "SQL",
    "PostgreSQL",
    "Kubernetes",
    "Terraform",
    "AWS",
    "Azure",
    "SAP",
    "Salesforce",
    "Power BI",
    "Spark",
    "Machine learning",
    "Figma",
    "Agile coaching",
    "Test automation",
    "Security review",
    "Networking",
    "Technical writing",
    "Stakeholder management",
    "Budgeting",
    "Risk management",
    "Data modelling",
    "Go",
    "React",
    "iOS",
    "Android",
    "ITIL",
    "Change management",
]
HOLIDAYS = [
    (1, 1, "New Year"),
    (5, 1, "Labour Day"),
    (12, 25, "Christmas Day"),
    (12, 26, "Boxing Day"),
    (7, 4, "Independence Day"),
    (11, 11, "Armistice Day"),
]
MOVABLE = {  # Easter Monday, Ascension, Whit Monday of each year
    2024: ("04-01", "05-09", "05-20"),
    2025: ("04-21", "05-29", "06-09"),
    2026: ("04-06", "05-14", "05-25"),
    2027: ("03-29", "05-06", "05-17"),
    2028: ("04-17", "05-25", "06-05"),
}
STATUS = (["approved"] * 55, ["requested"] * 15, ["tentative"] * 20, ["rejected"] * 10)
STATUSES = [s for group in STATUS for s in group]
MODES = ["hours_per_day"] * 50 + ["percent"] * 35 + ["total_hours"] * 15

ROLE_COLUMNS = ("id", "name", "default_rate", "currency", "created_at", "updated_at", "version")
SKILL_COLUMNS = ("id", "name", "description", "created_at", "updated_at", "version")
RESOURCE_COLUMNS = (
    "id",
    "kind",
    "name",
    "email",
    "role_id",
    "hours_mon",
    "hours_tue",
    "hours_wed",
    "hours_thu",
    "hours_fri",
    "hours_sat",
    "hours_sun",
    "availability_factor",
    "employment_start",
    "employment_end",
    "active",
    "created_at",
    "updated_at",
    "version",
)
RESOURCE_SKILL_COLUMNS = (
    "id",
    "resource_id",
    "skill_id",
    "level",
    "created_at",
    "updated_at",
    "version",
)
RATE_COLUMNS = (
    "id",
    "resource_id",
    "effective_from",
    "rate",
    "currency",
    "created_at",
    "updated_at",
    "version",
)
TIME_OFF_COLUMNS = (
    "id",
    "resource_id",
    "start_date",
    "end_date",
    "hours_per_day",
    "note",
    "created_at",
    "updated_at",
    "version",
)
HOLIDAY_COLUMNS = ("id", "day", "name", "created_at", "updated_at", "version")
ALLOCATION_COLUMNS = (
    "id",
    "project_id",
    "resource_id",
    "role_id",
    "start_date",
    "end_date",
    "mode",
    "amount",
    "status",
    "billable",
    "note",
    "created_at",
    "updated_at",
    "version",
)
TIME_ENTRY_COLUMNS = (
    "id",
    "project_id",
    "resource_id",
    "work_date",
    "hours",
    "note",
    "external_ref",
    "rate",
    "cost",
    "created_at",
    "updated_at",
    "version",
)
