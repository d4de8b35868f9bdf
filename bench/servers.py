"""The apps under test, each served by its own uvicorn process with identical flags, on a free
loopback port; started in their own process group so that they are always stopped at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import IO

HOST = "127.0.0.1"

# The same for every app: one worker process, uvloop, httptools, no uvicorn access log.
UVICORN_FLAGS = (
    "--workers",
    "1",
    "--loop",
    "uvloop",
    "--http",
    "httptools",
    "--no-access-log",
    "--log-level",
    "warning",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def database_cpu_seconds(database: str) -> dict[int, float]:
    """CPU time (user + system) used so far by each PostgreSQL backend connected to `database`,
    by pid; found by their process titles ("postgres: USER DATABASE HOST(PORT) STATE"), so the
    server must run on this machine. Linux only; empty when nothing is readable."""
    found: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes()
            if not title.startswith(b"postgres: ") or f" {database} ".encode() not in title:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile, or not ours to read
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    return found


class Server:
    """One uvicorn process serving `target` (module:app)."""

    def __init__(
        self,
        name: str,
        target: str,
        *,
        env: Mapping[str, str],
        log_dir: Path,
        app_dir: Path | None = None,
        stdout_to_null: bool = True,
        headers: tuple[str, ...] = (),
    ) -> None:
        self.name = name
        self.headers = headers  # "Name: value", sent with every request to this app
        self.target = target
        self.env = dict(env)
        self.app_dir = app_dir
        self.log_path = log_dir / f"{name}.stderr.log"
        self.stdout_to_null = stdout_to_null
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def request(self, path: str) -> urllib.request.Request:
        """A GET of `path` on this app, with its headers."""
        pairs = (h.split(":", 1) for h in self.headers)
        return urllib.request.Request(
            self.base_url + path, headers={k.strip(): v.strip() for k, v in pairs}
        )

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "uvicorn", self.target, "--host", HOST]
        cmd += ["--port", str(self.port), *UVICORN_FLAGS]
        if self.app_dir is not None:
            cmd += ["--app-dir", str(self.app_dir)]
        return cmd

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(),
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if self.stdout_to_null else self._log,
            stderr=self._log,
            start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
        )

    def wait_ready(self, probe_path: str, timeout_s: float = 30.0) -> None:
        """Until `probe_path` answers 200 (the app is up and reaches the database)."""
        deadline = time.monotonic() + timeout_s
        last_error = "no answer"
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited at start-up; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.request(probe_path), timeout=2) as answer:
                    if answer.status == 200:
                        return
                    last_error = f"HTTP {answer.status}"
            except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
                last_error = str(exc)
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} not ready after {timeout_s:.0f} s ({last_error})")

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system, all threads) the server has used so far; Linux only."""
        if self.process is None:
            return None
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rsplit(")", 1)[1].split()  # after "pid (comm)": field 3 onwards
        utime, stime = int(fields[11]), int(fields[12])  # fields 14 and 15 of proc(5)
        return (utime + stime) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None
