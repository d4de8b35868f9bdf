"""A PostgreSQL cluster of a test's own, and pmo-api served over it by uvicorn in a subprocess.

The cluster is made by `initdb` in a temporary directory and listens on a free port of
127.0.0.1 (its socket in that directory too), so a test may stop, restart or lock it without
touching any other server. initdb and the server refuse to run as root: as root they run as the
`postgres` user (`runuser -u postgres --`). The binaries are taken from `PMO_PG_BINDIR`, else
the newest `/usr/lib/postgresql/<version>/bin`, else `initdb` on the PATH.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from pmo_api.access.principal import LOCAL_ADMIN, Role
from pmo_api.access.service import insert_key
from pmo_api.db.database import Database
from pmo_api.db.migrate import upgrade
from pmo_api.settings import Settings
from tests.secrets_guard import GUARD

RUN_AS = "postgres"


def find_bindir() -> Path | None:
    """Where initdb and pg_ctl are, or None."""
    candidates: list[Path] = []
    if configured := os.environ.get("PMO_PG_BINDIR"):
        candidates.append(Path(configured))

    def version(bindir: Path) -> int:
        name = bindir.parent.name
        return int(name) if name.isdigit() else 0

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    if initdb := shutil.which("initdb"):
        candidates.append(Path(initdb).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class TempCluster:
    """initdb, start, stop, restart and remove one throwaway cluster (trust authentication,
    superuser `postgres`)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        # As root the server runs as `postgres`, which must reach the directory: /tmp, whatever
        # TMPDIR says (it may lie under a home directory only root can enter).
        where = "/tmp" if self.as_root and os.path.isdir("/tmp") else None
        self.root = Path(tempfile.mkdtemp(prefix="pmo-faults-", dir=where))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.running = False
        if self.as_root:
            owner = pwd.getpwnam(RUN_AS)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        command = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", RUN_AS, "--", *command]
        done = subprocess.run(
            command, cwd=self.root, capture_output=True, text=True, timeout=timeout, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{program} {' '.join(args)} failed ({done.returncode}):\n"
                f"{done.stdout}\n{done.stderr}\n{self.log_text()[-4000:]}"
            )

    def init(self) -> None:
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",  # the cluster's files, not its commits: fsync stays on while serving
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# pmo-api fault tests\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.root}'\n"
                "max_connections = 100\n"
                "shared_buffers = 32MB\n"
                "log_line_prefix = '%m [%p] '\n"
            )

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """`fast` rolls back open transactions and disconnects every client; `immediate`
        aborts without a checkpoint, like a crash (the next start replays the WAL)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")
        self.running = False

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def log_text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def remove(self) -> None:
        if self.running:
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


async def _create_database(cluster: TempCluster, name: str) -> None:
    conn = await asyncpg.connect(cluster.dsn())
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _admin_key(url: str) -> str:
    db = Database(Settings(database_url=url))
    try:
        async with db.write() as conn:
            key, _row = await insert_key(
                conn, principal=LOCAL_ADMIN, name="fault tests", role=Role.admin
            )
    finally:
        await db.dispose()
    return key


def prepare_database(cluster: TempCluster, name: str) -> tuple[str, str]:
    """A database of the cluster migrated to head, with an admin key: (its URL, the key).
    Sync: call it from a sync fixture (it runs its own event loop)."""
    asyncio.run(_create_database(cluster, name))
    url = cluster.url(name)
    upgrade(url)
    return url, asyncio.run(_admin_key(url))


class AppServer:
    """`pmo-api serve` (uvicorn) in a subprocess, its output in a file."""

    def __init__(self, database_url: str, root: Path, name: str, **settings: object) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.output = root / f"{name}.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
        env.update(
            {
                "PMO_DATABASE_URL": database_url,
                "PMO_HOST": "127.0.0.1",
                "PMO_PORT": str(self.port),
                "PMO_ACCESS_LOG": "false",
                "PMO_RATE_LIMIT_PER_MINUTE": "0",
                "PMO_LOG_JSON": "true",
            }
        )
        env.update({f"PMO_{k.upper()}": str(v) for k, v in settings.items()})
        self._out = self.output.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pmo_api.cli", "serve"],
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pmo-api exited ({self.process.returncode}):\n{self.log()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"pmo-api did not become ready in {timeout} s:\n{self.log()}")

    def log(self) -> str:
        if not self._out.closed:
            self._out.flush()
        return self.output.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)
        self._out.close()
        # Its log is part of the session's: no API key may be in it (tests/secrets_guard.py).
        GUARD.observe(self.output.read_text(errors="replace"), f"pmo-api serve {self.output}")
