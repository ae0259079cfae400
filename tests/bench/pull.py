"""Sync pull: a worker's first sync with `pull_cases` cases (every page), and an incremental
sync with nothing new. Sequential requests from one device, timed at the client on loopback:
the figure is the server's time plus well under a millisecond of loopback and httpx."""

from __future__ import annotations

import asyncio
import time
import uuid

import httpx

from tests.bench.common import Results, Row, Sizes, median_ms, percentile
from tests.conftest import DEMO_PASSWORD
from tests.helpers import demo_org_id
from tests.integration.cases.test_cases import case_body

FIRST_AIM = 0.300
INCREMENTAL_AIM = 0.010
PASSWORD = "a-long-benchmark-password"


async def _login(client: httpx.AsyncClient, username: str, password: str) -> dict[str, str]:
    response = await client.post(
        "/api/auth/login",
        json={"username": username, "password": password, "device_name": "bench pull"},
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def worker_with_cases(client: httpx.AsyncClient, cases: int) -> dict[str, str]:
    """A new field worker of the demo housing corporation who opened `cases` cases."""
    admin = await _login(client, "admin", DEMO_PASSWORD)
    username = f"bench-{uuid.uuid4().hex[:8]}"
    created = await client.post(
        "/api/admin/users",
        headers=admin,
        json={
            "username": username,
            "display_name": "Bench Verzonnen",
            "organisation_id": str(demo_org_id("thuisbasis")),
            "roles": ["field_worker"],
            "password": PASSWORD,
        },
    )
    created.raise_for_status()
    headers = await _login(client, username, PASSWORD)
    for _ in range(cases):
        answer = await client.put(f"/api/cases/{uuid.uuid4()}", headers=headers, json=case_body())
        answer.raise_for_status()
    return headers


async def first_sync(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[float, str, int]:
    """Every page from no cursor: seconds, the final cursor, cases received."""
    start = time.perf_counter()
    cursor, cases, more = "", 0, True
    while more:
        answer = await client.get("/api/sync/changes", params={"since": cursor}, headers=headers)
        answer.raise_for_status()
        body = answer.json()
        cursor, more, cases = body["cursor"], body["more"], cases + len(body["cases"])
    return time.perf_counter() - start, cursor, cases


async def caught_up(client: httpx.AsyncClient, headers: dict[str, str], cursor: str) -> str:
    """Pull from `cursor` until an answer brings nothing; the cursor it ends at."""
    while True:
        answer = await client.get("/api/sync/changes", params={"since": cursor}, headers=headers)
        answer.raise_for_status()
        body = answer.json()
        if not (body["cases"] or body["visits"] or body["more"]):
            return cursor
        cursor = body["cursor"]


async def incremental(client: httpx.AsyncClient, headers: dict[str, str], cursor: str) -> float:
    start = time.perf_counter()
    answer = await client.get("/api/sync/changes", params={"since": cursor}, headers=headers)
    answer.raise_for_status()
    assert not answer.json()["cases"], "an incremental pull with nothing new brought cases"
    return time.perf_counter() - start


async def _run(url: str, sizes: Sizes) -> tuple[list[float], list[float], int]:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        headers = await worker_with_cases(client, sizes.pull_cases)
        await first_sync(client, headers)  # warm-up
        firsts, cursor, cases = [], "", 0
        for _ in range(sizes.pull_first_runs):
            seconds, cursor, cases = await first_sync(client, headers)
            firsts.append(seconds)
        for _ in range(10):  # warm-up
            await incremental(client, headers, cursor)
        increments = [
            await incremental(client, headers, cursor) for _ in range(sizes.pull_incremental_runs)
        ]
    return firsts, increments, cases


def run(results: Results, url: str, backend: str, sizes: Sizes) -> None:
    firsts, increments, cases = asyncio.run(_run(url, sizes))
    median, p95 = median_ms(firsts)
    results.add(
        Row(
            f"pull: first sync, {cases} cases (all pages)",
            backend,
            median,
            p95,
            aim=f"< {FIRST_AIM * 1000:.0f} ms",
            met=percentile(firsts, 0.5) < FIRST_AIM,
            note=f"{len(firsts)} runs",
        )
    )
    median, p95 = median_ms(increments)
    results.add(
        Row(
            "pull: incremental, nothing new",
            backend,
            median,
            p95,
            aim=f"< {INCREMENTAL_AIM * 1000:.0f} ms",
            met=percentile(increments, 0.5) < INCREMENTAL_AIM,
            note=f"{len(increments)} runs",
        )
    )
