"""What crosses the API edge for the deletions feed."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from pmo_api.audit.models import ObjectType
from pmo_api.core.listing import ListParams, Page, many, sorted_by
from pmo_api.deletions.models import TombstoneReason

Reason = Literal["deleted", "moved"]
assert set(Reason.__args__) == {r.value for r in TombstoneReason}  # type: ignore[attr-defined]


class DeletionOut(BaseModel):
    id: uuid.UUID = Field(description="The tombstone's own id (the cursor's tie-breaker).")
    object_type: str = Field(description="The resource, as the audit trail names it: `cost`.")
    object_id: uuid.UUID = Field(description="The id the row had.")
    project_id: uuid.UUID | None = Field(
        description="Its project (the project itself for a project); null for a portfolio, "
        "an objective or a KPI definition."
    )
    portfolio_id: uuid.UUID | None = Field(
        description="The portfolio it was in when it went (for a move: the one it left)."
    )
    program_id: uuid.UUID | None = Field(
        description="The programme its project was in when it went (a programme's own "
        "tombstone: the programme); null when none. A project moved between programmes of one "
        "portfolio writes no tombstone."
    )
    deleted_at: datetime
    reason: Reason = Field(
        description="`deleted` (deleted, or archived: gone from the API alike), or `moved`: a "
        "project moved to another portfolio, gone from this one's scope. A project's "
        "tombstone stands for every row it owned too."
    )


class DeletionPage(Page[DeletionOut]):
    pass


class DeletionFeedParams(ListParams):
    """`updated_since` here is the deletion time: pass the watermark every feed is pulled with."""

    object_type: list[ObjectType] = many()
    portfolio_id: list[uuid.UUID] = many()
    program_id: list[uuid.UUID] = many()
    project: list[str] = many()
    sort: str | None = sorted_by("deleted_at", "id")
