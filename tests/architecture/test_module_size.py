"""The shape docs/architecture.md promises, checked: modules small enough to read in one sitting."""

from __future__ import annotations

from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "pmo_api"
MAX_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    sizes = {
        p.relative_to(SRC).as_posix(): len(p.read_text().splitlines()) for p in SRC.rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
