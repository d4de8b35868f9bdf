"""The REST routes every catalog of resource management has (create, get, update, delete of
its rows at the item's path, written by an admin not limited to portfolios) and the CSV file
of a catalog's list: one place for the routers of roles, skills, resources and certifications."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from pmo_api.core.routes import CsvFile, ResourceRoutes
from pmo_api.resources.catalog import Catalog

_ADMIN = "(an admin not limited to portfolios)"


def catalog_routes(
    router: APIRouter,
    catalog: Catalog,
    path: str,
    models: tuple[type[BaseModel], type[BaseModel], type[BaseModel]],
    what: str,
) -> None:
    """The create, get, update and delete of a catalog's rows at `path` (the item's)."""
    create, out, patch = models
    routes = ResourceRoutes(router, path, out, catalog.json)
    routes.create(
        path.rsplit("/", 1)[0],
        catalog.create,
        create,
        f"Add {what} {_ADMIN}. Honours `Idempotency-Key`.",
    )
    routes.get(catalog.visible, f"One {what.removeprefix('a ').removeprefix('an ')}.")
    routes.update(
        catalog.update, patch, f"JSON Merge Patch of {what} {_ADMIN}. Honours `If-Match`."
    )
    routes.delete(catalog.delete, f"Remove {what} {_ADMIN}. Honours `If-Match`.")


def csv_of(out: type[BaseModel], name: str) -> CsvFile:
    return CsvFile(tuple(out.model_fields), f"{name}.csv")
