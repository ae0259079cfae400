"""Piccolo queries built once and run many times with new values.

Building a select in Piccolo (columns, joins, aliases, `load_json`) costs 0.3-0.8 ms of CPU in
Python, more than the database takes to answer it; the hot paths (authentication on every
request, receiving a visit, the audit chain) ran a dozen of them per request. A `Prepared`
query is written as an ordinary Piccolo query with `Param` placeholders where the values go;
its SQL is compiled once per engine and reused, and its rows go through Piccolo's own result
processing, so callers get exactly what `.run()` would have given them. On PostgreSQL asyncpg
also keeps the statement prepared per connection.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from piccolo.query.base import Query

from api.lib.db import engine


class Param:
    """Where a value given to `Prepared.run` goes."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Param({self.name!r})"


class Prepared:
    """`build()` returns the Piccolo query (one statement); it is called once, on first use,
    when the engine is known. The query must not be `.first()`: use `first()` here."""

    __slots__ = ("_build", "_compiled")

    def __init__(self, build: Callable[[], Query[Any, Any]]) -> None:
        self._build = build
        self._compiled: tuple[Query[Any, Any], str, list[Any], str] | None = None

    def _compile(self) -> tuple[Query[Any, Any], str, list[Any], str]:
        db = engine()
        if self._compiled is None or self._compiled[3] != db.engine_type:
            query = self._build()
            (querystring,) = query.querystrings
            sql, values = querystring.compile_string(engine_type=db.engine_type)
            self._compiled = (query, sql, list(values), db.engine_type)
        return self._compiled

    async def run(self, **values: Any) -> list[dict[str, Any]]:
        query, sql, template, _ = self._compile()
        args = [values[item.name] if isinstance(item, Param) else item for item in template]
        rows = await execute(sql, args)
        result: list[dict[str, Any]] = await query._process_results(rows)
        return result

    async def first(self, **values: Any) -> dict[str, Any] | None:
        rows = await self.run(**values)
        return rows[0] if rows else None


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
