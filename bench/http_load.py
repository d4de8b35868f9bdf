"""The load generator: wrk, driven as a subprocess, and its results parsed.

wrk (https://github.com/wg/wrk) keeps a fixed number of HTTP/1.1 keep-alive connections busy
for a fixed time and records every response's latency. bench/wrk/scenario.lua picks random ids
per request and prints a machine-readable summary (BENCH_JSON) when the run ends; `--latency`
also makes wrk print its percentile table, kept in the raw output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from machine import ensure_debian_tool  # bench/ is the script's directory

SCRIPT = Path(__file__).resolve().parent / "wrk" / "scenario.lua"
_MARK = "BENCH_JSON "


class LoadError(RuntimeError):
    pass


@dataclass(frozen=True)
class LoadSettings:
    threads: int = 1
    connections: int = 32
    duration_s: int = 10
    timeout_s: int = 5  # wrk counts a response slower than this as a timeout error


@dataclass
class LoadResult:
    requests: int
    duration_s: float
    bytes: int
    errors: dict[str, int]
    latency_ms: dict[str, float]
    raw: str = field(repr=False)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0

    @property
    def p99_ms(self) -> float:
        return self.latency_ms["p99"]

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["raw"]
        out["rps"] = round(self.rps, 1)
        return out


def find_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    return "/usr/bin/wrk" if os.access("/usr/bin/wrk", os.X_OK) else None


def ensure_wrk(log: Any = print) -> str:
    """The wrk binary; installs the Debian package when missing and we are root."""
    return ensure_debian_tool("wrk", find_wrk, log)


def run_wrk(
    wrk: str,
    url: str,
    settings: LoadSettings,
    *,
    duration_s: int | None = None,
    script_args: tuple[str, ...] = (),
    headers: tuple[str, ...] = (),
) -> LoadResult:
    """One wrk run against `url` (with `script_args` for the Lua script: ids file, prefix)."""
    duration = duration_s if duration_s is not None else settings.duration_s
    cmd = [
        wrk,
        f"--threads={settings.threads}",
        f"--connections={settings.connections}",
        f"--duration={duration}s",
        f"--timeout={settings.timeout_s}s",
        "--latency",
        f"--script={SCRIPT}",
    ]
    for header in headers:
        cmd.append(f"--header={header}")
    cmd.append(url)
    if script_args:
        cmd += ["--", *script_args]
    try:
        done = subprocess.run(
            cmd, capture_output=True, text=True, timeout=duration + 30, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise LoadError(f"wrk did not finish: {' '.join(cmd)}") from exc
    if done.returncode != 0:
        raise LoadError(f"wrk failed ({done.returncode}): {done.stderr.strip() or done.stdout}")
    return parse(done.stdout)


def parse(output: str) -> LoadResult:
    """The BENCH_JSON line printed by scenario.lua's done()."""
    for line in output.splitlines():
        if line.startswith(_MARK):
            data = json.loads(line[len(_MARK) :])
            break
    else:
        raise LoadError(f"no {_MARK.strip()} line in wrk output:\n{output}")
    latency = {k: v / 1000 for k, v in data["latency_us"].items()}  # µs → ms
    return LoadResult(
        requests=data["requests"],
        duration_s=data["duration_us"] / 1e6,
        bytes=data["bytes"],
        errors=data["errors"],
        latency_ms=latency,
        raw=output,
    )
