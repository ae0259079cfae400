"""Anonymising one closed case: its statistics kept, every row about it deleted, in one
transaction; and finding the cases whose time has come.

A case is due when it is closed and was closed (its last step change to `closed`, or its
creation for a case made closed) before the cut-off. Everything is checked again inside the
case's transaction, under its row lock, so a case reopened meanwhile, or one another worker
anonymised first, is left alone: running twice, or on two workers at once, does it once.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import uuid
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from api.accounts.tables import Organisation
from api.audit import services as audit
from api.cases.steps import ProcessStep
from api.cases.tables import (
    CaseAssignment,
    CaseConflict,
    CaseEvent,
    CaseParticipant,
    ConsentRecord,
    HouseholdCase,
)
from api.followups.tables import Followup, FollowupAction
from api.jobs.tables import Job
from api.lib.db import engine, write_transaction
from api.notifications.tables import Notification, PushDelivery
from api.reports.tables import VisitReport
from api.retention import statistics
from api.retention.tables import CaseStatistic
from api.sync.removals import tell_to_forget
from api.visits.tables import Visit, VisitAttachment

BATCH = 500


@dataclass(frozen=True, slots=True)
class CaseRows:
    """The ids of what hangs off a case, read once, for the deletes."""

    case_id: uuid.UUID
    visit_ids: list[uuid.UUID]
    followup_ids: list[uuid.UUID]
    notification_ids: list[uuid.UUID]


async def _push_deliveries(rows: CaseRows) -> None:
    if rows.notification_ids:
        await (
            PushDelivery.delete()
            .where(PushDelivery.notification.is_in(rows.notification_ids))
            .run()
        )


async def _notifications(rows: CaseRows) -> None:
    if rows.notification_ids:
        await Notification.delete().where(Notification.id.is_in(rows.notification_ids)).run()


async def _jobs(rows: CaseRows) -> None:
    # Outbox keys end in the id they act on ("report:final:<visit>", "push:<notification>").
    ids = [*rows.visit_ids, *rows.notification_ids, *rows.followup_ids, rows.case_id]
    for start in range(0, len(ids), 50):
        matches = [Job.dedupe_key.like(f"%:{object_id}") for object_id in ids[start : start + 50]]
        await Job.delete().where(functools.reduce(operator.or_, matches)).run()


async def _followup_actions(rows: CaseRows) -> None:
    if rows.followup_ids:
        await FollowupAction.delete().where(FollowupAction.followup.is_in(rows.followup_ids)).run()


async def _by_visit(table: Any, rows: CaseRows) -> None:
    if rows.visit_ids:
        await table.delete().where(table.visit.is_in(rows.visit_ids)).run()


async def _by_case(table: Any, rows: CaseRows) -> None:
    await table.delete().where(table.household_case == rows.case_id).run()


async def _case(rows: CaseRows) -> None:
    await HouseholdCase.delete().where(HouseholdCase.id == rows.case_id).run()


# Every REMOVED table of api.retention.decisions, in an order the foreign keys allow (the test
# holds the two together).
REMOVALS: dict[str, Callable[[CaseRows], Awaitable[None]]] = {
    "push_delivery": _push_deliveries,
    "notification": _notifications,
    "job": _jobs,
    "followup_action": _followup_actions,
    "followup": functools.partial(_by_case, Followup),
    "visit_report": functools.partial(_by_visit, VisitReport),
    "visit_attachment": functools.partial(_by_visit, VisitAttachment),
    "visit": functools.partial(_by_case, Visit),
    "consent_record": functools.partial(_by_case, ConsentRecord),
    "case_conflict": functools.partial(_by_case, CaseConflict),
    "case_event": functools.partial(_by_case, CaseEvent),
    "case_assignment": functools.partial(_by_case, CaseAssignment),
    "case_participant": functools.partial(_by_case, CaseParticipant),
    "household_case": _case,
}


async def closing_times(cases: Sequence[dict[str, Any]]) -> dict[uuid.UUID, dt.datetime]:
    """When each case was last closed: its last step change to `closed`, else its creation."""
    closed = {case["id"]: case["created_at"] for case in cases}
    ids = list(closed)
    for start in range(0, len(ids), BATCH):
        events = await (
            CaseEvent.select(CaseEvent.household_case, CaseEvent.at, CaseEvent.data)
            .where(
                CaseEvent.household_case.is_in(ids[start : start + BATCH])
                & (CaseEvent.kind == "step_changed")
            )
            .output(load_json=True)
            .run()
        )
        for event in events:
            data = event["data"] if isinstance(event["data"], dict) else {}
            if data.get("to") == ProcessStep.CLOSED:
                case_id = event["household_case"]
                closed[case_id] = max(closed[case_id], event["at"])
    return closed


async def due_cases(before: dt.datetime) -> list[uuid.UUID]:
    """Closed cases closed before `before`, oldest first."""
    # A case created after the cut-off cannot have been closed before it.
    candidates = await (
        HouseholdCase.select(HouseholdCase.id, HouseholdCase.created_at)
        .where(
            (HouseholdCase.process_step == ProcessStep.CLOSED.value)
            & (HouseholdCase.created_at < before)
        )
        .run()
    )
    closed = await closing_times(candidates)
    return [case_id for case_id, at in sorted(closed.items(), key=lambda i: i[1]) if at < before]


async def _locked_case(case_id: uuid.UUID) -> dict[str, Any] | None:
    query = HouseholdCase.select().where(HouseholdCase.id == case_id).output(load_json=True)
    if engine().engine_type == "postgres":
        # Another worker anonymising the same case waits here, then finds it gone.
        query = query.lock_rows("UPDATE")
    row: dict[str, Any] | None = await query.first().run()
    return row


async def _ids(table: Any, where: Any) -> list[uuid.UUID]:
    return [row["id"] for row in await table.select(table.id).where(where).run()]


async def _kinds() -> dict[Any, str]:
    rows = await Organisation.select(Organisation.id, Organisation.kind).run()
    return {row["id"]: row["kind"] for row in rows}


def _users(*groups: Iterable[Any]) -> set[uuid.UUID]:
    return {user for group in groups for user in group if user is not None}


async def anonymise_case(case_id: uuid.UUID, before: dt.datetime, detail: str) -> bool:
    """Keep the case's statistics and delete every row about it, in one transaction; tell the
    devices that held it to forget it. False when it is not (or no longer) due."""
    async with write_transaction():
        case = await _locked_case(case_id)
        if case is None or case["process_step"] != ProcessStep.CLOSED:
            return False
        closed_at = (await closing_times([case]))[case_id]
        if closed_at >= before:
            return False
        events = await (
            CaseEvent.select(CaseEvent.id, CaseEvent.kind, CaseEvent.at, CaseEvent.data)
            .where(CaseEvent.household_case == case_id)
            .output(load_json=True)
            .run()
        )
        visits = await (
            Visit.select(Visit.id, Visit.form_key, Visit.visited_on, Visit.worker)
            .where(Visit.household_case == case_id)
            .run()
        )
        followups = await (
            Followup.select(Followup.id, Followup.recipient_kind, Followup.state)
            .where(Followup.household_case == case_id)
            .run()
        )
        participants = await (
            CaseParticipant.select(CaseParticipant.organisation)
            .where(CaseParticipant.household_case == case_id)
            .run()
        )
        assigned = await (
            CaseAssignment.select(CaseAssignment.user)
            .where(CaseAssignment.household_case == case_id)
            .run()
        )
        visit_ids = [v["id"] for v in visits]
        followup_ids = [f["id"] for f in followups]
        about = [case_id, *visit_ids, *followup_ids]
        rows = CaseRows(
            case_id,
            visit_ids,
            followup_ids,
            await _ids(Notification, Notification.object_id.is_in(about)),
        )
        figures = statistics.build(
            case,
            closed_at,
            events,
            visits,
            followups,
            [p["organisation"] for p in participants],
            await _kinds(),
        )
        for remove in REMOVALS.values():
            await remove(rows)
        await CaseStatistic.insert(CaseStatistic(id=uuid.uuid4(), **figures)).run()
        # No personal data: the case's id (which the trail has named all along) and the rule.
        await audit.record(None, "anonymise", "case", [case_id], detail=detail)
        # Whoever may hold it on a tablet: its workers (past ones too: telling twice is
        # harmless), the director, the author of its visits, its creator.
        await tell_to_forget(
            case_id,
            _users(
                (a["user"] for a in assigned),
                (v["worker"] for v in visits),
                (case["director_user"], case["created_by"]),
            ),
        )
    return True
