"""Recording the audit trail. Rows are only ever inserted; the database refuses the rest.

Each row joins its chain (api.audit.chain). Appending is serialised per chain: on PostgreSQL by
the lock on the chain's head row (api.audit.tables.AuditChainHead), which the same statement
reads; on SQLite by the IMMEDIATE write transaction that already serialises every writer.
Inside a service's write transaction the rows wait in its commit scope and are chained just
before COMMIT, so the chain lock is the last lock taken, and it is held for two statements and
the commit: lock and read the head (carrying the transaction's change number, api.sync), then
insert the rows and move the head. A unique (chain, seq) index turns any fork the locking
missed into an error instead of a silent second branch.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from api.audit.chain import GENESIS, chain_of, row_hash
from api.audit.tables import AuditChainHead, AuditCheckpoint, AuditEvent
from api.lib.actor import Actor
from api.lib.db import carrier, commit_scope, engine, execute, now, numbered, write_transaction
from api.lib.ids import new_ids
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
    objects = list(object_ids)
    rows = [
        {
            "id": row_id,
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
        for object_id, row_id in zip(objects, new_ids(len(objects)), strict=True)
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


# The newest row of a chain, read only for a chain without a head row yet (api.audit.tables).
_NEWEST = Prepared(
    lambda: (
        AuditEvent.select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.chain == Param("chain"))
        .order_by(AuditEvent.seq, ascending=False)
        .limit(1)
    )
)
_INSERT = PreparedInsert(AuditEvent)
_ROW_COLUMNS = (
    "id, at, actor_user, actor_organisation, device, action, object_type, object_id, "
    "outcome, detail, chain, seq, prev_hash, hash"
)
if _ROW_COLUMNS.split(", ") != [column._meta.db_column_name for column in AuditEvent._meta.columns]:
    raise RuntimeError("audit_event's columns changed: update _ROW_COLUMNS and _PG_APPEND")
# PostgreSQL: lock the chains' heads and read them (after the writes the transaction carries,
# api.lib.db.CommitScope), then the rows and the moved heads in one statement, then COMMIT.
_PG_HEADS = (
    "SELECT chain, seq, hash FROM audit_chain_head WHERE chain = ANY({}::varchar[]) "
    "AND {carried} ORDER BY chain FOR UPDATE"
)
_PG_HEADS_ALONE = _PG_HEADS.replace("{carried}", "TRUE")
_PG_APPEND = (
    "WITH appended AS (INSERT INTO audit_event (" + _ROW_COLUMNS + ") "  # noqa: S608 (fixed names)
    "SELECT * FROM unnest({}::uuid[], {}::timestamptz[], {}::uuid[], {}::uuid[], {}::uuid[], "
    "{}::varchar[], {}::varchar[], {}::varchar[], {}::varchar[], {}::varchar[], {}::varchar[], "
    "{}::bigint[], {}::varchar[], {}::varchar[]) RETURNING 1) "
    "UPDATE audit_chain_head AS h SET seq = moved.seq, hash = moved.hash "
    "FROM unnest({}::varchar[], {}::bigint[], {}::varchar[]) AS moved(chain, seq, hash) "
    "WHERE h.chain = moved.chain"
)


async def _append(rows: list[dict[str, Any]]) -> None:
    """Chain and insert rows, inside the current transaction: lock each chain's head (in a
    fixed order, so two transactions never wait on each other's chains), hash the rows on from
    it, insert them and move the head."""
    chains: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        chains.setdefault(row["chain"], []).append(row)
    heads = await _locked_heads(sorted(chains))
    made = []
    for chain in sorted(chains):
        seq, prev = heads[chain]
        for row in chains[chain]:
            seq += 1
            row.update(seq=seq, prev_hash=prev)
            prev = row["hash"] = row_hash(row)
            made.append(row)
        heads[chain] = (seq, prev)
    rows.clear()
    if engine().engine_type == "postgres":
        columns = [[row[name] for row in made] for name in _ROW_COLUMNS.split(", ")]
        moved = [list(heads), [seq for seq, _ in heads.values()], [h for _, h in heads.values()]]
        await execute(*numbered(_PG_APPEND, [*columns, *moved]))
        return
    await _INSERT.run(made)
    for chain, (seq, head) in heads.items():
        await AuditChainHead.update({AuditChainHead.seq: seq, AuditChainHead.hash: head}).where(
            AuditChainHead.chain == chain
        )


async def _locked_heads(chains: list[str]) -> dict[str, tuple[int, str]]:
    """(seq, hash) of each chain's newest row, its head row locked until COMMIT. On SQLite the
    IMMEDIATE write transaction already lets one writer in at a time."""
    scope = carrier()
    if scope is not None:
        found = await execute(*scope.with_carried(_PG_HEADS, [chains]))
    elif engine().engine_type == "postgres":
        found = await execute(*numbered(_PG_HEADS_ALONE, [chains]))
    else:
        found = await AuditChainHead.select().where(AuditChainHead.chain.is_in(chains))
    heads = {row["chain"]: (int(row["seq"]), row["hash"]) for row in found}
    for chain in chains:
        if chain not in heads:
            heads[chain] = await _new_head(chain)
    return heads


async def _new_head(chain: str) -> tuple[int, str]:
    """A chain's first append since heads were kept: its head row, made from where the chain
    stands (its newest row, its last checkpoint when retention cut every row, or the start),
    under the chain's lock that the cut takes too; then locked as any head."""
    if engine().engine_type == "postgres":
        await AuditEvent.raw(
            "SELECT pg_advisory_xact_lock({}, hashtext({}))", LOCK_SPACE, chain
        ).run()
    newest = await _NEWEST.first(chain=chain)
    seq, head = (newest["seq"], newest["hash"]) if newest else await _start_of(chain)
    await AuditChainHead.insert(AuditChainHead(chain=chain, seq=seq, hash=head)).on_conflict(
        action="DO NOTHING"
    )
    if engine().engine_type != "postgres":
        return seq, head
    found = await execute(*numbered(_PG_HEADS_ALONE, [[chain]]))
    return int(found[0]["seq"]), found[0]["hash"]


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
