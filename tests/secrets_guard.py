"""No API key in the logs: a check over the whole test session, registered by conftest.py.

Every key the suite makes is remembered: keys are only ever formatted by
`pmo_api.access.service` (the fixtures' `make_key`, `POST /api/v1/api-keys`, the first admin
key, `pmo-api create-api-key` run in-process), whose `format_key` is wrapped for the session;
keys printed by a command-line subprocess are handed in by the test that runs it
(`observe_cli`). Everything the session logs is kept:
- every log record that reaches a logger (`logging.Logger.handle` is wrapped, so none escapes
  however the app reconfigures its handlers), formatted as the app formats it (JSON lines);
- everything each test wrote to stdout and stderr, as pytest captured it: the access log (on in
  the test settings) writes its JSON lines to stdout directly, bypassing `logging`;
- a subprocess's logs (`observe_cli`).
At the end of the session none of the keys, nor their secret parts, may appear anywhere in it,
and neither may anything shaped like a key (`pmo_<32 hex>_<secret>`): the run fails otherwise.

Only runs of key characters long enough to hold a secret are kept, so the check costs little
memory. With `-s` (no capture) the tests' stdout is not seen: the summary says so.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from pmo_api.access import keys, service
from pmo_api.logs import JSONFormatter

# `pmo_<key id hex>_<secret>` (access/keys.py format_key); secrets are
# secrets.token_urlsafe(32): 43 URL-safe characters.
SECRET_LENGTH = 43
KEY_SHAPE = re.compile(r"pmo_[0-9a-f]{32}_[A-Za-z0-9_-]{20,}")
_RUN = re.compile(rf"[A-Za-z0-9_-]{{{SECRET_LENGTH},}}")


def secret_of(key: str) -> str:
    return key.split("_", 2)[2]


class SecretsGuard:
    def __init__(self) -> None:
        self.keys: set[str] = set()
        # a long run of key characters -> where it was seen (the first few places)
        self.runs: dict[str, list[str]] = {}
        self.records = 0
        self.outputs = 0
        self.stdout_captured = True
        self.leaks: list[str] = []
        self._patch = pytest.MonkeyPatch()
        self._formatter = JSONFormatter()

    # --- what goes in ---------------------------------------------------------------------------

    def remember_key(self, key: str) -> None:
        self.keys.add(key)

    def observe(self, text: str, source: str) -> None:
        for run in _RUN.findall(text):
            sources = self.runs.setdefault(run, [])
            if len(sources) < 3 and source not in sources:
                sources.append(source)

    def observe_record(self, record: logging.LogRecord) -> None:
        self.records += 1
        try:
            text = self._formatter.format(record)
        except Exception:  # a record that cannot be formatted: look at its parts instead
            text = repr(record.__dict__)
        self.observe(text, f"log record of {record.name}")

    def observe_cli(self, out: str, err: str, source: str) -> None:
        """A command-line subprocess: a line that is exactly a key is the key it printed (its
        output, not a log); every other line of stdout, and stderr, is its log."""
        logged = []
        for line in out.splitlines():
            if KEY_SHAPE.fullmatch(line.strip()):
                self.remember_key(line.strip())
            else:
                logged.append(line)
        self.outputs += 1
        self.observe("\n".join(logged) + "\n" + err, source)

    # --- session hooks ----------------------------------------------------------------------------

    def install(self, config: pytest.Config) -> None:
        self.stdout_captured = config.getoption("capture", "fd") != "no"

        def format_key(key_id: uuid.UUID, secret: str) -> str:
            key = keys.format_key(key_id, secret)
            self.remember_key(key)
            return key

        original_handle = logging.Logger.handle

        def handle(logger: logging.Logger, record: logging.LogRecord) -> None:
            self.observe_record(record)
            original_handle(logger, record)

        self._patch.setattr(service, "format_key", format_key)
        self._patch.setattr(logging.Logger, "handle", handle)

    def uninstall(self) -> None:
        self._patch.undo()

    def observe_report(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        for title, content in report.sections:
            if title.startswith("Captured") and content:
                self.outputs += 1
                self.observe(content, f"{title} of {report.nodeid}")

    def check(self) -> list[str]:
        secrets = {secret_of(k): k for k in self.keys}
        leaks = []
        for run, sources in self.runs.items():
            source = "; ".join(sources)
            shaped = KEY_SHAPE.search(run)
            if shaped:
                leaks.append(f"{source}: something shaped like an API key: {shaped.group()[:20]}…")
                continue
            for window in _windows(run):
                if window in secrets:
                    leaks.append(
                        f"{source}: the secret of key {secrets[window][:20]}… ({window[:6]}…)"
                    )
                    break
        self.leaks = leaks
        return leaks


def _windows(run: str) -> Iterator[str]:
    for start in range(len(run) - SECRET_LENGTH + 1):
        yield run[start : start + SECRET_LENGTH]


class Plugin:
    """The pytest side: registered once per session by conftest.pytest_configure."""

    def __init__(self, guard: SecretsGuard) -> None:
        self.guard = guard

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.guard.observe_report(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self.guard.observe_report(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        self.guard.uninstall()
        leaks = self.guard.check()
        if not leaks:
            return
        # Reported as a failed test of its own: counted in the summary line, listed with the
        # failures, and the run's exit status is 1.
        text = "\n".join(f"LEAK {leak}" for leak in leaks[:50])
        text += (
            f"\n{len(leaks)} places in the session's logs hold an API key or its secret "
            f"({len(self.guard.keys)} keys made)"
        )
        report = pytest.TestReport(
            nodeid="tests/secrets_guard.py::no_api_key_in_the_logs",
            location=("tests/secrets_guard.py", 0, "no_api_key_in_the_logs"),
            keywords={},
            outcome="failed",
            longrepr=text,
            when="call",
        )
        session.config.hook.pytest_runtest_logreport(report=report)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        guard = self.guard
        if guard.leaks:
            return  # a failed test (pytest_sessionfinish above) says it
        seen = "log records, the tests' stdout/stderr (access log included)"
        if not guard.stdout_captured:
            seen = "log records only (-s: the tests' stdout/stderr were not captured)"
        terminalreporter.line(
            f"secrets in logs: none of the {len(guard.keys)} API keys made appears in the "
            f"session's {seen}: {guard.records} records, {guard.outputs} captured outputs"
        )


GUARD = SecretsGuard()
