"""Writing work to the outbox, inside the transaction of the change that calls for it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from api.jobs.tables import Job
from api.lib.db import engine, now


async def enqueue(
    kind: str, dedupe_key: str, payload: dict[str, Any], run_after: dt.datetime | None = None
) -> bool:
    """Add a job unless one with this key exists; True when added.

    Called inside the service's write transaction, so the job exists exactly when the change
    does: a rolled-back change leaves no job, a committed one cannot lose its job.
    """
    if engine().current_transaction.get() is None:
        raise RuntimeError("enqueue jobs inside the write transaction of the change")
    at = now()
    added = await (
        Job.insert(
            Job(
                kind=kind,
                dedupe_key=dedupe_key,
                payload=payload,
                state="pending",
                run_after=run_after or at,
                created_at=at,
            )
        )
        .on_conflict(target=Job.dedupe_key, action="DO NOTHING")
        .returning(Job.id)
        .run()
    )
    return bool(added)
