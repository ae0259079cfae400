"""Escalation: a follow-up nobody claimed within the covenant's deadline, or one past its due
date, alerts the case director and the receiving organisation's supervisors, once each.

Run periodically by the worker (every worker may run it: the conditional update makes each
escalation happen once); tests drive it with a clock of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from api.covenant.loader import load_covenant
from api.followups import views
from api.followups.actions import _director_of
from api.followups.tables import Followup
from api.jobs.worker import periodically
from api.lib.db import now, write_transaction

OPEN_STATES = ["open", "claimed", "in_progress"]


@periodically(seconds=300)
async def escalate(clock: Callable[[], dt.datetime] = now) -> int:
    """Escalate what is due; the number of escalations made."""
    at = clock()
    unclaimed_after = dt.timedelta(days=load_covenant().deadlines.followup_unclaimed_days)
    unclaimed = await (
        Followup.select(Followup.id)
        .where(
            (Followup.state == "open")
            & Followup.escalated_unclaimed_at.is_null()
            & (Followup.created_at <= at - unclaimed_after)
        )
        .run()
    )
    overdue = await (
        Followup.select(Followup.id)
        .where(
            Followup.state.is_in(OPEN_STATES)
            & Followup.escalated_overdue_at.is_null()
            & (Followup.due_on < at.date())
        )
        .run()
    )
    made = 0
    for row in unclaimed:
        made += await _escalate(row["id"], Followup.escalated_unclaimed_at, at)
    for row in overdue:
        made += await _escalate(row["id"], Followup.escalated_overdue_at, at)
    return made


async def _escalate(followup_id: object, column: object, at: dt.datetime) -> int:
    from api.notifications.services import notify

    async with write_transaction():
        rows = await (
            Followup.update({column: at})  # type: ignore[dict-item]
            .where((Followup.id == followup_id) & column.is_null())  # type: ignore[attr-defined]
            .returning(Followup.household_case, Followup.recipient_organisation)
            .run()
        )
        if not rows:
            return 0  # another worker escalated it meanwhile
        director = await _director_of(rows[0]["household_case"])
        supervisors = await views.colleagues_of(
            rows[0]["recipient_organisation"], supervisors_only=True
        )
        recipients = set(supervisors) | ({director} if director is not None else set())
        await notify(sorted(recipients), "followup_escalated", "followup", followup_id)  # type: ignore[arg-type]
    return 1
