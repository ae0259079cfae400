"""The database being away for a moment is a 503 the tablet retries, not a 500.

A PostgreSQL restart or failover closes every pooled connection and refuses new ones while it
recovers from its WAL; SQLite can stay locked past the busy timeout under a long writer. In
each case the transaction was rolled back, nothing was stored by halves, and the same request
sent again in a few seconds will do: the tablet's outbox sends it again after Retry-After.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Awaitable, Callable

import asyncpg

log = logging.getLogger("keukentafel")

RETRY_AFTER_SECONDS = 5

# Connection lost (08xxx, a closed socket), the server shutting down or starting up (57Pxx).
DATABASE_AWAY: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.OperatorInterventionError,
    ConnectionError,
    TimeoutError,
)


def database_away(exc: BaseException) -> bool:
    """Whether `exc` (or what caused it) says the database cannot be reached right now."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, DATABASE_AWAY):
            return True
        if isinstance(current, sqlite3.OperationalError) and "locked" in str(current):
            return True
        if isinstance(current, OSError) and current.errno is not None:
            return True  # connection refused or reset while (re)connecting
        current = current.__cause__ or current.__context__
    return False


async def wait_for_database(connect: Callable[[], Awaitable[object]], within: float = 60.0) -> None:
    """Call `connect()` until the database answers: a server started alongside its database
    (compose, a restart after a crash) waits for it instead of exiting."""
    deadline = time.monotonic() + within
    pause = 0.2
    while True:
        try:
            await connect()
            return
        except Exception as exc:
            if not database_away(exc) or time.monotonic() > deadline:
                raise
            log.warning("database not reachable yet (%s); trying again", exc)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)
