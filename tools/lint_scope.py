"""The scope lint: the rule "a live project inside the caller's portfolios" is written in one
place, `src/pmo_api/access/scope.py` (with the principal's own data in `access/`), and every
read starts from it. This fails when the rule is written anywhere else in `src/`:

- a portfolio filter: `.portfolio_filter(...)`, `.sees_portfolio(...)`, or reading a
  principal's `.portfolio_ids` (an expression whose name says principal or caller);
- the archived test: any `<table>.c.archived_at` column reference.

Usage: `python tools/lint_scope.py [ROOT ...]` (default `src/pmo_api`); exit 1 with one line
per finding (`path:line: what`), 0 when clean. `make lint` runs it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

# Where the rule lives. access/ also holds the principal itself (its keys, its middleware).
ALLOWED = ("access/",)
_FILTER_METHODS = {"portfolio_filter", "sees_portfolio"}
_PRINCIPAL_NAMES = ("principal", "caller")


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def findings(source: str, path: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every piece of the scope rule written in `source`."""
    for node in ast.walk(ast.parse(source, filename=path)):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr in _FILTER_METHODS:
            yield node.lineno, f"`.{node.attr}` is the scope rule: start from access/scope.py"
        elif node.attr == "portfolio_ids":
            owner = _dotted(node.value).lower()
            if any(name in owner for name in _PRINCIPAL_NAMES):
                yield (
                    node.lineno,
                    (
                        f"`{_dotted(node)}` filters by the caller's portfolios: "
                        "use access/scope.py (or a Principal method)"
                    ),
                )
        elif (
            node.attr == "archived_at"
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "c"
        ):
            yield node.lineno, "the archived test is part of the scope rule: use access/scope.py"


def lint(roots: list[Path]) -> list[str]:
    out = []
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative.startswith(ALLOWED):
                continue
            for line, what in findings(path.read_text(), str(path)):
                out.append(f"{path}:{line}: {what}")
    return out


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("src/pmo_api")]
    problems = lint(roots)
    for problem in problems:
        print(problem)
    if problems:
        print(f"scope lint: {len(problems)} finding(s); the rule lives in access/scope.py")
        return 1
    print("scope lint: the scope rule is written only in access/")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
