"""The one sync protocol module: what "the same body" means, and the pull cursor.

Change sequence: every change a device may pull (a case, an assignment, a visit's state) takes
the next value of one counter row, inside its own write transaction and as late as possible.
The row lock makes the values commit in order, so every value at or below the counter's
committed value is visible: a pull up to it can never skip a change that commits later.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from typing import Any

from piccolo.table import Table

from api.lib.db import CommitScope, commit_scope, engine
from api.lib.errors import InvalidParameter
from api.sync.tables import SyncCounter

CURSOR_PREFIX = "c1."
_CURSOR = re.compile(r"c1\.(0|[1-9][0-9]{0,17})")
# `since` on the wire, as the OpenAPI document declares it: empty (from the start) or a cursor.
CURSOR_PARAMETER_PATTERN = rf"^({_CURSOR.pattern})?$"


def canonical_json(data: Any) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8: the tablet computes the same."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def body_sha256(data: Any) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def encode_cursor(seq: int) -> str:
    return f"{CURSOR_PREFIX}{seq}"


def decode_cursor(cursor: str | None) -> int:
    if cursor is None or cursor == "":
        return 0
    match = _CURSOR.fullmatch(cursor)
    if match is None:
        raise InvalidParameter("This is not a cursor this server gave out.", parameter="since")
    return int(match.group(1))


_INCREMENT = "UPDATE sync_counter SET value = value + 1 WHERE name = 'changes' RETURNING value"
_COUNTER = "sync_counter_next"


async def next_seq() -> int:
    """Take the next change number; call inside the write transaction, near its end."""
    rows = await SyncCounter.raw(_INCREMENT).run()
    return int(rows[0]["value"])


_NUMBERED = "sync.numbered"


async def number_at_commit(table: type[Table], row_id: uuid.UUID) -> None:
    """Give the row the transaction's change number just before COMMIT.

    Every row a transaction marks gets the same number, taken once: the counter row's lock is
    then held only from there to COMMIT, not from the first change on, and on PostgreSQL no
    statement of its own numbers them all: the transaction's last statement carries it
    (api.lib.db.CommitScope). Outside a write transaction's scope it numbers at once."""
    scope = commit_scope()
    if scope is None:
        await table.update({table.change_seq: await next_seq()}).where(table.id == row_id).run()  # type: ignore[attr-defined]
        return
    pending: dict[type[Table], set[uuid.UUID]] | None = scope.state.get(_NUMBERED)
    if pending is None:
        pending = scope.state[_NUMBERED] = {}
        scope.before_commit(lambda: _number(scope, pending))
    pending.setdefault(table, set()).add(row_id)


async def _number(scope: CommitScope, pending: dict[type[Table], set[uuid.UUID]]) -> None:
    tables = list(pending)
    ids = [sorted(pending[table], key=str) for table in tables]
    if engine().engine_type == "postgres":
        # Data-modifying CTEs: the counter and every marked row, carried by the transaction's
        # last statement (the audit chain's, api.audit.services) or run alone just before
        # COMMIT. Only table names from the Table classes are joined in; ids are parameters.
        scope.carry(_INCREMENT, name=_COUNTER)
        for table, row_ids in zip(tables, ids, strict=True):
            scope.carry(
                f"UPDATE {table._meta.tablename} SET change_seq = "  # noqa: S608
                f"(SELECT value FROM {_COUNTER}) WHERE id = ANY({{}}::uuid[]) RETURNING id",
                (row_ids,),
            )
        return
    seq = await next_seq()
    for table, row_ids in zip(tables, ids, strict=True):
        await table.update({table.change_seq: seq}).where(table.id.is_in(row_ids)).run()  # type: ignore[attr-defined]


async def committed_seq() -> int:
    row = await SyncCounter.select(SyncCounter.value).where(SyncCounter.name == "changes").first()
    return int(row["value"]) if row else 0
