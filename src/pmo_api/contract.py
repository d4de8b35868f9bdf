"""The committed contract files, generated from the code: openapi/openapi.json (OpenAPI 3.1) and
openapi/schema.graphql. Deterministic (sorted keys, fixed settings), so CI can diff them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pmo_api.app import create_app
from pmo_api.graphql.schema import build_schema
from pmo_api.settings import Settings

# Fixed settings: the contract must not depend on the environment it is generated in.
_SETTINGS = Settings(database_url="sqlite+aiosqlite:///:memory:", access_log=False)


def openapi_document() -> dict[str, Any]:
    document: dict[str, Any] = create_app(_SETTINGS).openapi()
    return document


def contract_files() -> dict[str, str]:
    return {
        "openapi.json": json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n",
        "schema.graphql": build_schema(_SETTINGS).as_str() + "\n",
    }


def write_contract_files(out: str | Path, *, check: bool = False) -> list[str]:
    """Write (or, with check, only compare) the files; return the names that differ."""
    directory = Path(out)
    changed = []
    for name, content in contract_files().items():
        path = directory / name
        current = path.read_text() if path.exists() else None
        if current != content:
            changed.append(name)
            if not check:
                directory.mkdir(parents=True, exist_ok=True)
                path.write_text(content)
    return changed
