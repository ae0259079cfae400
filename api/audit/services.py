"""Recording the audit trail. Rows are only ever inserted; the database refuses the rest.

Each row joins its chain (api.audit.chain). Appending is serialised per chain: on PostgreSQL by
a transaction-scoped advisory lock on the chain, on SQLite by the IMMEDIATE write transaction
that already serialises every writer. Inside a service's write transaction the rows wait in its
commit scope and are chained just before COMMIT, so the chain lock is the last lock taken and is
held only for the insert and the commit. A unique (chain, seq) index turns any fork the locking
missed into an error instead of a silent second branch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from api.audit.chain import GENESIS, chain_of, row_hash
from api.audit.tables import AuditCheckpoint, AuditEvent
from api.lib.actor import Actor
from api.lib.db import commit_scope, engine, now, write_transaction
from api.lib.prepared import Param, Prepared, PreparedInsert

ALLOWED = "allowed"
REFUSED = "refused"
OBJECT_ID_LENGTH = AuditEvent.object_id.length
# The first key of PostgreSQL's two-key advisory locks taken for audit chains (`7513`: NEN 7513).
LOCK_SPACE = 7513
_PENDING = "audit.pending"


async def record(
    actor: Actor | None,
    action: str,
    object_type: str,
    object_ids: Iterable[object],
    *,
    outcome: str = ALLOWED,
    detail: str = "",
    user_id: uuid.UUID | None = None,
    organisation_id: uuid.UUID | None = None,
    device_id: uuid.UUID | None = None,
) -> None:
    """One row per object: a list of twenty cases is twenty reads."""
    at = now()
    organisation = actor.organisation_id if actor else organisation_id
    rows = [
        {
            "id": uuid.uuid4(),
            "at": at,
            "actor_user": actor.user_id if actor else user_id,
            "actor_organisation": organisation,
            "device": actor.device_id if actor else device_id,
            "action": action,
            "object_type": object_type,
            # Ids, or for a refused creation the name it would have had (which may be longer).
            "object_id": str(object_id)[:OBJECT_ID_LENGTH],
            "outcome": outcome,
            "detail": detail[:500],
            "chain": chain_of(organisation),
        }
        for object_id in object_ids
    ]
    if not rows:
        return
    scope = commit_scope()
    if scope is not None:
        pending: list[dict[str, Any]] | None = scope.state.get(_PENDING)
        if pending is None:
            pending = scope.state[_PENDING] = []
            scope.before_commit(lambda: _append(pending), last=True)
        pending.extend(rows)
    elif engine().current_transaction.get() is not None:
        await _append(rows)  # a transaction not opened by write_transaction: chain now
    else:
        async with write_transaction():
            await _append(rows)


_INSERT = PreparedInsert(AuditEvent)
# The newest row of a chain, read for every audited change (api.lib.prepared).
_HEAD = Prepared(
    lambda: (
        AuditEvent.select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.chain == Param("chain"))
        .order_by(AuditEvent.seq, ascending=False)
        .limit(1)
    )
)


async def _append(rows: list[dict[str, Any]]) -> None:
    """Chain and insert rows, inside the current transaction: per chain (in a fixed order, so
    two transactions never wait on each other's chains), lock it, read its head, insert."""
    postgres = engine().engine_type == "postgres"
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        chains.setdefault(row["chain"], []).append(row)
    made = []
    for chain in sorted(chains):
        if postgres:
            await AuditEvent.raw(
                "SELECT pg_advisory_xact_lock({}, hashtext({}))", LOCK_SPACE, chain
            ).run()
        head = await _HEAD.first(chain=chain)
        seq, prev = (head["seq"], head["hash"]) if head else await _start_of(chain)
        for row in chains[chain]:
            seq += 1
            row.update(seq=seq, prev_hash=prev)
            prev = row["hash"] = row_hash(row)
            made.append(row)
    rows.clear()
    await _INSERT.run(made)


async def _start_of(chain: str) -> tuple[int, str]:
    """Where an empty chain goes on: after its last checkpoint when retention cut every row
    of it (api.audit.cut), else from the start."""
    checkpoint = await latest_checkpoint(chain)
    return (checkpoint["last_seq"], checkpoint["last_hash"]) if checkpoint else (0, GENESIS)


async def latest_checkpoint(chain: str) -> dict[str, Any] | None:
    row: dict[str, Any] | None = await (
        AuditCheckpoint.select(AuditCheckpoint.last_seq, AuditCheckpoint.last_hash)
        .where(AuditCheckpoint.chain == chain)
        .order_by(AuditCheckpoint.last_seq, ascending=False)
        .first()
        .run()
    )
    return row


async def record_refusal(
    actor: Actor | None, action: str, object_type: str, object_id: object, reason: str
) -> None:
    """A refusal must outlive the request it refused, so it is never written inside a
    transaction that the refusal's own exception would roll back."""
    if engine().current_transaction.get() is not None:
        raise RuntimeError("record refusals before opening the write transaction")
    await record(actor, action, object_type, [object_id], outcome=REFUSED, detail=reason)
