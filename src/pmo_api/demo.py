"""A small, realistic demo portfolio for `make run`, created through the same services as the
API so that every rule applies to it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import exists, select

from pmo_api.access.principal import LOCAL_ADMIN
from pmo_api.db.database import Database
from pmo_api.portfolios import repository as portfolio_repo
from pmo_api.portfolios import service as portfolios
from pmo_api.portfolios.schemas import ObjectiveCreate, PortfolioCreate
from pmo_api.projects import service as projects
from pmo_api.projects.schemas import ProjectCreate
from pmo_api.settings import Settings

_PROJECTS = [
    (
        "CRM-2026",
        "Customer 360 CRM rollout",
        "active",
        3,
        "2026-01-05",
        "2026-12-18",
        "1850000",
        "Dana Ortiz",
        "Priya Raman",
        ["crm", "sales"],
    ),
    (
        "ERP-UPG",
        "ERP upgrade to the cloud edition",
        "active",
        1,
        "2025-10-01",
        "2027-03-31",
        "4200000",
        "Marc Dubois",
        "Lena Fischer",
        ["erp", "finance"],
    ),
    (
        "DATA-LAKE",
        "Enterprise data platform",
        "on_hold",
        2,
        "2026-03-02",
        "2026-11-27",
        "960000",
        "Dana Ortiz",
        "Samuel Okafor",
        ["data"],
    ),
    (
        "MOBILE-3",
        "Field service mobile app v3",
        "approved",
        3,
        "2026-07-01",
        "2027-02-26",
        "640000",
        "Ines Moreau",
        "Tom Becker",
        ["mobile"],
    ),
    (
        "SEC-ZT",
        "Zero-trust network access",
        "proposed",
        2,
        "2027-01-11",
        "2027-09-30",
        "1200000",
        "Marc Dubois",
        None,
        ["security"],
    ),
    (
        "HR-PORTAL",
        "Employee self-service portal",
        "completed",
        4,
        "2025-04-07",
        "2025-12-19",
        "380000",
        "Ines Moreau",
        "Priya Raman",
        ["hr"],
    ),
]


async def seed_demo(settings: Settings, *, only_if_empty: bool) -> bool:
    db = Database(settings)
    try:
        async with db.write() as conn:
            if only_if_empty:
                has_any = await conn.execute(
                    select(exists().where(portfolio_repo.portfolios.c.id.isnot(None)))
                )
                if has_any.scalar():
                    return False
            portfolio = await portfolios.create_portfolio(
                conn,
                principal=LOCAL_ADMIN,
                data=PortfolioCreate(
                    name="Digital Transformation",
                    description="Programmes that modernise how we sell, serve and run the "
                    "business.",
                    currency="USD",
                    owner="Chief Digital Officer",
                ),
            )
            for name, weight in (
                ("Grow recurring revenue", 3.0),
                ("Cut operating cost", 2.0),
                ("Reduce security risk", 1.5),
            ):
                await portfolios.create_objective(
                    conn,
                    principal=LOCAL_ADMIN,
                    portfolio_id=portfolio["id"],
                    data=ObjectiveCreate(name=name, weight=weight),
                )
            for (
                code,
                name,
                status,
                priority,
                start,
                finish,
                budget,
                sponsor,
                manager,
                tags,
            ) in _PROJECTS:
                await projects.create_project(
                    conn,
                    principal=LOCAL_ADMIN,
                    data=ProjectCreate(
                        code=code,
                        portfolio_id=portfolio["id"],
                        name=name,
                        status=status,
                        priority=priority,
                        start_date=date.fromisoformat(start),
                        finish_date=date.fromisoformat(finish),
                        budget=Decimal(budget),
                        sponsor=sponsor,
                        manager=manager,
                        tags=tags,
                        objectives=[f"Deliver {name.lower()}"],
                    ),
                )
        return True
    finally:
        await db.dispose()
