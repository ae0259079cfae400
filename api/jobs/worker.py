"""The worker loop: claim a due job, run its handler, record the outcome; retry with backoff.

Handlers must be safe to run twice: a worker killed after the effect but before marking the job
done leaves a running row whose lease runs out, and the next claim runs it again. On PostgreSQL
many workers claim side by side (`FOR UPDATE SKIP LOCKED`); on SQLite the IMMEDIATE write
transaction serialises claims.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from piccolo.columns.combination import WhereRaw

from api.jobs.tables import Job
from api.lib.availability import wait_for_database
from api.lib.db import now, write_transaction
from api.settings import get_settings

log = logging.getLogger("keukentafel.worker")

Handler = Callable[[dict[str, Any]], Awaitable[None]]
Clock = Callable[[], dt.datetime]

_handlers: dict[str, Handler] = {}

MAX_ATTEMPTS = 8
# The default lease (KEUKENTAFEL_JOB_LEASE_SECONDS).
LEASE = dt.timedelta(minutes=5)
# The rows a claim may take, word for word the condition of the partial index `job_claimable`
# (jobs migration 2026-11-25T04:00): a database uses a partial index only where it can see that
# the query implies its condition. SQLite sees it only in the same term with the same literals
# (bound parameters hide them), and then walks `run_after` past every finished job instead.
CLAIMABLE = WhereRaw("state IN ('pending', 'running')")


class RetryAfter(Exception):
    """Raised by a handler that was told when to come back (a push service's 429)."""

    def __init__(self, seconds: float, reason: str = "") -> None:
        super().__init__(reason or f"retry after {seconds} s")
        self.seconds = seconds


Periodic = Callable[[], Awaitable[int]]
_periodic: list[tuple[float, Periodic]] = []


def periodically(seconds: float) -> Callable[[Any], Any]:
    """Register a task the worker loop runs every `seconds` (escalation, retention)."""

    def register(task: Any) -> Any:
        _periodic.append((seconds, task))
        return task

    return register


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _handlers[kind] = handler
        return handler

    return register


def backoff(attempts: int) -> dt.timedelta:
    """5 s, 10 s, 20 s ... up to an hour, with jitter so failed jobs do not retry in step."""
    seconds = min(5 * 2 ** max(attempts - 1, 0), 3600)
    return dt.timedelta(seconds=seconds * random.uniform(0.8, 1.2))  # noqa: S311


def retry_delay(error: Exception, attempts: int) -> dt.timedelta:
    """When a failed job runs again: when it was told (RetryAfter), else after its backoff."""
    if isinstance(error, RetryAfter):
        return dt.timedelta(seconds=max(error.seconds, 0.0))
    return backoff(attempts)


@dataclass(slots=True)
class Claimed:
    id: Any
    kind: str
    payload: dict[str, Any]
    attempts: int


async def claim(clock: Clock = now) -> Claimed | None:
    at = clock()
    lease = dt.timedelta(seconds=get_settings().job_lease_seconds)
    due = CLAIMABLE & (
        ((Job.state == "pending") & (Job.run_after <= at))
        | ((Job.state == "running") & (Job.leased_until < at))
    )
    async with write_transaction():
        query = Job.select(Job.id).where(due).order_by(Job.run_after).limit(1)
        if get_settings().uses_postgres:
            query = query.lock_rows("UPDATE", skip_locked=True)
        found = await query.first().run()
        if found is None:
            return None
        rows = await (
            Job.update(
                {Job.state: "running", Job.attempts: Job.attempts + 1, Job.leased_until: at + lease}
            )
            .where(Job.id == found["id"])
            .returning(Job.id, Job.kind, Job.payload, Job.attempts)
            .run()
        )
    row = rows[0]
    payload = row["payload"]
    if isinstance(payload, str):  # JSON columns come back as text from `returning`
        payload = json.loads(payload)
    return Claimed(row["id"], row["kind"], payload, row["attempts"])


async def run_one(clock: Clock = now) -> bool:
    """Claim and run one due job; False when none is due."""
    job = await claim(clock)
    if job is None:
        return False
    handler = _handlers.get(job.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for job kind {job.kind!r}")
        await handler(job.payload)
    except Exception as error:  # a failing job must never stop the loop
        log.warning("job %s (%s) attempt %d failed: %s", job.id, job.kind, job.attempts, error)
        gave_up = job.attempts >= MAX_ATTEMPTS
        await _settle(
            job.id,
            {
                Job.state: "failed" if gave_up else "pending",
                Job.run_after: clock() + retry_delay(error, job.attempts),
                Job.leased_until: None,
                Job.last_error: f"{type(error).__name__}: {error}"[:2000],
                Job.finished_at: clock() if gave_up else None,
            },
        )
        return True
    await _settle(
        job.id,
        {Job.state: "done", Job.leased_until: None, Job.finished_at: clock(), Job.last_error: ""},
    )
    return True


async def _settle(job_id: Any, values: dict[Any, Any]) -> None:
    """Record how the job went. When the database restarted under the job, wait for it (up to
    a minute) rather than leave the job leased for LEASE: the worker is alive and knows."""
    await wait_for_database(lambda: Job.update(values).where(Job.id == job_id).run())


async def run_due(clock: Clock = now, limit: int = 1000) -> int:
    """Run jobs until none is due (or `limit` ran); the count. Tests drain the outbox with it."""
    _load_handlers()
    ran = 0
    while ran < limit and await run_one(clock):
        ran += 1
    return ran


async def run_forever(stop: asyncio.Event, poll_seconds: float = 1.0) -> None:
    _load_handlers()
    log.info("worker started")
    last_run: dict[int, float] = {}
    while not stop.is_set():
        try:
            await run_due()
            await _run_periodic(last_run)
        except Exception:  # the database may be restarting: wait and go on
            log.exception("worker loop error")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll_seconds)
    log.info("worker stopped")


async def _run_periodic(last_run: dict[int, float]) -> None:
    for index, (seconds, task) in enumerate(_periodic):
        moment = time.monotonic()
        if index in last_run and moment - last_run[index] < seconds:
            continue
        last_run[index] = moment
        await task()


def _load_handlers() -> None:
    """Importing the handler modules registers them (kept here so every entry point agrees)."""
    import api.audit.verification
    import api.followups.escalation
    import api.notifications.jobs
    import api.reports.jobs
    import api.retention.jobs  # noqa: F401
