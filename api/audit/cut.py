"""Cutting the audit trail after its period (the covenant's `retention.audit_days`).

A chain is cut from its start: the rows up to some sequence number go, and an `audit_checkpoint`
keeps the hash of the last of them, so the first row kept still follows something known and the
hourly check (api.audit.verification) walks on from there. Only a prefix of rows that are all
older than the period goes, never further than a fresh walk found the chain intact: a broken
chain keeps its evidence, and a cut never hides a change.

The database enforces its part whoever calls: an audit row may be deleted only when a checkpoint
covers it. On PostgreSQL the application's role may neither delete audit rows nor write
checkpoints; it calls `audit_cut`, a function of the tables' owner that checks the same rules,
refuses anything younger than a year, and writes the checkpoint before it deletes (see the audit
migration of 2026-11-25). On SQLite, which has no roles, the same steps run here.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from api.audit import services as audit
from api.audit.services import latest_checkpoint
from api.audit.tables import AuditCheckpoint, AuditEvent
from api.audit.verification import chains, verify_chain
from api.lib.db import engine, now, write_transaction

log = logging.getLogger("keukentafel.audit")

# Whatever the covenant says, rows younger than this are never cut (the database function has
# the same floor): a mistaken period or a stolen password cannot erase recent history.
MINIMUM_AGE = dt.timedelta(days=365)


class CutRefused(Exception):
    """A cut the rules do not allow (rows too young, not all older than the period)."""


@dataclass(frozen=True, slots=True)
class ChainCut:
    chain: str
    up_to: int
    removed: int


async def plan_cut(chain: str, before: dt.datetime) -> int:
    """The last sequence number that may go: the end of the chain's prefix of rows older than
    `before`, no further than a fresh walk found intact; 0 when nothing may go."""
    walk = await verify_chain(chain)
    if walk.broken is not None:
        log.error("audit chain %s is broken: not cut, its evidence is kept", chain)
        return 0
    checkpoint = await latest_checkpoint(chain)
    start = checkpoint["last_seq"] if checkpoint else 0
    first_young = await (
        AuditEvent.select(AuditEvent.seq)
        .where((AuditEvent.chain == chain) & (AuditEvent.seq > start) & (AuditEvent.at >= before))
        .order_by(AuditEvent.seq)
        .first()
        .run()
    )
    up_to = min(first_young["seq"] - 1 if first_young else walk.seq, walk.seq)
    return up_to if up_to > start else 0


async def cut_chain(chain: str, up_to: int, before: dt.datetime) -> int:
    """Remove the chain's rows up to `up_to` behind a checkpoint; the number removed."""
    if before > now() - MINIMUM_AGE:
        raise CutRefused("audit rows younger than a year are never cut")
    if engine().engine_type == "postgres":
        rows = await AuditEvent.raw(
            "SELECT audit_cut({}, {}, {}) AS removed", chain, up_to, before
        ).run()
        removed = int(rows[0]["removed"])
    else:
        removed = await _cut_here(chain, up_to, before)
    if removed:
        await audit.record(
            None,
            "cut",
            "audit_chain",
            [chain],
            detail=f"rows to {up_to} older than {before:%Y-%m-%d} removed behind a checkpoint",
        )
    return removed


async def _cut_here(chain: str, up_to: int, before: dt.datetime) -> int:
    """What `audit_cut` does on PostgreSQL, for SQLite (whose IMMEDIATE transaction is the
    chain's lock)."""
    async with write_transaction():
        checkpoint = await latest_checkpoint(chain)
        start = checkpoint["last_seq"] if checkpoint else 0
        if up_to <= start:
            return 0
        kept = (AuditEvent.chain == chain) & (AuditEvent.seq > start) & (AuditEvent.seq <= up_to)
        if await AuditEvent.exists().where(kept & (AuditEvent.at >= before)).run():
            raise CutRefused(f"audit rows of {chain} up to {up_to} are not all older than {before}")
        last = await (
            AuditEvent.select(AuditEvent.hash)
            .where((AuditEvent.chain == chain) & (AuditEvent.seq == up_to))
            .first()
            .run()
        )
        if last is None:
            raise CutRefused(f"audit chain {chain} has no row {up_to}")
        removed = await AuditEvent.count().where(kept).run()
        await AuditCheckpoint.insert(
            AuditCheckpoint(
                id=uuid.uuid4(),
                at=now(),
                chain=chain,
                first_seq=start + 1,
                last_seq=up_to,
                last_hash=last["hash"],
                removed=removed,
                cut_before=before,
            )
        ).run()
        gone = (AuditEvent.chain == chain) & (AuditEvent.seq <= up_to)
        await AuditEvent.delete().where(gone).run()
    return int(removed)


async def cut_audit_trail(before: dt.datetime, dry_run: bool = False) -> list[ChainCut]:
    """Cut every chain's rows older than `before`; what was (or, dry, would be) removed."""
    cuts = []
    for chain in await chains():
        try:
            up_to = await plan_cut(chain, before)
            if not up_to:
                continue
            if dry_run:
                checkpoint = await latest_checkpoint(chain)
                start = checkpoint["last_seq"] if checkpoint else 0
                cuts.append(ChainCut(chain, up_to, up_to - start))
                continue
            removed = await cut_chain(chain, up_to, before)
        except Exception:  # one chain's trouble never keeps the others from their cut
            log.exception("audit chain %s could not be cut", chain)
            continue
        if removed:
            log.info("audit chain %s: %d rows to %d cut behind a checkpoint", chain, removed, up_to)
            cuts.append(ChainCut(chain, up_to, removed))
    return cuts
