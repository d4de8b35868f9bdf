"""tools/audit_dependencies.py reads PyPI's project documents: what it makes of them, against
documents shaped as PyPI serves them (PyPI itself is not ours to call from the suite)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tools import audit_dependencies as audit

ADVISORY = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "fixed_in": ["2.0.1"],
    "withdrawn": None,
}


def _client(documents: dict[str, Any]) -> httpx.Client:
    def answer(request: httpx.Request) -> httpx.Response:
        name = request.url.path.split("/")[2]
        if name not in documents:
            return httpx.Response(404)
        return httpx.Response(200, json=documents[name])

    return httpx.Client(transport=httpx.MockTransport(answer))


def _document(latest: str, *advisories: dict[str, Any]) -> dict[str, Any]:
    return {"info": {"version": latest}, "vulnerabilities": list(advisories)}


@pytest.fixture(autouse=True)
def _no_waiting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit.time, "sleep", lambda _seconds: None)


def test_an_advisory_of_the_installed_latest_release_is_a_finding() -> None:
    with _client({"lib": _document("2.0", ADVISORY)}) as client:
        outcome = audit.audit(client, "lib", "2.0")
    assert outcome.checked
    assert outcome.advisories == ["PYSEC-2099-1 / CVE-2099-0001 (fixed in 2.0.1)"]


def test_a_withdrawn_advisory_is_not() -> None:
    withdrawn = {**ADVISORY, "withdrawn": "2099-02-01T00:00:00Z"}
    with _client({"lib": _document("2.0", withdrawn)}) as client:
        outcome = audit.audit(client, "lib", "2.0")
    assert outcome.checked and outcome.advisories == []


def test_a_release_below_the_latest_is_reported_unchecked_not_clean() -> None:
    with _client({"lib": _document("3.0", ADVISORY)}) as client:
        outcome = audit.audit(client, "lib", "2.0")
    assert not outcome.checked and outcome.advisories == [] and outcome.latest == "3.0"


def test_an_unanswered_package_is_reported_unreachable() -> None:
    with _client({}) as client:
        outcome = audit.audit(client, "gone", "1.0")
    assert not outcome.checked and outcome.error is not None
