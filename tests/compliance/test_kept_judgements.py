"""Kept judgements stay exact (compliance/stamps.py, compliance/cache.py): after every one of a
random series of writes to what compliance is judged from (status reports, gate milestones
and their reviews, risks, corrective actions, baselines, the project's status), the answers at
several dates, past and future, equal those judged from scratch (nothing kept), and the
written project's stamp changed in the write's transaction."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from pmo_api.compliance.cache import JUDGEMENTS
from pmo_api.compliance.models import compliance_stamps
from pmo_api.core.clock import today
from tests.compliance.test_compliance import month_end, put_baseline
from tests.factories import make_portfolio, make_project, post_created

WRITES = 24


async def _tokens(app: FastAPI) -> dict[uuid.UUID, uuid.UUID]:
    async with app.state.db.read() as conn:
        rows = await conn.execute(select(compliance_stamps.c.project_id, compliance_stamps.c.token))
        return {p: t for p, t in rows}


def _day(rng: random.Random) -> date:
    return today() + timedelta(days=rng.randint(-90, 30))


async def _write(
    client: httpx.AsyncClient, rng: random.Random, code: str, made: dict[str, list[str]]
) -> str:
    """One random write to project `code` through the API; what it was."""
    base = f"/api/v1/projects/{code}"
    kind = rng.choice(
        [
            "report",
            "publish",
            "delete_report",
            "gate",
            "move_gate",
            "review",
            "risk",
            "close_risk",
            "action",
            "finish_action",
            "baseline",
            "status",
        ]
    )
    if kind == "report" or (kind in ("publish", "delete_report") and not made["reports"]):
        period = month_end(_day(rng).replace(day=1))
        report = await post_created(
            client, f"{base}/status-reports", {"period_end": period.isoformat()}
        )
        made["reports"].append(report["id"])
        return "report"
    if kind == "publish":
        response = await client.post(
            f"/api/v1/status-reports/{rng.choice(made['reports'])}/publish"
        )
    elif kind == "delete_report":
        report_id = made["reports"].pop(rng.randrange(len(made["reports"])))
        response = await client.delete(f"/api/v1/status-reports/{report_id}")
    elif kind == "gate" or (kind in ("move_gate", "review") and not made["gates"]):
        gate = await post_created(
            client,
            f"{base}/milestones",
            {"name": f"Gate {uuid.uuid4().hex[:6]}", "due_date": _day(rng).isoformat()}
            | {"is_gate": True},
        )
        made["gates"].append(gate["id"])
        return "gate"
    elif kind == "move_gate":
        gate_id = rng.choice(made["gates"])
        response = await client.patch(
            f"/api/v1/milestones/{gate_id}", json={"due_date": _day(rng).isoformat()}
        )
    elif kind == "review":
        review = {"milestone_id": rng.choice(made["gates"]), "held_on": _day(rng).isoformat()}
        response = await client.post(f"{base}/gate-reviews", json=review)
    elif kind == "risk" or (kind == "close_risk" and not made["risks"]):
        risk = await post_created(
            client,
            f"{base}/risks",
            {"title": "Risk", "probability": 2, "impact": 3, "review_date": _day(rng).isoformat()},
        )
        made["risks"].append(risk["id"])
        return "risk"
    elif kind == "close_risk":
        change = rng.choice([{"status": "closed"}, {"review_date": _day(rng).isoformat()}])
        response = await client.patch(f"/api/v1/risks/{rng.choice(made['risks'])}", json=change)
    elif kind == "action" or (kind == "finish_action" and not made["actions"]):
        item = await post_created(
            client,
            f"{base}/action-items",
            {"title": "Fix", "source": "finding", "due_date": _day(rng).isoformat()},
        )
        made["actions"].append(item["id"])
        return "action"
    elif kind == "finish_action":
        change = {"status": "done", "completed_on": _day(rng).isoformat()}
        response = await client.patch(
            f"/api/v1/action-items/{rng.choice(made['actions'])}", json=change
        )
    elif kind == "baseline":
        await put_baseline(client, code)
        return kind
    else:
        status = rng.choice(["approved", "active", "on_hold", "completed"])
        response = await client.patch(base, json={"status": status})
    # A write the API refuses (a second open review of a gate, a status it cannot reach from
    # the current one) changes nothing, and must not make a kept judgement wrong either.
    assert response.status_code < 500, response.text
    return kind


async def _answers(client: httpx.AsyncClient, portfolio_id: str, days: list[date]) -> list[Any]:
    out = []
    for day in days:
        response = await client.get(
            f"/api/v1/portfolios/{portfolio_id}/compliance", params={"as_of": day.isoformat()}
        )
        assert response.status_code == 200, response.text
        out.append(response.json())
    return out


@pytest.mark.parametrize("seed", [1, 2])
async def test_kept_judgements_equal_a_recomputation(
    client: httpx.AsyncClient, app: FastAPI, seed: int
) -> None:
    rng = random.Random(seed)
    portfolio = await make_portfolio(client)
    start = (today() - timedelta(days=120)).isoformat()
    codes = [
        (await make_project(client, portfolio["id"], status="active", start_date=start))["code"]
        for _ in range(2)
    ]
    ids = {
        code: uuid.UUID((await client.get(f"/api/v1/projects/{code}")).json()["id"])
        for code in codes
    }
    made = {code: {"reports": [], "gates": [], "risks": [], "actions": []} for code in codes}
    days = [today(), today() - timedelta(days=40), today() + timedelta(days=20)]
    await _answers(client, portfolio["id"], days)  # judged, and kept
    for _ in range(WRITES):
        code = rng.choice(codes)
        before = await _tokens(app)
        kind = await _write(client, rng, code, made[code])
        after = await _tokens(app)
        kept = await _answers(client, portfolio["id"], days)
        JUDGEMENTS.clear()
        fresh = await _answers(client, portfolio["id"], days)
        assert kept == fresh, kind
        if kind in ("report", "gate", "risk", "action", "baseline"):  # always written
            assert after[ids[code]] != before.get(ids[code]), kind
