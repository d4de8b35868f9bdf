"""What a new gate review starts from when its body names no criteria: the criteria of the gate
definition (key, text, `must`/`should`) whose key is the gate milestone's `gate_key`, in the
version of the methodology template the project was made from (or had applied). A later
version of the template never changes them: the project records its version."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from pmo_api.templates.service import gate_definition


async def criteria_from_template(
    conn: AsyncConnection, project: Mapping[Any, Any], milestone: Mapping[Any, Any]
) -> list[dict[str, Any]]:
    """The criteria (each `{key, text, level, result: null, evidence_url: null, comment: null}`)
    of the gate definition matching the gate milestone's `gate_key` in the template version
    the project records; none when the project has no template, the milestone no gate key, or
    the template no such gate."""
    if milestone["gate_key"] is None:
        return []
    gate = await gate_definition(conn, project["id"], milestone["gate_key"])
    if gate is None:
        return []
    return [
        {
            "key": c["key"],
            "text": c["text"],
            "level": c["level"],
            "result": None,
            "evidence_url": None,
            "comment": None,
        }
        for c in gate["criteria"]
    ]
