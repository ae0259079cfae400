"""Piccolo's SQLite engine, with its connections kept for reuse.

Piccolo opens a new aiosqlite connection for every query outside a transaction and for every
transaction: a new thread, a new file handle and a PRAGMA each time, and inside a transaction
it sends `PRAGMA foreign_keys = 1` again before every statement. That was two thirds of the
embedded server's time per visit. Here a few idle connections wait for the next query, set up
once; what runs on them is unchanged (autocommit outside a transaction, BEGIN ... COMMIT in
one), so the file sees the same statements as before.
"""

from __future__ import annotations

from typing import Any

import aiosqlite
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

# Idle connections kept per process; more may be open at once, the rest are closed on return.
IDLE_CONNECTIONS = 8


class PooledConnection:
    """An aiosqlite connection whose close() hands it back for the next user."""

    def __init__(self, engine: ReusingSQLiteEngine, connection: aiosqlite.Connection) -> None:
        object.__setattr__(self, "_engine", engine)
        object.__setattr__(self, "_connection", connection)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._connection, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._connection, name, value)

    async def close(self) -> None:
        await self._engine.release(self._connection)


class ReusingSQLiteEngine(SQLiteEngine):
    __slots__ = ("_idle",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._idle: list[aiosqlite.Connection] = []

    async def _open(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(**self.connection_kwargs)
        # An idle connection must not keep the process alive at exit (aiosqlite's worker
        # thread is not a daemon): it holds no work, and what it wrote is committed.
        connection._thread.daemon = True
        await connection
        connection.row_factory = dict_factory  # type: ignore[assignment]
        await connection.execute("PRAGMA foreign_keys = 1")
        return connection

    async def acquire(self) -> aiosqlite.Connection:
        return self._idle.pop() if self._idle else await self._open()

    async def release(self, connection: aiosqlite.Connection) -> None:
        if connection.in_transaction:
            # Left in a transaction only by a failure mid-way: never hand that on.
            await connection.close()
        elif len(self._idle) < IDLE_CONNECTIONS:
            self._idle.append(connection)
        else:
            await connection.close()

    async def close_idle(self) -> None:
        while self._idle:
            await self._idle.pop().close()

    async def get_connection(self) -> Any:
        """A transaction's connection (SQLiteTransaction closes it at the end: a release)."""
        return PooledConnection(self, await self.acquire())

    async def _run_in_new_connection(
        self,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # Autocommit: the statement is its own transaction, as on a new connection. (Piccolo's
        # path for SQLite before 3.35, without RETURNING, is left out: Debian 12 has 3.40.)
        connection = await self.acquire()
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            await self.release(connection)

    async def _run_in_existing_connection(
        self,
        connection: Any,
        query: str,
        args: list[Any] | None = None,
        query_type: str = "generic",
        table: Any = None,
    ) -> Any:
        # The connection was set up once when it was opened.
        async with connection.execute(query, args or []) as cursor:
            return await cursor.fetchall()
