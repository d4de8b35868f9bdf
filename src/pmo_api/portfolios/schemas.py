"""What crosses the API edge for portfolios and objectives."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from pmo_api.core.currency import CurrencyCode
from pmo_api.core.fields import LongText, Name, Person, Weight
from pmo_api.core.inputs import JsonBody
from pmo_api.core.listing import ListParams, many, sorted_by
from pmo_api.core.patch import MergePatch, patch_of


class PortfolioCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    currency: CurrencyCode = "USD"
    owner: Person | None = None


@patch_of(PortfolioCreate)
class PortfolioPatch(MergePatch):
    required_fields = frozenset({"name", "currency"})


class PortfolioOut(BaseModel):
    id: uuid.UUID
    name: str
    description: str | None
    currency: str
    owner: str | None
    created_at: datetime
    updated_at: datetime
    version: int


class PortfolioPage(BaseModel):
    data: list[PortfolioOut]
    next_cursor: str | None


class ObjectiveCreate(JsonBody):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: LongText | None = None
    weight: Weight = 1.0


@patch_of(ObjectiveCreate)
class ObjectivePatch(MergePatch):
    required_fields = frozenset({"name", "weight"})


class ObjectiveOut(BaseModel):
    id: uuid.UUID
    portfolio_id: uuid.UUID
    name: str
    description: str | None
    weight: float
    created_at: datetime
    updated_at: datetime
    version: int


class ObjectivePage(BaseModel):
    data: list[ObjectiveOut]
    next_cursor: str | None


class ObjectiveListParams(ListParams):
    sort: str | None = sorted_by("created_at", "id", "name", "updated_at", "weight")


class PortfolioListParams(ListParams):
    sort: str | None = sorted_by("created_at", "currency", "id", "name", "updated_at")
    currency: list[str] = many()
    owner: list[str] = many()
