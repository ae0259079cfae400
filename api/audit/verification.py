"""Checking the audit trail: walk every chain, record how far it is intact and where it broke.

Run hourly by every worker (`keukentafel worker`, or the server's embedded one); each run adds
one `audit_verification` row per chain, and logs a broken chain as an error. A run anchors on
the last good run of the chain: a chain cut short, or rewritten whole from some row on, no
longer reaches what that run saw. A chain that retention cut (api.audit.cut) is walked from its
checkpoint.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable

from api.audit.chain import Walk
from api.audit.services import latest_checkpoint
from api.audit.tables import AuditCheckpoint, AuditEvent, AuditVerification
from api.jobs.worker import periodically
from api.lib.db import now, write_transaction

log = logging.getLogger("keukentafel.audit")

BATCH = 2000
HOURLY = 3600
COLUMNS = (
    AuditEvent.id,
    AuditEvent.at,
    AuditEvent.actor_user,
    AuditEvent.actor_organisation,
    AuditEvent.device,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.outcome,
    AuditEvent.detail,
    AuditEvent.chain,
    AuditEvent.seq,
    AuditEvent.prev_hash,
    AuditEvent.hash,
)


async def chains() -> list[str]:
    """Every chain with rows, and every chain an earlier run saw (one emptied is broken too)."""
    found = await AuditEvent.select(AuditEvent.chain).distinct().run()
    seen = await AuditVerification.select(AuditVerification.chain).distinct().run()
    cut = await AuditCheckpoint.select(AuditCheckpoint.chain).distinct().run()
    return sorted({row["chain"] for row in [*found, *seen, *cut]})


async def last_good(chain: str) -> tuple[int, str]:
    row = await (
        AuditVerification.select(AuditVerification.checked_up_to, AuditVerification.head_hash)
        .where((AuditVerification.chain == chain) & (AuditVerification.ok == True))  # noqa: E712
        .order_by(AuditVerification.checked_up_to, ascending=False)
        .first()
        .run()
    )
    return (row["checked_up_to"], row["head_hash"]) if row else (0, "")


async def verify_chain(chain: str) -> Walk:
    """Walk one chain from its first row, in batches; the walk says where it broke, if it did."""
    anchor_seq, anchor_hash = await last_good(chain)
    walk = Walk(chain, anchor_seq=anchor_seq, anchor_hash=anchor_hash)
    checkpoint = await latest_checkpoint(chain)
    if checkpoint is not None:
        # Retention cut the rows up to here (api.audit.cut): the walk goes on from the hash the
        # checkpoint kept. A row left at or before it is one inserted after the cut.
        walk.start_after(checkpoint["last_seq"], checkpoint["last_hash"])
    after = -1
    while True:
        rows = await (
            AuditEvent.select(*COLUMNS)
            .where((AuditEvent.chain == chain) & (AuditEvent.seq > after))
            .order_by(AuditEvent.seq)
            .limit(BATCH)
            .run()
        )
        if not walk.feed(rows) or len(rows) < BATCH:
            break
        after = rows[-1]["seq"]
    walk.finish()
    return walk


def _row_id(walk: Walk) -> uuid.UUID | None:
    return uuid.UUID(walk.broken.row_id) if walk.broken and walk.broken.row_id else None


@periodically(seconds=HOURLY)
async def verify_audit_trail(clock: Callable[[], dt.datetime] = now) -> int:
    """Check every chain and record the outcome; the number of broken chains."""
    walks = [await verify_chain(chain) for chain in await chains()]
    if not walks:
        return 0
    at = clock()
    async with write_transaction():
        await AuditVerification.insert(
            *(
                AuditVerification(
                    at=at,
                    chain=walk.chain,
                    checked_up_to=walk.seq,
                    head_hash=walk.head,
                    ok=walk.broken is None,
                    broken_at=walk.broken.seq if walk.broken else None,
                    broken_row=_row_id(walk),
                    problem=walk.broken.problem[:300] if walk.broken else "",
                )
                for walk in walks
            )
        ).run()
    broken = [walk for walk in walks if walk.broken is not None]
    for walk in broken:
        assert walk.broken is not None
        log.error(
            "audit chain %s is broken at sequence %d (row %s): %s",
            walk.chain,
            walk.broken.seq,
            walk.broken.row_id or "-",
            walk.broken.problem,
        )
    log.info("audit trail checked: %d chains, %d broken", len(walks), len(broken))
    return len(broken)
