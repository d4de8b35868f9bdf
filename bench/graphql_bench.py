"""A viewer looping the heaviest GraphQL query the cost limit allows must not hold another
client's requests (issue 13): the other client's p50 for `GET /api/v1/projects/{id}` with the
viewer's loop running, divided by its p50 without, must stay at or below 2.

- The viewer: its own API key (role viewer), one keep-alive connection, sending
  HEAVIEST (cost just under 50,000: 500 projects with their health, earned value, first
  milestones and budget lines) back to back for the whole measured window, whatever the
  answers (200 with data, or RATE_LIMITED once its minute is spent).
- The other client: the admin key, one keep-alive connection, one request every
  `PACE_S` (a client that waits between requests, as a page does), random projects (fixed
  seed). p50 of the requests of the window, against the p50 of as many requests with the
  viewer idle, measured just before on the same process.
- The server: a fresh process started as the others, with production defaults, the rate limit
  included (3,000 requests a minute per key, a GraphQL operation charged ceil(cost / 200)):
  that charge is how a single key's share of the process is bounded, so it is part of what is
  measured. The same figure without a rate limit is reported as a diagnostic, not judged.
"""

from __future__ import annotations

import http.client
import json
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Mapping
from typing import Any

from evm_bench import Client, figure, stats_ms
from servers import HOST, Server

LIMIT = 2.0
PACE_S = 0.05
WINDOW_S = 60.0  # a whole rate-limit minute: the viewer's spent minute is part of it
HEAVIEST = """query($n: Int!) { projects(first: $n) { nodes {
  id code name status priority startDate finishDate budget currency health
  evm(asOf: "2026-11-22") { bac pv ev ac cpi spi eac vac }
  milestones(first: 10) { name dueDate weight status }
  budgetLines(first: 10) { period category amount }
} } }"""
VARIABLES = {"n": 500}


class Viewer(threading.Thread):
    """Sends HEAVIEST in a loop on one connection until stopped; counts the answers."""

    def __init__(self, server: Server, key: str) -> None:
        super().__init__(daemon=True)
        self.server = server
        self.key = key
        self.stopping = threading.Event()
        self.answers: Counter[str] = Counter()
        self.seconds: list[float] = []
        self.cost: int | None = None

    def run(self) -> None:
        conn = http.client.HTTPConnection(HOST, self.server.port, timeout=120)
        body = json.dumps({"query": HEAVIEST, "variables": VARIABLES})
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        while not self.stopping.is_set():
            started = time.perf_counter()
            conn.request("POST", "/graphql", body=body, headers=headers)
            answer = conn.getresponse()
            payload = answer.read()
            self.seconds.append(time.perf_counter() - started)
            self.answers[self._outcome(answer.status, payload)] += 1
        conn.close()

    def _outcome(self, status: int, payload: bytes) -> str:
        if status != 200:
            return f"HTTP {status}"
        result: Mapping[str, Any] = json.loads(payload)
        self.cost = result.get("extensions", {}).get("cost", self.cost)
        errors = result.get("errors") or []
        return errors[0].get("extensions", {}).get("code", "error") if errors else "data"


def _paced(client: Client, ids: list[str], rng: random.Random, seconds: float) -> list[float]:
    """GET random projects, one every PACE_S, for `seconds`; latency of each (s)."""
    times: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        status, body, took = client.get(f"/api/v1/projects/{rng.choice(ids)}")
        if status != 200:
            raise RuntimeError(f"GET project answered {status}: {body[:200]!r}")
        times.append(took)
        time.sleep(max(0.0, PACE_S - took))
    return times


def neighbour(server: Server, viewer_key: str, ids: list[str], *, judged: bool) -> dict[str, Any]:
    """The figure on `server` (already started): loaded p50 / idle p50."""
    rng = random.Random(13)
    client = Client(server)
    try:
        _paced(client, ids, rng, 3.0)  # warm-up
        idle = _paced(client, ids, rng, WINDOW_S / 3)
        viewer = Viewer(server, viewer_key)
        viewer.start()
        try:
            loaded = _paced(client, ids, rng, WINDOW_S)
        finally:
            viewer.stopping.set()
            viewer.join(timeout=60)
    finally:
        client.close()
    ratio = statistics.median(loaded) / statistics.median(idle)
    data = viewer.answers.get("data", 0)
    problems = [] if data else ["the viewer's heaviest query never ran"]
    name = "graphql-neighbour" if judged else "graphql-neighbour (no rate limit)"
    print(
        f"  {name}: other client's p50 {statistics.median(idle) * 1000:.2f} ms idle, "
        f"{statistics.median(loaded) * 1000:.2f} ms with the viewer's loop: x{ratio:.2f} "
        f"(limit <= x{LIMIT}); viewer: cost {viewer.cost}, answers {dict(viewer.answers)}",
        flush=True,
    )
    return figure(
        name,
        "GET /projects/{id} p50, a viewer looping the heaviest GraphQL / idle"
        + ("" if judged else " (no rate limit)"),
        round(ratio, 2),
        LIMIT,
        "<=",
        "x",
        problems=problems,
        judged=judged,
        idle=stats_ms(idle),
        loaded=stats_ms(loaded),
        viewer={
            "cost": viewer.cost,
            "answers": dict(viewer.answers),
            "query_latency": stats_ms(viewer.seconds) if viewer.seconds else None,
        },
        reference="issue 13 item 3: no more than 2x",
    )
