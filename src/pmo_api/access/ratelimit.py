"""Per-key rate limits in fixed one-minute windows.

Counters live in Redis when `PMO_REDIS_URL` is set, so every instance shares them; otherwise in
this process's memory, which limits each process separately (N workers allow N times the rate).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Protocol

WINDOW_SECONDS = 60


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_seconds: int

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_seconds).encode()),
        ]


class RateLimiter(Protocol):
    async def hit(self, key: str, weight: int = 1) -> Decision:
        """Count `weight` requests for `key` (a GraphQL operation weighs its cost)."""
        ...

    async def close(self) -> None: ...


def _decide(count: int, limit: int, now: float) -> Decision:
    reset = max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS))
    return Decision(count <= limit, limit, max(0, limit - count), reset)


class LocalRateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str, weight: int = 1) -> Decision:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        if window != self._window:  # a new minute: forget the last one's counters
            self._window = window
            self._counts = {}
        count = self._counts.get(key, 0) + weight
        self._counts[key] = count
        return _decide(count, self.per_minute, now)

    async def close(self) -> None:
        return None


class RedisRateLimiter:
    def __init__(self, url: str, per_minute: int) -> None:
        from redis.asyncio import Redis

        self.per_minute = per_minute
        self._redis: Any = Redis.from_url(url)

    async def hit(self, key: str, weight: int = 1) -> Decision:
        now = time.time()
        bucket = f"pmo:ratelimit:{key}:{int(now // WINDOW_SECONDS)}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incrby(bucket, weight)
            pipe.expire(bucket, WINDOW_SECONDS + 5)
            count, _ = await pipe.execute()
        return _decide(int(count), self.per_minute, now)

    async def close(self) -> None:
        await self._redis.aclose()


class NoRateLimit:
    async def hit(self, key: str, weight: int = 1) -> Decision:
        return Decision(True, 0, 0, 0)

    async def close(self) -> None:
        return None


def make_rate_limiter(per_minute: int, redis_url: str | None) -> RateLimiter:
    if per_minute <= 0:
        return NoRateLimit()
    if redis_url:
        return RedisRateLimiter(redis_url, per_minute)
    return LocalRateLimiter(per_minute)
