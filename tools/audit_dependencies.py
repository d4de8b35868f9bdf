"""Known vulnerabilities in the installed dependencies, from PyPI's own advisory data.

`pip-audit` asks PyPI for each release's advisories (`/pypi/<name>/<version>/json`) or asks
OSV; neither answers on these build machines (the per-release document is refused, OSV is
unreachable). PyPI's project document (`/pypi/<name>/json`) does answer, and it carries the
advisories (from the same OSV data that pip-audit uses) of the project's latest release. So:

- a package installed at its latest release is checked: every advisory PyPI lists for it, not
  withdrawn, is a finding, and any finding fails the run (exit 1);
- a package held below its latest release (another package's upper bound, usually) cannot be
  checked from here: it is listed by name, with both versions, so that a reader sees exactly
  what was not covered; `make audit` with pip-audit covers it where OSV is reachable;
- a package whose document cannot be fetched (after retries) is listed as unreachable.

Run with the environment's own interpreter (`make audit-ci`); it audits that environment.
"""

from __future__ import annotations

import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import httpx
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

PROJECT_URL = "https://pypi.org/pypi/{name}/json"
OURS = "pmo-api"
TRIES = 3
TIMEOUT_SECONDS = 20


@dataclass
class Outcome:
    name: str
    installed: str
    latest: str | None = None
    advisories: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def checked(self) -> bool:
        return self.error is None and _same(self.installed, self.latest)


def _same(a: str, b: str | None) -> bool:
    if b is None:
        return False
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def installed() -> dict[str, str]:
    found: dict[str, str] = {}
    for dist in metadata.distributions():
        name = canonicalize_name(dist.metadata["Name"] or "")
        if name and name != OURS:
            found[name] = dist.version
    return found


def _fetch(client: httpx.Client, name: str) -> dict[str, Any]:
    last: Exception | None = None
    for attempt in range(TRIES):
        try:
            response = client.get(PROJECT_URL.format(name=name))
            response.raise_for_status()
            document: dict[str, Any] = response.json()
            return document
        except (httpx.HTTPError, ValueError) as exc:
            last = exc
            time.sleep(1 + attempt)
    raise RuntimeError(str(last))


def audit(client: httpx.Client, name: str, version: str) -> Outcome:
    outcome = Outcome(name, version)
    try:
        document = _fetch(client, name)
    except RuntimeError as exc:
        outcome.error = str(exc)
        return outcome
    info = document.get("info")
    outcome.latest = str(info.get("version")) if isinstance(info, dict) else None
    if outcome.checked:
        for advisory in document.get("vulnerabilities") or []:
            if isinstance(advisory, dict) and not advisory.get("withdrawn"):
                ids = [advisory.get("id"), *(advisory.get("aliases") or [])]
                fixed = ", ".join(advisory.get("fixed_in") or []) or "no fix yet"
                outcome.advisories.append(f"{' / '.join(map(str, ids))} (fixed in {fixed})")
    return outcome


def main() -> int:
    packages = installed()
    timeout = httpx.Timeout(TIMEOUT_SECONDS)
    with httpx.Client(timeout=timeout) as client, ThreadPoolExecutor(max_workers=8) as pool:
        found = pool.map(lambda item: audit(client, *item), packages.items())
        outcomes = sorted(found, key=lambda o: o.name)
    vulnerable = [o for o in outcomes if o.advisories]
    checked = [o for o in outcomes if o.checked]
    held = [o for o in outcomes if o.error is None and not o.checked]
    unreachable = [o for o in outcomes if o.error is not None]
    for o in vulnerable:
        print(f"VULNERABLE {o.name} {o.installed}: " + "; ".join(o.advisories))
    for o in held:
        print(f"not checked: {o.name} {o.installed} is below its latest release {o.latest}")
    for o in unreachable:
        print(f"not checked: {o.name} {o.installed}: PyPI did not answer ({o.error})")
    known = sum(len(o.advisories) for o in outcomes)
    print(
        f"audit: {len(outcomes)} installed packages; {len(checked)} at their latest release, "
        f"checked: {known} known vulnerabilities; {len(held)} held below their latest release "
        f"and {len(unreachable)} unreachable, not checked"
    )
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())
