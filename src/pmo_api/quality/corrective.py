"""A finding's corrective action: an action item of the shared actions domain (source
`finding`, source id the finding's id), written through the actions service in the finding's
transaction. The one place the quality domain writes to the actions domain.

A finding shows its corrective action's id, owner, due date and status (the repository joins
the item: the first one made for the finding, should another be made by hand)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.access.principal import Principal
from pmo_api.actions import service as actions
from pmo_api.actions.models import ActionSource
from pmo_api.actions.schemas import ActionItemCreate, ActionItemPatch
from pmo_api.core.errors import NotFound
from pmo_api.core.etags import NO_PRECONDITION

# A finding's fields that are its corrective action's, by the action item's names.
ACTION_FIELDS = {"action_owner": "owner", "action_due_date": "due_date", "action_status": "status"}
_TITLE = "Corrective action: "


def title_of(description: str) -> str:
    """The action item's title: the finding's description (its first line), cut to fit."""
    first = description.strip().splitlines()[0] if description.strip() else "finding"
    title = _TITLE + first.strip()
    return title if len(title) <= 200 else title[:199].rstrip() + "…"


def split(values: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A finding's values as (its own, its corrective action's by the action item's names)."""
    own = {k: v for k, v in values.items() if k not in ACTION_FIELDS}
    action = {ACTION_FIELDS[k]: v for k, v in values.items() if k in ACTION_FIELDS}
    return own, action


async def create_corrective_action(
    conn: AsyncConnection,
    principal: Principal,
    finding: Mapping[Any, Any],
    action: Mapping[str, Any],
) -> None:
    """The corrective action of a finding just written (`finding`: its row), from `action`
    (owner, due_date, status)."""
    data = ActionItemCreate.model_construct(
        title=title_of(finding["description"]),
        description=finding["description"],
        owner=action.get("owner"),
        due_date=action.get("due_date"),
        status=action.get("status") or "open",
        source=ActionSource.FINDING.value,
        source_id=finding["id"],
    )
    await actions.create_action_item(
        conn,
        principal=principal,
        ref=finding["project_id"],
        data=data,
        source=ActionSource.FINDING,
        source_id=finding["id"],
    )


async def update_corrective_action(
    conn: AsyncConnection,
    principal: Principal,
    finding: Mapping[Any, Any],
    changes: Mapping[str, Any],
) -> None:
    """Apply `changes` (the action item's fields; a new description renames it) to the
    corrective action of `finding` (its row as shown, before the change); a finding whose
    action item was deleted gets a new one."""
    if finding["action_item_id"] is None:
        if not any(k != "description" for k in changes):
            return
        current = {v: finding[k] for k, v in ACTION_FIELDS.items()}
        merged = {**finding, **{k: v for k, v in changes.items() if k == "description"}}
        action = {**current, **{k: v for k, v in changes.items() if k != "description"}}
        await create_corrective_action(conn, principal, merged, action)
        return
    values = dict(changes)
    if "description" in values:
        values["title"] = title_of(values["description"])
    if not values:
        return
    await actions.update_action_item(
        conn,
        principal=principal,
        object_id=finding["action_item_id"],
        patch=ActionItemPatch.model_construct(**values),
        precondition=NO_PRECONDITION,
    )


async def remove_corrective_action(
    conn: AsyncConnection, principal: Principal, finding: Mapping[Any, Any]
) -> None:
    """Before the finding is deleted: its corrective action goes with it (audited)."""
    if finding.get("action_item_id") is None:
        return
    try:
        await actions.delete_action_item(
            conn,
            principal=principal,
            object_id=finding["action_item_id"],
            precondition=NO_PRECONDITION,
        )
    except NotFound:  # deleted meanwhile by hand
        return
