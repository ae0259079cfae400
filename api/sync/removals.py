"""Removals that outlive what they remove: when retention deletes a case with its assignments,
nothing is left for the pull to tell a tablet to forget it, so a row here says so."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from piccolo.columns.combination import Combinable

from api.lib.db import engine, now
from api.sync.protocol import next_seq
from api.sync.tables import SyncRemoval

_NAMESPACE = uuid.UUID("8e6f1c2a-3b4d-4e5f-9a6b-7c8d9e0f1a2b")


def removal_id(user_id: uuid.UUID, case_id: uuid.UUID) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{user_id}:{case_id}")


async def tell_to_forget(case_id: uuid.UUID, user_ids: Iterable[uuid.UUID]) -> int:
    """The devices of these users drop the case at their next pull; call inside the write
    transaction that removes it, near its end (it takes a change number). The count written."""
    if engine().current_transaction.get() is None:
        raise RuntimeError("tell devices to forget inside the transaction that removes the case")
    users = sorted(set(user_ids), key=str)
    if not users:
        return 0
    seq, at = await next_seq(), now()
    written = await (
        SyncRemoval.insert(
            *(
                SyncRemoval(
                    id=removal_id(user, case_id),
                    user=user,
                    household_case=case_id,
                    change_seq=seq,
                    at=at,
                )
                for user in users
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(SyncRemoval.id)
        .run()
    )
    return len(written)


def _told(user_id: uuid.UUID, since: int, until: int) -> Combinable:
    return (
        (SyncRemoval.user == user_id)
        & (SyncRemoval.change_seq > since)
        & (SyncRemoval.change_seq <= until)
    )


async def removed_for(user_id: uuid.UUID, since: int, until: int) -> set[uuid.UUID]:
    """The cases this user's devices must forget, told after `since` and up to `until`."""
    rows = await (
        SyncRemoval.select(SyncRemoval.household_case).where(_told(user_id, since, until)).run()
    )
    return {row["household_case"] for row in rows}


async def any_removed_for(user_id: uuid.UUID, since: int, until: int) -> bool:
    """Whether `removed_for` would name a case, without reading them."""
    return bool(await SyncRemoval.exists().where(_told(user_id, since, until)).run())


async def prune(before: dt.datetime) -> int:
    """Removals told before `before` go (the audit period: no tablet waits that long)."""
    gone = await SyncRemoval.delete().where(SyncRemoval.at < before).returning(SyncRemoval.id).run()
    return len(gone)
