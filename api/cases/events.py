"""Writing a case's timeline: one dated entry per thing that happened, with who and from where."""

from __future__ import annotations

import uuid
from typing import Any

from api.cases.tables import CaseEvent
from api.lib.actor import Actor
from api.lib.db import carrier, now
from api.lib.prepared import PreparedInsert

_INSERT = PreparedInsert(CaseEvent)


async def record_event(
    actor: Actor, case_id: uuid.UUID, kind: str, data: dict[str, Any], note: str = ""
) -> None:
    row = {
        "household_case": case_id,
        "kind": kind,
        "at": now(),
        "actor_user": actor.user_id,
        "actor_organisation": actor.organisation_id,
        "device": actor.device_id,
        "data": data,
        "note": note,
    }
    scope = carrier()
    if scope is not None:
        # Nothing reads the entry before COMMIT: it rides on the transaction's last statement.
        sql, values = _INSERT.parts([row])
        scope.carry(sql + " RETURNING 1", values)
        return
    await _INSERT.run([row])
