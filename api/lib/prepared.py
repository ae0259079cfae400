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

import datetime as dt
import decimal
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from piccolo.columns import JSON, JSONB, Column
from piccolo.columns.defaults.base import Default
from piccolo.query.base import Query
from piccolo.table import Table
from piccolo.utils.encoding import dump_json
from piccolo.utils.sql_values import convert_to_sql_value

from api.lib.db import engine, execute


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


CACHED_ROW_COUNTS = 8


class PreparedInsert:
    """Whole rows into a table, as `Table.insert(Table(**row), ...)` would write them (Piccolo's
    own value conversion, its column defaults), without building a Table instance and the
    query for every row: that was 0.2-0.5 ms per insert. `if_new`: ON CONFLICT DO NOTHING,
    and the ids of the rows inserted come back."""

    __slots__ = ("_columns", "_convert", "_if_new", "_sql", "_table")

    def __init__(self, table: type[Table], *, if_new: bool = False) -> None:
        self._table = table
        self._if_new = if_new
        self._columns: list[Column] = list(table._meta.columns)
        self._convert = [_converter(column) for column in self._columns]
        self._sql: dict[tuple[str, int], str] = {}

    async def run(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        """The rows inserted (with `if_new`: one per new row, each with its id)."""
        if not rows:
            return []
        result: list[Any] = await execute(
            self._statement(engine().engine_type, len(rows)), self.values(rows)
        )
        return result

    def parts(self, rows: Sequence[Mapping[str, Any]]) -> tuple[str, list[Any]]:
        """The statement with `{}` where the values go, and the values: for a WITH clause of a
        larger statement (api.lib.db.numbered, CommitScope.carry)."""
        return self._statement("parts", len(rows)), self.values(rows)

    def values(self, rows: Sequence[Mapping[str, Any]]) -> list[Any]:
        return [
            convert(row[column._meta.name] if column._meta.name in row else _default(column))
            for row in rows
            for column, convert in zip(self._columns, self._convert, strict=True)
        ]

    def _statement(self, style: str, count: int) -> str:
        key = (style, count)
        sql = self._sql.get(key)
        if sql is None:
            width = len(self._columns)
            if style == "postgres":
                values = ", ".join(
                    "(" + ", ".join(f"${row * width + n + 1}" for n in range(width)) + ")"
                    for row in range(count)
                )
            else:
                mark = "?" if style == "sqlite" else "{}"
                values = ", ".join("(" + ", ".join([mark] * width) + ")" for _ in range(count))
            names = ", ".join(f'"{column._meta.db_column_name}"' for column in self._columns)
            conflict = ' ON CONFLICT DO NOTHING RETURNING "id"' if self._if_new else ""
            # Names come from the Table class; every value is a parameter.
            sql = f'INSERT INTO "{self._table._meta.tablename}" ({names}) VALUES {values}{conflict}'  # noqa: S608
            if count <= CACHED_ROW_COUNTS:  # the usual sizes; a long list's statement is not kept
                self._sql[key] = sql
        return sql


# Values Piccolo's convert_to_sql_value hands back unchanged: checked by type first, since its
# checks (Table, Enum, list, JSON) cost more than the insert's own work on a wide row.
_PLAIN = frozenset(
    {str, int, float, bool, type(None), bytes, uuid.UUID, dt.datetime, dt.date, decimal.Decimal}
)


def _converter(column: Column) -> Callable[[Any], Any]:
    if isinstance(column, JSON | JSONB):
        return lambda value: value if value is None or isinstance(value, str) else dump_json(value)

    def convert(value: Any) -> Any:
        return value if type(value) in _PLAIN else convert_to_sql_value(value, column)

    return convert


def _default(column: Column) -> Any:
    default = column.get_default_value()
    return default.python() if isinstance(default, Default) else default
