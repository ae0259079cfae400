"""Database helpers shared by every service: the write transaction and engine preparation."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from piccolo.engine import engine_finder
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType


def engine() -> Engine:
    found = engine_finder()
    if found is None:
        raise RuntimeError("no Piccolo engine configured (PICCOLO_CONF)")
    return found


@dataclass(frozen=True, slots=True)
class Carried:
    """A write to make before COMMIT that may ride along as a WITH clause of the transaction's
    last statement (PostgreSQL) instead of costing a round trip of its own. `sql` is one
    data-modifying statement with RETURNING and `{}` where its `args` go; `name` is its name
    in the WITH clause."""

    name: str
    sql: str
    args: tuple[Any, ...]


class CommitScope:
    """What a write transaction does last, just before COMMIT: `state` for modules to gather
    rows in, `before_commit` callbacks run in order. The audit trail appends its hash-chained
    rows here, so its per-chain lock is the last lock a transaction takes (no lock-order
    deadlock with the rows the service changed).

    Locks held from here to COMMIT serialise every transaction that needs them, and each round
    trip in that stretch waits for a turn of a busy event loop: so a callback may `carry` its
    write instead, and the next statement built with `with_carried` takes it along."""

    def __init__(self) -> None:
        self.state: dict[str, Any] = {}
        self._callbacks: list[Callable[[], Awaitable[None]]] = []
        self._last: list[Callable[[], Awaitable[None]]] = []
        self._carried: list[Carried] = []
        self._carried_count = 0

    def before_commit(self, callback: Callable[[], Awaitable[None]], *, last: bool = False) -> None:
        """`last`: after every other callback (the audit chain: its lock is the last taken)."""
        (self._last if last else self._callbacks).append(callback)

    def carry(self, sql: str, args: Sequence[Any] = (), *, name: str | None = None) -> str:
        """Carry a write (see `Carried`); its name in the WITH clause, by which a later
        carried write may wait for it (`WHERE (SELECT count(*) FROM name) >= 0`)."""
        self._carried_count += 1
        write = Carried(name or f"carried_{self._carried_count}", sql, tuple(args))
        self._carried.append(write)
        return write.name

    def with_carried(self, sql: str, args: Sequence[Any]) -> tuple[str, list[Any]]:
        """`sql` (one statement, `{}` placeholders, `{carried}` once where a condition may
        stand) with the carried writes in front, numbered `$1`...: the writes run to the end
        before the statement reads a row (a one-time filter counts what they returned), so
        their locks come before the statement's own, as if they had run first."""
        carried, self._carried = self._carried, []
        gate = " + ".join(_count(write.name) for write in carried)
        text = sql.replace("{carried}", f"{gate} >= 0" if carried else "TRUE")
        if carried:
            text = "WITH " + ", ".join(f"{w.name} AS ({w.sql})" for w in carried) + " " + text
        return numbered(text, [value for write in carried for value in write.args] + list(args))

    async def run(self) -> None:
        while self._callbacks or self._last:
            await (self._callbacks or self._last).pop(0)()
        if self._carried:  # nothing took them along
            await execute(*self.with_carried("SELECT 1 WHERE {carried}", ()))


def carrier() -> CommitScope | None:
    """The write transaction's scope where writes can be carried (PostgreSQL), else None:
    then the caller writes at once."""
    scope = commit_scope()
    return scope if scope is not None and engine().engine_type == "postgres" else None


def after(name: str) -> str:
    """A condition that holds once the carried write `name` ran: in a carried write that must
    follow another (WITH clauses run in no set order otherwise)."""
    return f"{_count(name)} >= 0"


def _count(name: str) -> str:
    # Names are the callers' constants or made up here; values travel as parameters.
    return f"(SELECT count(*) FROM {name})"  # noqa: S608


def numbered(sql: str, args: Sequence[Any]) -> tuple[str, list[Any]]:
    """PostgreSQL's `$1`, `$2`... for the `{}` placeholders of `sql`, in order."""
    parts = sql.split("{}")
    if len(parts) != len(args) + 1:
        raise ValueError("placeholders and values do not match")
    return parts[0] + "".join(f"${n}{part}" for n, part in enumerate(parts[1:], 1)), list(args)


_commit_scope: ContextVar[CommitScope | None] = ContextVar("commit_scope", default=None)


def commit_scope() -> CommitScope | None:
    """The scope of the write transaction in progress, or None outside one."""
    return _commit_scope.get() if engine().current_transaction.get() is not None else None


@asynccontextmanager
async def write_transaction() -> AsyncIterator[Any]:
    """One transaction for a service's change.

    On SQLite it is IMMEDIATE: the write lock is taken at BEGIN, so two writers queue behind the
    busy timeout instead of one failing half-way with "database is locked". Within a process
    they queue on an asyncio lock first: SQLite's busy handler polls with sleeps of up to
    100 ms, which under load made a few writers wait seconds while others went ahead; the
    lock lets them in in order (other processes still meet the busy timeout). Inside another
    transaction it joins that one (and its commit scope).
    """
    db = engine()
    nested = db.current_transaction.get() is not None
    if isinstance(db, SQLiteEngine) and not nested:
        async with _sqlite_writer(), _transaction(db, nested) as joined:
            yield joined
    else:
        async with _transaction(db, nested) as joined:
            yield joined


# One per event loop: an asyncio lock belongs to the loop it first waited on.
_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def _sqlite_writer() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    lock = _writers.get(loop)
    if lock is None:
        lock = _writers[loop] = asyncio.Lock()
    return lock


@asynccontextmanager
async def _transaction(db: Engine, nested: bool) -> AsyncIterator[Any]:
    if isinstance(db, SQLiteEngine):
        transaction = db.transaction(transaction_type=TransactionType.immediate)
    else:
        transaction = db.transaction()
    async with transaction as joined:
        if nested and _commit_scope.get() is not None:
            yield joined
            return
        scope = CommitScope()
        token = _commit_scope.set(scope)
        try:
            yield joined
            await scope.run()
        finally:
            _commit_scope.reset(token)


async def _keep_session(connection: object) -> None:
    """No session reset when a connection goes back to the pool.

    asyncpg's default reset sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release: one more round trip for every query run outside a
    transaction, a fifth of the API's time under load. Nothing here leaves session state
    behind: advisory locks are transaction-scoped, there are no LISTENs, cursors or SETs, and
    asyncpg still rolls back a transaction left open before this is called."""


async def start_pool() -> None:
    """The PostgreSQL connection pool of this process."""
    await engine().start_connection_pool(reset=_keep_session)  # type: ignore[call-arg]


async def execute(sql: str, args: list[Any]) -> Any:
    """Run compiled SQL where Piccolo would: in the current transaction, else on a pooled
    connection (PostgreSQL) or an idle one (SQLite, api.lib.sqlite_engine)."""
    db: Any = engine()
    transaction = db.current_transaction.get()
    if db.engine_type == "postgres":
        if transaction is not None:
            return await transaction.connection.fetch(sql, *args)
        if db.pool is not None:
            return await db._run_in_pool(sql, args)
        return await db._run_in_new_connection(sql, args)  # a command without a pool
    if transaction is not None:
        return await db._run_in_existing_connection(transaction.connection, sql, args)
    return await db._run_in_new_connection(sql, args)


def prepare_sqlite(path: str) -> None:
    """WAL lets readers go on while one writer writes; the setting stays with the file."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
