"""REST endpoints for the certifications and training records of resources, and the feed of
what expires soon (the PMO's training duty)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from pmo_api.core.list_routes import ListRoutes
from pmo_api.core.listing import filter_of
from pmo_api.resources import certifications, service
from pmo_api.resources.catalog_routes import catalog_routes, csv_of
from pmo_api.resources.certification_schemas import (
    CertificationCreate,
    CertificationListParams,
    CertificationOut,
    CertificationPage,
    CertificationPatch,
    ExpiringOut,
    ExpiringPage,
    ExpiringParams,
)

router = APIRouter(tags=["resources"])

certification_lists = ListRoutes(
    router,
    CertificationPage,
    certifications.list_certifications,
    certifications.CERTIFICATIONS.json,
    csv_of(CertificationOut, "certifications"),
)


@certification_lists.route("/api/v1/resources/{resource_id}/certifications", "certifications-list")
def list_certifications(
    params: CertificationListParams, resource_id: uuid.UUID
) -> service.OwnedFilter:
    """A resource's certifications and training records; CSV on request."""
    return filter_of(service.OwnedFilter, params, resource_id=resource_id)


catalog_routes(
    router,
    certifications.CERTIFICATIONS,
    "/api/v1/resources/{resource_id}/certifications/{certification_id}",
    (CertificationCreate, CertificationOut, CertificationPatch),
    "a certification of a resource",
)
expiring_lists = ListRoutes(
    router,
    ExpiringPage,
    certifications.list_expiring,
    certifications.expiring_json,
    csv_of(ExpiringOut, "expiring-certifications"),
)


@expiring_lists.route("/api/v1/certifications/expiring", "certifications-expiring")
def list_expiring(params: ExpiringParams) -> certifications.ExpiringFilter:
    """Every resource's certifications that expire from today to today + `within_days`
    (default 30), soonest first, with the resource's name; CSV on request."""
    return filter_of(certifications.ExpiringFilter, params)
