"""Recording the audit trail. Rows are only ever inserted; the database refuses the rest."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from api.audit.tables import AuditEvent
from api.lib.actor import Actor
from api.lib.db import engine, now

ALLOWED = "allowed"
REFUSED = "refused"
OBJECT_ID_LENGTH = AuditEvent.object_id.length


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
    rows = [
        AuditEvent(
            at=at,
            actor_user=actor.user_id if actor else user_id,
            actor_organisation=actor.organisation_id if actor else organisation_id,
            device=actor.device_id if actor else device_id,
            action=action,
            object_type=object_type,
            # Ids, or for a refused creation the name it would have had (which may be longer).
            object_id=str(object_id)[:OBJECT_ID_LENGTH],
            outcome=outcome,
            detail=detail[:500],
        )
        for object_id in object_ids
    ]
    if rows:
        await AuditEvent.insert(*rows).run()


async def record_refusal(
    actor: Actor | None, action: str, object_type: str, object_id: object, reason: str
) -> None:
    """A refusal must outlive the request it refused, so it is never written inside a
    transaction that the refusal's own exception would roll back."""
    if engine().current_transaction.get() is not None:
        raise RuntimeError("record refusals before opening the write transaction")
    await record(actor, action, object_type, [object_id], outcome=REFUSED, detail=reason)
