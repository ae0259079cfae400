"""The outbox and the worker: a job is done once, retried with backoff, and never lost to a
crash between claiming it and finishing it."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter

import pytest

from tests.helpers import in_app

CALLS: Counter[str] = Counter()
FAIL_TIMES: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def test_handler():
    from api.jobs.worker import handles

    @handles("test_job")
    async def handler(payload: dict) -> None:
        CALLS[payload["id"]] += 1
        if CALLS[payload["id"]] <= FAIL_TIMES.get(payload["id"], 0):
            raise RuntimeError(f"failure {CALLS[payload['id']]} of {payload['id']}")


async def enqueue_in_transaction(key: str) -> list[bool]:
    """A change's transaction that asks for the same work twice."""
    from api.jobs.outbox import enqueue
    from api.lib.db import write_transaction

    async with write_transaction():
        return [await enqueue("test_job", f"test:{key}", {"id": key}) for _ in range(2)]


async def add_job(client, fail_times: int = 0) -> str:
    key = uuid.uuid4().hex
    FAIL_TIMES[key] = fail_times
    assert (await in_app(client, enqueue_in_transaction, key))[0]
    return key


async def run_due(client, clock=None) -> int:
    from api.jobs.worker import run_due
    from api.lib.db import now

    return int(await in_app(client, run_due, clock or now))


async def job_row(key: str) -> dict:
    from api.jobs.tables import Job

    row = await Job.select().where(Job.dedupe_key == f"test:{key}").first().run(in_pool=False)
    assert row is not None
    return row


def clock_at(moment: dt.datetime):
    return lambda: moment


async def test_a_job_runs_once_and_is_marked_done(client):
    key = await add_job(client)
    await run_due(client)
    await run_due(client)
    assert CALLS[key] == 1
    assert (await job_row(key))["state"] == "done"


async def test_the_same_work_enqueued_twice_is_one_job(client):
    from api.jobs.tables import Job

    assert await in_app(client, enqueue_in_transaction, "twice") == [True, False]
    assert await Job.count().where(Job.dedupe_key == "test:twice").run(in_pool=False) == 1


async def test_a_job_outside_the_changes_transaction_is_refused(client):
    from api.jobs.outbox import enqueue

    with pytest.raises(RuntimeError, match="inside the write transaction"):
        await in_app(client, enqueue, "test_job", "test:loose", {"id": "loose"})


async def test_a_failing_job_waits_its_backoff_then_succeeds(client):
    from api.lib.db import now

    key = await add_job(client, fail_times=2)
    start = now()
    await run_due(client, clock_at(start))
    failed_once = await job_row(key)
    assert (failed_once["state"], failed_once["attempts"]) == ("pending", 1)
    assert "failure 1" in failed_once["last_error"]

    await run_due(client, clock_at(start + dt.timedelta(seconds=1)))
    assert CALLS[key] == 1  # not due yet

    await run_due(client, clock_at(start + dt.timedelta(minutes=1)))
    await run_due(client, clock_at(start + dt.timedelta(minutes=2)))
    assert CALLS[key] == 3
    done = await job_row(key)
    assert (done["state"], done["attempts"], done["last_error"]) == ("done", 3, "")


async def test_a_job_that_keeps_failing_is_given_up_with_its_error(client):
    from api.jobs.worker import MAX_ATTEMPTS
    from api.lib.db import now

    key = await add_job(client, fail_times=100)
    moment = now()
    for _ in range(MAX_ATTEMPTS + 2):
        moment += dt.timedelta(hours=2)
        await run_due(client, clock_at(moment))
    row = await job_row(key)
    assert row["state"] == "failed"
    assert row["attempts"] == MAX_ATTEMPTS
    assert f"failure {MAX_ATTEMPTS}" in row["last_error"]


async def test_a_job_claimed_by_a_worker_that_died_runs_again_after_its_lease(client):
    from api.jobs.worker import LEASE, claim
    from api.lib.db import now

    key = await add_job(client)
    start = now()
    # A worker claims everything due and dies before running any of it.
    while (claimed := await in_app(client, claim, clock_at(start))) is not None:
        if claimed.payload.get("id") == key:
            break
    assert claimed is not None
    assert (await job_row(key))["state"] == "running"

    await run_due(client, clock_at(start + LEASE / 2))
    assert CALLS[key] == 0

    await run_due(client, clock_at(start + LEASE + dt.timedelta(seconds=1)))
    assert CALLS[key] == 1
    assert (await job_row(key))["state"] == "done"


async def test_a_job_told_when_to_come_back_runs_then_not_after_its_backoff(client):
    from api.jobs.outbox import enqueue
    from api.jobs.tables import Job
    from api.jobs.worker import RetryAfter, handles
    from api.lib.db import now, write_transaction

    told: list[str] = []

    @handles("test_retry_after")
    async def handler(payload: dict) -> None:
        told.append(payload["id"])
        if len(told) == 1:
            raise RetryAfter(900, "come back in a quarter of an hour")

    async def add() -> None:
        async with write_transaction():
            await enqueue("test_retry_after", "test:retry-after", {"id": "later"})

    await in_app(client, add)
    start = now()
    await run_due(client, clock_at(start))
    row = await Job.select().where(Job.dedupe_key == "test:retry-after").first().run(in_pool=False)
    assert (row["state"], row["run_after"]) == ("pending", start + dt.timedelta(seconds=900))
    assert "quarter of an hour" in row["last_error"]

    await run_due(client, clock_at(start + dt.timedelta(minutes=14)))
    assert told == ["later"]
    await run_due(client, clock_at(start + dt.timedelta(minutes=15)))
    assert told == ["later", "later"]
