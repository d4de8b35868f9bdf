"""The scope lint (tools/lint_scope.py): it finds the scope rule written outside access/, and
the source tree has none."""

from __future__ import annotations

from pathlib import Path

from tools.lint_scope import findings, lint

SRC = Path(__file__).resolve().parents[2] / "src" / "pmo_api"


class TestPlantedFilters:
    def test_an_inline_portfolio_filter_is_found(self) -> None:
        planted = "stmt = select(t).where(principal.portfolio_filter(projects.c.portfolio_id))\n"
        assert [line for line, _ in findings(planted, "x.py")] == [1]

    def test_reading_the_callers_portfolios_is_found(self) -> None:
        planted = "ok = x\nif ctx.principal.portfolio_ids is not None:\n    pass\n"
        assert [line for line, _ in findings(planted, "x.py")] == [2]

    def test_the_archived_test_is_found(self) -> None:
        planted = "live = projects.c.archived_at.is_(None)\n"
        assert [line for line, _ in findings(planted, "x.py")] == [1]

    def test_a_python_side_check_is_found(self) -> None:
        assert findings("caller.sees_portfolio(pid)\n", "x.py")

    def test_other_code_passes(self) -> None:
        clean = "ids = [p.portfolio_ids for p in feeds]\nchanges = {'archived_at': now}\n"
        assert list(findings(clean, "x.py")) == []

    def test_a_planted_file_in_a_tree_fails_the_lint(self, tmp_path: Path) -> None:
        (tmp_path / "access").mkdir()
        (tmp_path / "access" / "scope.py").write_text("live = projects.c.archived_at.is_(None)\n")
        (tmp_path / "risks").mkdir()
        (tmp_path / "risks" / "repository.py").write_text("x = principal.portfolio_filter(c)\n")
        found = lint([tmp_path])
        assert len(found) == 1 and "risks/repository.py:1" in found[0]


def test_the_source_tree_writes_the_rule_only_in_access() -> None:
    assert lint([SRC]) == []
