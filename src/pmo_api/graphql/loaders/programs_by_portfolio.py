"""The programmes of each portfolio (creation order, REST's cursors), for
`portfolio.programs`: every first page of a request in one statement per distinct page size
and filter."""

from __future__ import annotations

import dataclasses
import uuid

from pmo_api.access.principal import Principal
from pmo_api.db.database import Database
from pmo_api.graphql.loaders.first_pages import OwnerPages
from pmo_api.programs import service
from pmo_api.programs.models import programs
from pmo_api.programs.repository import sort_of


def _of_portfolio(wanted: service.ProgramFilter, portfolio_id: uuid.UUID) -> service.ProgramFilter:
    return dataclasses.replace(wanted, portfolio=portfolio_id)


def programs_by_portfolio(db: Database, principal: Principal) -> OwnerPages[service.ProgramFilter]:
    return OwnerPages(
        db,
        principal,
        service.list_programs,
        programs.c.portfolio_id,
        sort_of(None),
        alone=_of_portfolio,
    )
