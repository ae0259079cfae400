"""The hash chain of the audit trail: its canonical encoding, and the walk that checks a chain.

Every organisation has a chain of its own (the actor's organisation); rows without one (refused
anonymous requests, report checks by anyone, system jobs) form the `system` chain. A row's
`hash` is SHA-256 over the canonical encoding of its fields, its chain, its sequence number and
`prev_hash`, the hash of the row before it in the chain (`GENESIS` for the first). Changing a
field, deleting, inserting or reordering rows breaks the chain at that row.

Pure: no database here, so the walk is the same for the periodic check and the tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Format tag, hashed into every row: a future encoding gets a new tag, never a silent change.
FORMAT = "keukentafel-audit-1"
GENESIS = "0" * 64
SYSTEM_CHAIN = "system"

# The fields a row's hash covers, in this order.
FIELDS = (
    "chain",
    "seq",
    "id",
    "at",
    "actor_user",
    "actor_organisation",
    "device",
    "action",
    "object_type",
    "object_id",
    "outcome",
    "detail",
    "prev_hash",
)


def chain_of(organisation_id: object | None) -> str:
    return str(organisation_id) if organisation_id is not None else SYSTEM_CHAIN


def _timestamp(value: object) -> str:
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"an audit time must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None:
        raise ValueError("an audit time must carry its time zone")
    # Microseconds always written: both databases keep exactly that precision.
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _value(name: str, value: Any) -> Any:
    if name == "at":
        return _timestamp(value)
    if name == "seq":
        return int(value)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, uuid.UUID) or type(value).__name__ == "UUID":  # asyncpg's own UUID
        return str(uuid.UUID(str(value)))
    raise TypeError(f"audit field {name} cannot be {type(value).__name__}")


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes hashed: a JSON array of the format tag and the fields, no white space."""
    values = [FORMAT, *(_value(name, row[name]) for name in FIELDS)]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def row_hash(row: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(row)).hexdigest()


@dataclass(frozen=True, slots=True)
class Break:
    """The first place where a chain is not what was written."""

    seq: int
    row_id: str | None
    problem: str


@dataclass(slots=True)
class Walk:
    """Walks one chain in sequence order, fed in batches; stops at the first break.

    `anchor_seq`/`anchor_hash`: where an earlier check saw the chain end. A chain rewritten
    whole from some row on (every hash recomputed) or cut short is caught against it.
    """

    chain: str
    anchor_seq: int = 0
    anchor_hash: str = ""
    seq: int = 0
    head: str = GENESIS
    broken: Break | None = None

    def start_after(self, seq: int, head: str) -> None:
        """Begin after a checkpoint: rows up to `seq` were cut, the last of them hashed `head`."""
        self.seq, self.head = seq, head
        if seq == self.anchor_seq and head != self.anchor_hash:
            self.broken = Break(seq, None, "the checkpoint differs from what an earlier check saw")

    def feed(self, rows: Iterable[Mapping[str, Any]]) -> bool:
        """Check the next rows (ordered by seq); False once the chain is broken."""
        for row in rows:
            if self.broken is not None:
                break
            self.broken = self._check(row)
            if self.broken is None:
                self.seq, self.head = int(row["seq"]), row["hash"]
        return self.broken is None

    def finish(self) -> Break | None:
        if self.broken is None and self.seq < self.anchor_seq:
            self.broken = Break(
                self.seq + 1,
                None,
                f"rows {self.seq + 1} to {self.anchor_seq} are missing (an earlier check saw them)",
            )
        return self.broken

    def _check(self, row: Mapping[str, Any]) -> Break | None:
        expected = self.seq + 1
        seq, row_id = int(row["seq"]), str(row["id"])
        if seq > expected:
            gap = f"rows {expected} to {seq - 1} are" if seq > expected + 1 else f"row {seq - 1} is"
            return Break(expected, None, f"{gap} missing (deleted)")
        if seq < expected:
            return Break(seq, row_id, "a second row with this sequence number (inserted)")
        if row["chain"] != self.chain:
            return Break(seq, row_id, "the row names another chain (moved)")
        if row["prev_hash"] != self.head:
            return Break(
                seq, row_id, "does not follow the row before it (inserted, reordered or changed)"
            )
        if row_hash(row) != row["hash"]:
            return Break(seq, row_id, "its fields do not match its hash (changed)")
        if seq == self.anchor_seq and row["hash"] != self.anchor_hash:
            return Break(seq, row_id, "differs from what an earlier check saw (rewritten)")
        return None
