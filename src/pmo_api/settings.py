"""Every setting of pmo-api, read from `PMO_` environment variables (documented in the README)."""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    # Project health (CONTRACT §5): CPI and SPI at or above `green` are green, at or above
    # `amber` amber, below it red.
    health_cpi_green: float = Field(default=0.95, ge=0, le=100)
    health_cpi_amber: float = Field(default=0.85, ge=0, le=100)
    health_spi_green: float = Field(default=0.95, ge=0, le=100)
    health_spi_amber: float = Field(default=0.85, ge=0, le=100)

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

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")
