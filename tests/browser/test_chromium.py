"""A real browser, a real server: headless Chromium (Debian's `chromium`) loads a page served
from another origin that reads a project from pmo-api with a bearer key. From an origin on
`PMO_CORS_ORIGINS` the read succeeds; from any other origin the browser refuses it. pmo-api
runs as `pmo-api serve` (the command operators run), so its uvicorn settings count too: no
`Server` banner. The GraphiQL page renders under its own Content-Security-Policy."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from tests.factories import make_project

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="no chromium (apt-get install chromium)"
)

PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
fetch("{api}/api/v1/projects/{code}", {{headers: {{"Authorization": "Bearer {key}"}}}})
  .then(r => r.json().then(
    b => "read " + r.status + " " + b.code + " etag=" + r.headers.get("ETag")))
  .catch(e => "refused " + e.name)
  .then(text => {{ document.getElementById("out").textContent = text; }});
</script></body></html>
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return None


@contextlib.contextmanager
def _static_site(directory: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def _pmo_api(database_url: str, cors_origins: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "PMO_DATABASE_URL": database_url,
        "PMO_CORS_ORIGINS": cors_origins,
        "PMO_LOG_LEVEL": "WARNING",
        "PMO_ACCESS_LOG": "false",
    }
    command = [str(Path(sys.executable).parent / "pmo-api"), "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            assert server.poll() is None, "pmo-api serve exited"
            assert time.monotonic() < deadline, "pmo-api serve did not start"
            time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def _dom(url: str) -> str:
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",  # CI runs as root
                "--disable-gpu",
                f"--user-data-dir={profile}",
                "--virtual-time-budget=15000",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=90,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _browse(database_url: str, key: str, root: Path) -> dict[str, str]:
    """The DOM of each page after its scripts ran, and one answer's headers (blocking)."""
    allowed_dir, other_dir = root / "allowed", root / "other"
    allowed_dir.mkdir()
    other_dir.mkdir()
    with (
        _static_site(allowed_dir) as allowed,
        _static_site(other_dir) as other,
        _pmo_api(database_url, cors_origins=allowed) as api,
    ):
        for directory in (allowed_dir, other_dir):
            (directory / "index.html").write_text(PAGE.format(api=api, code="WEB-1", key=key))
        answer = httpx.get(f"{api}/api/v1/projects/WEB-1", headers={"Origin": allowed})
        return {
            "server": answer.headers.get("server", ""),
            "read": _dom(f"{allowed}/index.html"),
            "refused": _dom(f"{other}/index.html"),
            "graphiql": _dom(f"{api}/graphql"),
        }


async def test_a_page_from_an_allowed_origin_reads_a_project_and_others_are_refused(
    client: httpx.AsyncClient, admin_key: str, database_url: str, tmp_path: Path
) -> None:
    await make_project(client, code="WEB-1")
    seen = await asyncio.to_thread(_browse, database_url, admin_key, tmp_path)
    assert seen["server"] == ""  # no banner from uvicorn either
    assert 'read 200 WEB-1 etag="' in seen["read"], seen["read"]
    assert "refused TypeError" in seen["refused"], seen["refused"]  # the browser's CORS failure
    graphiql = seen["graphiql"]
    assert "graphiql-container" in graphiql and "graphiql-editor" in graphiql, graphiql[-3000:]
