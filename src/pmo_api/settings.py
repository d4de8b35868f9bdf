"""Every setting of pmo-api, read from `PMO_` environment variables (documented in the README)."""

from __future__ import annotations

import json
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Signature algorithms an OpenID provider may use: asymmetric only. `none` and HMAC (HS256…)
# are never accepted: with HMAC the provider's *public* key would serve as the shared secret.
ASYMMETRIC_ALGORITHMS = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


def _words(value: object) -> object:
    """A list setting from the environment: comma-separated (`a,b`) or a JSON list."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


Words = Annotated[list[str], NoDecode, BeforeValidator(_words)]


class Settings(BaseSettings):
    """One object, built once at start-up and passed in; nothing reads the environment at import."""

    model_config = SettingsConfigDict(env_prefix="PMO_", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./pmo.db"
    db_pool_size: int = Field(default=10, ge=1, le=200)
    db_max_overflow: int = Field(default=20, ge=0, le=500)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    statement_timeout_ms: int = Field(default=30_000, ge=0)
    # A CSV export streams for as long as the client reads: its one statement gets longer.
    export_timeout_ms: int = Field(default=600_000, ge=0)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "INFO"
    log_json: bool = True
    access_log: bool = True

    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    page_size_max: int = Field(default=500, ge=1, le=500)

    idempotency_ttl_hours: int = Field(default=24, ge=1)

    graphql_max_depth: int = Field(default=10, ge=1)
    graphql_max_cost: int = Field(default=50_000, ge=1)
    # An operation still running after this is stopped (0: no budget); graphql/guard.py.
    graphql_timeout_ms: int = Field(default=5_000, ge=0)
    # The rate limit charges an operation ceil(cost / this) requests (graphql/guard.py): 200
    # is about the CPU a GET of a project takes (bench/graphql_bench.py measured a query of
    # cost 46,000 at ~250 such GETs).
    graphql_cost_per_request: int = Field(default=200, ge=1)
    graphql_introspection: bool = True

    retry_after_seconds: int = Field(default=1, ge=1)

    # Access control (CONTRACT §7).
    auth_cache_seconds: float = Field(default=5.0, ge=0, le=300)
    rate_limit_per_minute: int = Field(default=3000, ge=0)
    redis_url: str | None = None
    public_docs: bool = True

    # Exposure to browsers and strangers (docs/security.md). Origins allowed by CORS,
    # comma-separated (`https://pmo.example.com,https://bi.example.com`); none by default.
    cors_origins: str = ""
    # Requests without a valid key, per client address and minute, before even the key
    # lookup is refused (0: no limit).
    unauthenticated_rate_limit_per_minute: int = Field(default=300, ge=0)
    # When set, /metrics answers only `Authorization: Bearer <this token>`.
    metrics_token: SecretStr | None = None
    # Sign-in through OpenID Connect (docs/access.md): off while `oidc_issuer` is unset.
    oidc_issuer: str | None = None
    oidc_audience: str | None = None
    oidc_algorithms: Words = Field(default_factory=lambda: ["RS256", "PS256", "ES256", "EdDSA"])
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300)
    oidc_jwks_cache_seconds: float = Field(default=3600.0, ge=0)
    # An unknown key id refetches the key set at most this often (a key rotation is seen at
    # once; tokens made up with random key ids cannot make pmo-api hammer the provider).
    oidc_jwks_refetch_seconds: float = Field(default=30.0, ge=0)
    # Opaque (non-JWT) access tokens are checked at the provider's userinfo endpoint, cached.
    oidc_opaque_tokens: bool = True
    oidc_userinfo_cache_seconds: float = Field(default=60.0, ge=0, le=3600)
    oidc_http_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    oidc_role_claim: str = "groups"
    oidc_admin_values: Words = Field(default_factory=lambda: ["pmo-admin"])
    oidc_editor_values: Words = Field(default_factory=lambda: ["pmo-editor"])
    oidc_viewer_values: Words = Field(default_factory=lambda: ["pmo-viewer"])
    # Unset: a signed-in person sees every portfolio. Set: only those the claim lists (ids or
    # names), every portfolio when it holds `oidc_all_portfolios_value`.
    oidc_portfolio_claim: str | None = None
    oidc_all_portfolios_value: str = "*"

    # Resource management (docs/resources.md): an allocation that books a resource above its
    # capacity is accepted with a warning (`warn`), or refused with a 409 (`refuse`).
    over_allocation: Literal["warn", "refuse"] = "warn"

    # Compliance (docs/formulas.md): a project without a methodology template reports each
    # month end (0), or every N weeks from its start.
    compliance_report_every_weeks: int = Field(default=0, ge=0, le=52)

    # Project health (CONTRACT §5): CPI and SPI at or above `green` are green, at or above
    # `amber` amber, below it red.
    health_cpi_green: float = Field(default=0.95, ge=0, le=100)
    health_cpi_amber: float = Field(default=0.85, ge=0, le=100)
    health_spi_green: float = Field(default=0.95, ge=0, le=100)
    health_spi_amber: float = Field(default=0.85, ge=0, le=100)
    # Overdue action items as a health input (the rule `actions`, off by default): a project
    # with at least `amber` (`red`) action items still to do and due before the date is amber
    # (red); 0 turns that step off, both 0 (the default) the rule.
    health_overdue_actions_amber: int = Field(default=0, ge=0, le=1_000_000)
    health_overdue_actions_red: int = Field(default=0, ge=0, le=1_000_000)

    @model_validator(mode="after")
    def _overdue_actions_ordered(self) -> Self:
        amber, red = self.health_overdue_actions_amber, self.health_overdue_actions_red
        if amber and red and red < amber:
            raise ValueError(
                f"PMO_HEALTH_OVERDUE_ACTIONS_RED ({red}) must not be below "
                f"PMO_HEALTH_OVERDUE_ACTIONS_AMBER ({amber})"
            )
        return self

    # Issue 16: open issues join the risk rule (a critical one red, a high one amber); off by
    # default, so that turning the issue log on changes no project's health by surprise.
    health_issues: bool = False

    @model_validator(mode="after")
    def _amber_below_green(self) -> Self:
        for index in ("cpi", "spi"):
            amber = getattr(self, f"health_{index}_amber")
            green = getattr(self, f"health_{index}_green")
            if amber > green:
                raise ValueError(
                    f"PMO_HEALTH_{index.upper()}_AMBER ({amber}) must not be above "
                    f"PMO_HEALTH_{index.upper()}_GREEN ({green})"
                )
        return self

    @model_validator(mode="after")
    def _oidc_complete(self) -> Self:
        if self.oidc_issuer is None:
            return self
        if not self.oidc_audience:
            raise ValueError("PMO_OIDC_AUDIENCE is needed with PMO_OIDC_ISSUER")
        refused = set(self.oidc_algorithms) - ASYMMETRIC_ALGORITHMS
        if refused or not self.oidc_algorithms:
            raise ValueError(
                f"PMO_OIDC_ALGORITHMS: {sorted(refused) or 'none given'}; allowed are "
                f"{', '.join(sorted(ASYMMETRIC_ALGORITHMS))}"
            )
        return self

    @property
    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
