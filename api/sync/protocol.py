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
from typing import Any

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


async def next_seq() -> int:
    """Take the next change number; call inside the write transaction, near its end."""
    rows = await SyncCounter.raw(
        "UPDATE sync_counter SET value = value + 1 WHERE name = 'changes' RETURNING value"
    ).run()
    return int(rows[0]["value"])


async def committed_seq() -> int:
    row = await SyncCounter.select(SyncCounter.value).where(SyncCounter.name == "changes").first()
    return int(row["value"]) if row else 0
