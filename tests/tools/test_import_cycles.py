"""tools/import_cycles.py: it finds a cycle of module-level imports, ignores imports that run
later (inside functions, under TYPE_CHECKING), and the source tree has none."""

from __future__ import annotations

from pathlib import Path

from tools.import_cycles import cycles, graph

SRC = Path(__file__).resolve().parents[2] / "src"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in {"pmo_api/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_a_cycle_through_three_modules_is_found(tmp_path: Path) -> None:
    src = _tree(
        tmp_path,
        {
            "pmo_api/a.py": "from pmo_api import b\n",
            "pmo_api/b.py": "from pmo_api.c import thing\n",
            "pmo_api/c.py": "import pmo_api.a\nthing = 1\n",
        },
    )
    assert cycles(graph(src)) == [["pmo_api.a", "pmo_api.b", "pmo_api.c"]]


def test_imports_that_run_later_are_not_edges(tmp_path: Path) -> None:
    src = _tree(
        tmp_path,
        {
            "pmo_api/a.py": "from pmo_api import b\n",
            "pmo_api/b.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from pmo_api import a\n"
                "def f():\n    from pmo_api import a\n"
            ),
        },
    )
    assert cycles(graph(src)) == []


def test_the_source_tree_has_no_import_cycle() -> None:
    assert cycles(graph(SRC)) == []
