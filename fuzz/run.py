"""`make fuzz`: schemathesis against the real pmo-api, from the committed contract.

1. A fresh database (a scratch SQLite file, or `--database-url`, whose schema is dropped and
   migrated), and an admin API key made with `pmo-api create-api-key`, as an operator would.
2. `pmo-api` served by uvicorn on 127.0.0.1 (a free port), rate limit off (the fuzzer would
   meet 429s, which say nothing), logs to fuzz/results/server.log.
3. schemathesis on openapi/openapi.json (fuzz/openapi.toml: every check, every phase,
   stateful included, the key as the `apiKey` scheme so that `ignored_auth` runs), then on
   openapi/schema.graphql against /graphql (fuzz/graphql.toml).
4. The server log is searched for unhandled errors (a 500, or a stream cut short after its
   status was sent, which no response check can see).

Exit 0 when both runs and the log are clean, 1 on any finding, 2 when the fuzz could not run.
Reports (JUnit XML, NDJSON events) go to fuzz/results/. See README: Fuzzing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

FUZZ = Path(__file__).resolve().parent
ROOT = FUZZ.parent
RESULTS = FUZZ / "results"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


# The stateful phase's groups (path regexes; a path may be in several). Each holds the
# collections its sequences start from (portfolios, projects) and the resources they reach.
_GOVERNANCE = (
    r"action-items|decisions|change-requests|gate-reviews|quality-|methodology-templates"
    r"|from-template|apply-template"
)
_RAID = r"programs|dependencies|issues|assumptions|/raid"
STATEFUL_GROUPS = {
    "core": rf"^/api/v1/(?!.*({_GOVERNANCE}|{_RAID}))",
    "governance": rf"^/api/v1/(portfolios|projects)$|{_GOVERNANCE}",
    "raid": rf"^/api/v1/(portfolios|projects)$|/milestones|{_RAID}",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema of the database `url` names (the fuzz's own)."""
    import asyncio

    import asyncpg

    async def reset() -> None:
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1))
        try:
            await conn.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public")
        finally:
            await conn.close()

    asyncio.run(reset())


def pmo_api(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own commands)
        [str(BIN / "pmo-api"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"pmo-api {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout.strip()


def wait_ready(base_url: str, server: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited at start-up; see {RESULTS / 'server.log'}")
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server was not ready after {timeout_s:.0f} s")


def schemathesis(
    config: Path,
    location: Path,
    url: str,
    args: argparse.Namespace,
    env: dict[str, str],
    name: str,
    extra: tuple[str, ...] = (),
) -> int:
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(location),
        "--url",
        url,
        "--seed",
        str(args.seed),
        "--max-examples",
        str(args.examples),
        "--workers",
        str(args.workers),
        "--report",
        "junit,ndjson",
        "--report-dir",
        str(RESULTS),
        "--report-junit-path",
        str(RESULTS / f"{name}.junit.xml"),
        "--report-ndjson-path",
        str(RESULTS / f"{name}.ndjson"),
    ]
    if args.max_time and "--max-time" not in extra:
        command += ["--max-time", str(args.max_time)]
    command += extra
    print(f"\n==> schemathesis: {name} ({location.relative_to(ROOT)})", flush=True)
    return subprocess.run(command, env=env, check=False).returncode  # noqa: S603


def server_errors(log: Path) -> list[str]:
    """Lines of the server log that tell of an unhandled error."""
    markers = ('"level":"ERROR","logger":"pmo_api.errors"', "Exception in ASGI application")
    return [
        line[:300]
        for line in log.read_text(errors="replace").splitlines()
        if any(m in line for m in markers)
    ]


def stateful_summary(ndjson: Path) -> dict[str, int]:
    """From the stateful phase's recorded calls: how many resources a POST created (201 with
    `Location`), and how many later calls read, changed or deleted one of them (by its id in
    the URL) with a 2xx, by method: proof that the sequences really reach the data."""
    created: set[str] = set()
    counts: dict[str, int] = {"created": 0}
    calls = []
    for line in ndjson.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if not event or event.get("phase") != "stateful":
            continue
        calls += sorted(event["recorder"].get("interactions", {}).values(), key=_when)
    for call in calls:
        response = call.get("response") or {}
        status = int(response.get("status_code", 0))
        method, uri = call["request"]["method"], call["request"]["uri"]
        if method == "POST" and status == 201:
            for location in response.get("headers", {}).get("location", []):
                created.add(location.rstrip("/").rsplit("/", 1)[-1])
                counts["created"] += 1
        elif 200 <= status < 300 and any(f"/{i}" in uri for i in created):
            counts[method] = counts.get(method, 0) + 1
    return counts


def _when(call: dict[str, Any]) -> float:
    return float(call.get("timestamp", 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--examples",
        type=int,
        default=int(os.environ.get("FUZZ_EXAMPLES", "25")),
        help="test cases per operation and phase (FUZZ_EXAMPLES; default 25)",
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "20261122")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("FUZZ_WORKERS", "1")))
    parser.add_argument(
        "--max-time",
        type=int,
        default=int(os.environ.get("FUZZ_MAX_TIME", "0")),
        help="seconds: fuzzing and stateful phases repeat until spent (0: one pass)",
    )
    parser.add_argument(
        "--stateful-seconds",
        type=int,
        default=int(os.environ.get("FUZZ_STATEFUL_SECONDS", "90")),
        help="time budget of the REST stateful phase, shared by its groups (FUZZ_STATEFUL_SECONDS; "
        "default 90)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("FUZZ_DATABASE_URL", ""),
        help="a PostgreSQL database of the fuzz's own (its public schema is dropped); "
        "default: a scratch SQLite file",
    )
    parser.add_argument("--only", choices=["openapi", "graphql"], default=None)
    args = parser.parse_args()

    shutil.rmtree(RESULTS, ignore_errors=True)
    RESULTS.mkdir(parents=True)
    scratch = Path(tempfile.mkdtemp(prefix="pmo-fuzz-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMO_")}
    if args.database_url:
        reset_postgres(args.database_url)
        env["PMO_DATABASE_URL"] = args.database_url
    else:
        env["PMO_DATABASE_URL"] = f"sqlite+aiosqlite:///{scratch / 'fuzz.db'}"
    # No rate limits: the fuzzer sends thousands of requests a minute, keyed and not (the
    # ignored_auth check expects 401 for a missing key, not the per-address 429).
    env |= {
        "PMO_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE": "0",
        "PMO_RATE_LIMIT_PER_MINUTE": "0",
        "PMO_ACCESS_LOG": "false",
        "PMO_LOG_JSON": "true",
    }

    server: subprocess.Popen[bytes] | None = None
    log_path = RESULTS / "server.log"
    started = time.monotonic()
    try:
        pmo_api(env, "migrate")
        key = pmo_api(env, "create-api-key", "--role", "admin", "--name", "fuzz")
        port = free_port()
        base_url = f"http://{HOST}:{port}"
        with log_path.open("wb") as log:
            server = subprocess.Popen(  # noqa: S603
                [
                    str(BIN / "python"),
                    "-m",
                    "uvicorn",
                    "pmo_api.main:app",
                    "--host",
                    HOST,
                    "--port",
                    str(port),
                    "--no-access-log",
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        wait_ready(base_url, server)
        print(
            f"pmo-api on {base_url} ({env['PMO_DATABASE_URL'].split('://')[0]}), "
            f"seed {args.seed}, {args.examples} examples",
            flush=True,
        )
        # fuzz/hooks.py: the check that a refused schema-valid request breaks a documented rule.
        run_env = {**env, "PMO_FUZZ_KEY": key, "SCHEMATHESIS_HOOKS": str(FUZZ / "hooks.py")}
        codes = {}
        if args.only in (None, "openapi"):
            spec = ROOT / "openapi" / "openapi.json"
            codes["openapi"] = schemathesis(
                FUZZ / "openapi.toml",
                spec,
                base_url,
                args,
                run_env,
                "openapi",
                ("--phases", "examples,coverage,fuzzing"),
            )
            # The stateful phase on its own, with a time budget: its sequences (create, then
            # read, change, delete what was created) go on until it is spent. One run per group
            # of operations: over the whole API schemathesis infers some 16,000 links and fails
            # before a sequence starts; within a group the links are the ones that matter.
            share = max(30, args.stateful_seconds // len(STATEFUL_GROUPS))
            for group, pattern in STATEFUL_GROUPS.items():
                codes[f"openapi-stateful-{group}"] = schemathesis(
                    FUZZ / "openapi.toml",
                    spec,
                    base_url,
                    args,
                    run_env,
                    f"openapi-stateful-{group}",
                    (
                        "--phases",
                        "stateful",
                        "--max-time",
                        str(share),
                        "--include-path-regex",
                        pattern,
                    ),
                )
        if args.only in (None, "graphql"):
            codes["graphql"] = schemathesis(
                FUZZ / "graphql.toml",
                ROOT / "openapi" / "schema.graphql",
                base_url + "/graphql",
                args,
                run_env,
                "graphql",
            )
    except (RuntimeError, OSError) as exc:
        print(f"fuzz could not run: {exc}", file=sys.stderr)
        return 2
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=5)
        shutil.rmtree(scratch, ignore_errors=True)

    errors = server_errors(log_path)
    print(f"\n==> fuzz: {time.monotonic() - started:.0f} s")
    for name, code in codes.items():
        print(f"  schemathesis {name}: {'clean' if code == 0 else f'FAILED (exit {code})'}")
    # The sequences, over all groups, must create resources and then read, change and delete
    # some of them: each group's figures are printed, the judgement is on their sum (a group's
    # share of the budget is short enough that one may, by chance, delete nothing).
    totals = {"created": 0, "GET": 0, "PATCH": 0, "DELETE": 0}
    ran = False
    for group in STATEFUL_GROUPS:
        if f"openapi-stateful-{group}" not in codes:
            continue
        ran = True
        counts = stateful_summary(RESULTS / f"openapi-stateful-{group}.ndjson")
        for key in totals:
            totals[key] += counts.get(key, 0)
        print(
            f"  stateful ({group}): {counts['created']} resources created (201), then 2xx calls "
            "on them: " + ", ".join(f"{m} {counts.get(m, 0)}" for m in ("GET", "PATCH", "DELETE"))
        )
    stateful_ok = not ran or all(totals.values())
    if ran and not stateful_ok:
        print(
            f"  stateful FAILED: the sequences did not create, read, change and delete ({totals})"
        )
    print(f"  server log: {len(errors)} unhandled error(s)" + (f" ({log_path})" if errors else ""))
    for line in errors[:20]:
        print(f"    {line}")
    clean = not errors and stateful_ok and all(code == 0 for code in codes.values())
    return 0 if clean else 1


if __name__ == "__main__":
    raise SystemExit(main())
