"""A person signed in through OpenID Connect, as a Principal: the token's claims mapped to a
role and to portfolios by the settings (docs/access.md, "Signing in through OpenID Connect").

- The role: the claim `oidc_role_claim` (a string or a list of strings; a dotted path such as
  `realm_access.roles` reaches into an object) holds one of `oidc_admin_values`,
  `oidc_editor_values` or `oidc_viewer_values`; the highest role found wins. None found: 403.
- The portfolios: unless `oidc_portfolio_claim` is set, every portfolio. When it is, only the
  portfolios it lists (by id or by name), or every one when it holds
  `oidc_all_portfolios_value`; a token without the claim sees none.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from pmo_api.access.principal import Principal, Role
from pmo_api.core.errors import Forbidden
from pmo_api.db.database import Database
from pmo_api.portfolios.models import portfolios
from pmo_api.settings import Settings

# key_id is at most 64 characters (audit_events.actor_key_id); longer subjects are hashed
# there, and kept whole in the audit event's actor_subject.
_KEY_ID_LENGTH = 64
_PREFIX = "oidc:"


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """The claim named `path`: the name itself first (URL-like names hold dots), then as a
    dotted path into nested objects."""
    if path in claims:
        return claims[path]
    value: Any = claims
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int) and not isinstance(v, bool)]
    return []


@dataclass(frozen=True)
class ClaimMapping:
    role_claim: str
    roles: Mapping[str, Role]  # a claim value -> the role it gives
    portfolio_claim: str | None
    all_portfolios: str

    @classmethod
    def of(cls, settings: Settings) -> ClaimMapping:
        roles: dict[str, Role] = {}
        # Lowest first, so that a value listed for two roles gives the higher.
        for role, values in (
            (Role.viewer, settings.oidc_viewer_values),
            (Role.editor, settings.oidc_editor_values),
            (Role.admin, settings.oidc_admin_values),
        ):
            roles.update(dict.fromkeys(values, role))
        return cls(
            settings.oidc_role_claim,
            roles,
            settings.oidc_portfolio_claim,
            settings.oidc_all_portfolios_value,
        )

    def role_of(self, claims: Mapping[str, Any]) -> Role | None:
        found = {self.roles[v] for v in _strings(claim(claims, self.role_claim)) if v in self.roles}
        for role in (Role.admin, Role.editor, Role.viewer):
            if role in found:
                return role
        return None

    def portfolio_refs(self, claims: Mapping[str, Any]) -> list[str] | None:
        """The portfolios the claims name (ids or names); None: every portfolio."""
        if self.portfolio_claim is None:
            return None
        refs = _strings(claim(claims, self.portfolio_claim))
        return None if self.all_portfolios in refs else refs


def _key_id(subject: str) -> str:
    key_id = _PREFIX + subject
    if len(key_id) <= _KEY_ID_LENGTH:
        return key_id
    return _PREFIX + hashlib.sha256(subject.encode()).hexdigest()


def _text(value: Any, limit: int) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


async def _portfolio_ids(db: Database, refs: list[str]) -> frozenset[uuid.UUID]:
    """The ids of the portfolios named by id or by name; names of no portfolio are dropped."""
    ids: set[uuid.UUID] = set()
    names: list[str] = []
    for ref in refs:
        try:
            ids.add(uuid.UUID(ref))
        except ValueError:
            names.append(ref)
    if names:
        async with db.read() as conn:
            rows = await conn.execute(select(portfolios.c.id).where(portfolios.c.name.in_(names)))
            ids.update(row.id for row in rows)
    return frozenset(ids)


async def person(db: Database, mapping: ClaimMapping, claims: Mapping[str, Any]) -> Principal:
    """The Principal of verified claims; 403 when they map to no role."""
    role = mapping.role_of(claims)
    if role is None:
        raise Forbidden(
            f"the token's '{mapping.role_claim}' claim names no pmo-api role; ask for access"
        )
    refs = mapping.portfolio_refs(claims)
    subject = str(claims["sub"])
    email = _text(claims.get("email"), 320)
    name = _text(claims.get("name"), 200) or _text(claims.get("preferred_username"), 200)
    return Principal(
        key_id=_key_id(subject),
        role=role,
        name=name or email,
        portfolio_ids=None if refs is None else await _portfolio_ids(db, refs),
        subject=subject,
        email=email,
    )
