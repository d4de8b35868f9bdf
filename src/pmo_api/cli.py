"""The `pmo-api` command: serve, migrate, seed-demo, openapi."""

from __future__ import annotations

import argparse
import asyncio
import sys
import uuid
from collections.abc import Sequence

from pmo_api.settings import Settings


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from pmo_api.logs import configure_logging

    # Our JSON logging for uvicorn's lines too (log_config=None: uvicorn configures nothing).
    configure_logging(settings.log_level, json_lines=settings.log_json)
    host = args.host or settings.host
    port = args.port or settings.port
    first_key = _first_admin_key(settings)
    if first_key:
        print(
            "\nCreated the first admin API key. It is shown this once; keep it safe:\n\n"
            f"    {first_key}\n\n"
            f"    curl -H 'Authorization: Bearer {first_key}' http://{host}:{port}/api/v1/projects\n",
            flush=True,
        )
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
        log_config=None,
        log_level=settings.log_level.lower(),
        access_log=False,
        proxy_headers=True,
        server_header=False,  # no `Server: uvicorn` banner (docs/security.md)
    )
    return 0


def _first_admin_key(settings: Settings) -> str | None:
    from sqlalchemy.exc import DBAPIError

    from pmo_api.access.bootstrap import ensure_first_admin_key

    try:
        return asyncio.run(ensure_first_admin_key(settings))
    except DBAPIError as exc:
        raise SystemExit(
            f"cannot prepare the database ({exc.orig}); run `pmo-api migrate` first"
        ) from None


def _create_api_key(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import UTC, datetime

    from pydantic import ValidationError

    from pmo_api.access.bootstrap import create_key
    from pmo_api.access.principal import Role
    from pmo_api.core.errors import DomainError

    try:
        expires = datetime.fromisoformat(args.expires) if args.expires else None
        if expires is not None and expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        portfolio_ids = [uuid.UUID(p) for p in args.portfolio] or None
    except ValueError as exc:
        print(f"pmo-api create-api-key: {exc}", file=sys.stderr)
        return 2
    try:
        key = asyncio.run(
            create_key(
                settings,
                name=args.name,
                role=Role(args.role),
                portfolio_ids=portfolio_ids,
                expires_at=expires,
            )
        )
    except DomainError as exc:
        print(f"pmo-api create-api-key: {exc.detail}", file=sys.stderr)
        return 2
    except ValidationError as exc:
        reasons = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        print(f"pmo-api create-api-key: {reasons}", file=sys.stderr)
        return 2
    print(key)
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


def _setting_help(name: str, what: str) -> str:
    """An option's help naming the setting it overrides and that setting's default."""
    default = Settings.model_fields[name].default
    return f"{what} (default: PMO_{name.upper()} when set, else {default})"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pmo-api", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser(
        "serve",
        help="serve the API",
        description="Serve the API. Every other setting is an environment variable (PMO_...), "
        "listed in the README's Settings table.",
    )
    serve.add_argument("--host", default=None, help=_setting_help("host", "address to listen on"))
    serve.add_argument(
        "--port", type=int, default=None, help=_setting_help("port", "port to listen on")
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default: 1; the Docker image reads PMO_WORKERS)",
    )
    serve.set_defaults(run=_serve)

    migrate = sub.add_parser("migrate", help="bring the database schema to the latest migration")
    migrate.set_defaults(run=_migrate)

    seed = sub.add_parser("seed-demo", help="load a small demo portfolio")
    seed.add_argument("--if-empty", action="store_true", help="only when there are no portfolios")
    seed.set_defaults(run=_seed_demo)

    key = sub.add_parser("create-api-key", help="create an API key and print it (shown once)")
    key.add_argument("--role", required=True, choices=["viewer", "editor", "admin"])
    key.add_argument("--name", default="command line key")
    key.add_argument(
        "--portfolio",
        action="append",
        default=[],
        metavar="ID",
        help="limit the key to this portfolio (repeat for several)",
    )
    key.add_argument("--expires", default=None, help="expiry, ISO 8601 (UTC when no offset)")
    key.set_defaults(run=_create_api_key)

    openapi = sub.add_parser("openapi", help="write openapi/openapi.json and schema.graphql")
    openapi.add_argument("--out", default="openapi")
    openapi.add_argument("--check", action="store_true", help="fail if the files would change")
    openapi.set_defaults(run=_openapi)

    args = parser.parse_args(argv)
    return int(args.run(args, Settings()))


if __name__ == "__main__":
    raise SystemExit(main())
