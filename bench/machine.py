"""What the bench scripts (`run.py`, `loadtest.py`) share about the machine they run on: the
Debian package of a load generator installed when missing, the load average (other work on
the machine moves every figure), and SIGTERM ending a run like Ctrl-C (so its servers stop)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn


class ToolMissing(RuntimeError):
    pass


def ensure_debian_tool(
    name: str, find: Callable[[], str | None] | None = None, log: Any = print
) -> str:
    """The path of command `name` (Debian package of the same name); installs the package
    when it is missing and we are root. `find` locates the command (default: on PATH)."""
    locate = find or (lambda: shutil.which(name))
    found = locate()
    if found:
        return found
    instruction = f"install it with `apt-get install -y {name}` (Debian/Ubuntu) and run again"
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise ToolMissing(f"{name} is not installed: {instruction}")
    log(f"{name} is missing: apt-get install -y {name}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", name]
    if subprocess.run(install, env=env, check=False).returncode != 0:
        log("apt-get install failed: apt-get update, then try again")
        subprocess.run(["apt-get", "update", "-q"], env=env, check=False)
        subprocess.run(install, env=env, check=False)
    found = locate()
    if not found:
        raise ToolMissing(f"could not install {name}: {instruction}")
    return found


def load_average() -> float | None:
    """The 1-minute load average."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def load_at_start() -> float | None:
    """The load average before a run, with a note when other work shares the machine."""
    load = load_average()
    if load is not None and load > 0.5 * (os.cpu_count() or 1):
        print(
            f"note: load average {load:.2f} on {os.cpu_count()} CPUs before the run: "
            "other work shares the machine, so absolute figures will be low and noisy",
            flush=True,
        )
    return load


def on_sigterm(_signum: int, _frame: Any) -> NoReturn:
    raise KeyboardInterrupt
