"""Requests without a valid key, counted per client address in one-minute windows.

Every such request costs a key lookup (a database read for a key id not in the cache), so an
address that sent more than `PMO_UNAUTHENTICATED_RATE_LIMIT_PER_MINUTE` of them this minute is
refused (429) before the lookup, whatever it sends, until the minute ends. Valid keys are not
counted. The counters are this process's (like the local per-key limit): a window's map is
dropped when the next minute begins and holds at most `MAX_ADDRESSES` addresses, beyond which
new addresses share one counter, so a flood of spoofed-looking addresses cannot grow memory.
Behind a proxy the address is the one uvicorn takes from `X-Forwarded-For`
(`--forwarded-allow-ips`), otherwise the proxy's.
"""

from __future__ import annotations

import math
import time

from starlette.types import Scope

from pmo_api.access.ratelimit import WINDOW_SECONDS

MAX_ADDRESSES = 100_000
_OVERFLOW = "(overflow)"


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "(unknown)"


class FailedAuthLimit:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._window = -1
        self._counts: dict[str, int] = {}

    def _roll(self) -> float:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        if window != self._window:
            self._window = window
            self._counts = {}
        return now

    def blocked(self, address: str) -> int | None:
        """Seconds until the address may try again, or None when it may try now."""
        if self.per_minute <= 0:
            return None
        now = self._roll()
        if address not in self._counts and len(self._counts) >= MAX_ADDRESSES:
            address = _OVERFLOW
        if self._counts.get(address, 0) < self.per_minute:
            return None
        return max(1, math.ceil(WINDOW_SECONDS - now % WINDOW_SECONDS))

    def failed(self, address: str) -> None:
        if self.per_minute <= 0:
            return
        self._roll()
        if address not in self._counts and len(self._counts) >= MAX_ADDRESSES:
            address = _OVERFLOW
        self._counts[address] = self._counts.get(address, 0) + 1
