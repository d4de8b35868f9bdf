"""The committed contract files are exactly what the code generates (CONTRACT §2 'spec')."""

from __future__ import annotations

from pathlib import Path

from pmo_api.contract import contract_files

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"


class TestContractFiles:
    def test_committed_files_match_the_code(self) -> None:
        for name, generated in contract_files().items():
            committed = (OPENAPI_DIR / name).read_text()
            assert committed == generated, f"openapi/{name} drifts: run `make openapi`"

    def test_generation_is_deterministic(self) -> None:
        assert contract_files() == contract_files()
