"""The `pmo-api` command: serve, migrate, seed-demo, openapi."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pmo_api.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    host = args.host or settings.host
    port = args.port or settings.port
    print(
        f"pmo-api on http://{host}:{port}  docs: http://{host}:{port}/docs  "
        f"GraphQL: http://{host}:{port}/graphql",
        flush=True,
    )
    uvicorn.run(
        "pmo_api.main:app",
        host=host,
        port=port,
        workers=args.workers,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=True,
    )
    return 0


def _migrate(_args: argparse.Namespace, settings: Settings) -> int:
    from pmo_api.db.migrate import upgrade

    upgrade(settings.database_url)
    print("database at the latest migration", flush=True)
    return 0


def _seed_demo(args: argparse.Namespace, settings: Settings) -> int:
    from pmo_api.demo import seed_demo

    created = asyncio.run(seed_demo(settings, only_if_empty=args.if_empty))
    print("demo portfolio loaded" if created else "database not empty: demo data not loaded")
    return 0


def _openapi(args: argparse.Namespace, _settings: Settings) -> int:
    from pmo_api.contract import write_contract_files

    changed = write_contract_files(args.out, check=args.check)
    if args.check and changed:
        print("contract files drift from the code: run `make openapi` and commit", file=sys.stderr)
        for name in changed:
            print(f"  differs: {name}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmo-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(run=_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema to the latest migration")
    migrate.set_defaults(run=_migrate)

    seed = sub.add_parser("seed-demo", help="load a small demo portfolio")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no portfolios")
    seed.set_defaults(run=_seed_demo)

    openapi = sub.add_parser("openapi", help="write openapi/openapi.json and schema.graphql")
    openapi.add_argument("--out", default="openapi")
    openapi.add_argument("--check", action="store_true", help="fail if the files would change")
    openapi.set_defaults(run=_openapi)

    args = parser.parse_args(argv)
    return int(args.run(args, Settings()))


if __name__ == "__main__":
    raise SystemExit(main())
