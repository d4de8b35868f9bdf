"""schemathesis hooks of `make fuzz` (fuzz/run.py loads this file through SCHEMATHESIS_HOOKS).

`positive_data_acceptance` is on (fuzz/openapi.toml): a request the OpenAPI document allows
must not be refused. A few rules cannot be written in JSON Schema (a value against another
field, stored data or the clock): their 422s are listed, each with its reason, in the table
"Rules the OpenAPI document cannot express" of docs/errors.md. The built-in check lets a 422
through (its expected statuses name it) and `refusal_is_documented` below holds every 422 to
a schema-valid request to that table: each error it names must be a row of it.
"""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path
from typing import Any

import schemathesis

ERRORS_DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
SECTION = "### Rules the OpenAPI document cannot express"


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def documented_rules(text: str) -> list[tuple[str, list[str], list[str]]]:
    """The table's rows: (operation, loc patterns, types), read from the doc's section."""
    rules = []
    section = text.split(SECTION, 1)[1].split("\n#", 1)[0]
    for line in section.splitlines():
        cells = _cells(line)
        if len(cells) < 4 or not cells[1].startswith("`") or cells[0] == "operation":
            continue
        locs = re.findall(r"`([^`]+)`", cells[1])
        types = re.findall(r"`([^`]+)`", cells[2])
        rules.append((cells[0], locs, types))
    return rules


RULES = documented_rules(ERRORS_DOC.read_text())


def _operation_matches(rule: str, method: str, path: str) -> bool:
    """`any`, `any list` (a GET), `any POST`, or `METHOD path-glob, …`."""
    if rule == "any":
        return True
    if rule == "any list":
        return method == "GET"
    if rule.startswith("any "):
        return method == rule.removeprefix("any ")
    for each in rule.split(", "):
        verb, _, glob = each.partition(" ")
        if verb == method and fnmatch.fnmatchcase(path, glob):
            return True
    return False


def is_documented(method: str, path: str, error: dict[str, Any]) -> bool:
    loc = ".".join(str(part) for part in error.get("loc", []))
    kind = str(error.get("type", ""))
    return any(
        _operation_matches(operation, method, path)
        and kind in types
        and any(fnmatch.fnmatchcase(loc, pattern) for pattern in locs)
        for operation, locs, types in RULES
    )


@schemathesis.check
def refusal_is_documented(ctx: Any, response: Any, case: Any) -> bool | None:
    """A schema-valid request refused with a 422 only by a rule of docs/errors.md's table."""
    meta = getattr(case, "meta", None)
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    try:
        errors = json.loads(response.content).get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    method, path = case.method.upper(), case.operation.path  # the template: `{id}` for `*`
    # A path parameter is typed in the spec (a UUID), so its refusal means the value did not come
    # from generation but from a stateful link (an optional id that was null: `/resources/None`).
    errors_of_data = [e for e in errors if (e.get("loc") or [None])[0] != "path"]
    if errors and not errors_of_data:
        return None
    undocumented = [e for e in errors_of_data if not is_documented(method, path, e)]
    if undocumented or not errors:
        raise AssertionError(
            "A request the spec allows was refused by a rule docs/errors.md does not list "
            f"(Rules the OpenAPI document cannot express): {json.dumps(undocumented or errors)}"
        )
    return None
