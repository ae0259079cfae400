"""Who accessed a case: its audit rows and those of its visits, reports and follow-ups, newest
first, for the supervisors of the organisations taking part. Reading it is audited too."""

from __future__ import annotations

import uuid
from typing import Any

from api.accounts.tables import Device, Organisation, UserAccount
from api.audit import services as audit
from api.audit.schemas import AccessLogEntry
from api.audit.tables import AuditEvent
from api.cases.access import facts_or_refuse, refuse
from api.covenant.policy import get_policy
from api.followups.tables import Followup
from api.lib.actor import Actor
from api.reports.tables import VisitReport
from api.visits.tables import Visit

ACTION = "read_access_log"
# The object types whose rows name the case or one of its parts. Refusals to create a visit or
# a follow-up on a case name the case itself (there is no visit yet), under those types.
CASE_TYPES = ["case", "case_plan", "case_access_log", "visit", "visit_report", "followup"]


async def _object_ids(case_id: uuid.UUID) -> list[str]:
    visits = await Visit.select(Visit.id).where(Visit.household_case == case_id).run()
    visit_ids = [row["id"] for row in visits]
    reports = (
        await VisitReport.select(VisitReport.id).where(VisitReport.visit.is_in(visit_ids)).run()
        if visit_ids
        else []
    )
    followups = await Followup.select(Followup.id).where(Followup.household_case == case_id).run()
    ids = [case_id, *visit_ids, *(r["id"] for r in reports), *(r["id"] for r in followups)]
    return [str(value) for value in ids]


async def _names(table: Any, column: Any, ids: set[Any]) -> dict[Any, str]:
    known = [value for value in ids if value is not None]
    if not known:
        return {}
    rows = await table.select(table.id, column.as_alias("name")).where(table.id.is_in(known)).run()
    return {row["id"]: row["name"] for row in rows}


async def case_access_log(
    actor: Actor, case_id: uuid.UUID, limit: int, offset: int
) -> list[AccessLogEntry]:
    facts = await facts_or_refuse(actor, case_id, ACTION)
    decision = get_policy().may_read_access_log(actor, facts)
    if not decision:
        await refuse(actor, ACTION, case_id, decision)
    rows = await (
        AuditEvent.select(
            AuditEvent.at,
            AuditEvent.action,
            AuditEvent.outcome,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.detail,
            AuditEvent.actor_user,
            AuditEvent.actor_organisation,
            AuditEvent.device,
        )
        .where(
            AuditEvent.object_id.is_in(await _object_ids(case_id))
            & AuditEvent.object_type.is_in(CASE_TYPES)
        )
        .order_by(AuditEvent.at, ascending=False)
        .order_by(AuditEvent.seq, ascending=False)
        .order_by(AuditEvent.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    users = await _names(UserAccount, UserAccount.display_name, {r["actor_user"] for r in rows})
    organisations = await _names(
        Organisation, Organisation.name, {r["actor_organisation"] for r in rows}
    )
    devices = await _names(Device, Device.name, {r["device"] for r in rows})
    await audit.record(actor, "read", "case_access_log", [case_id], detail=f"offset {offset}")
    return [
        AccessLogEntry(
            at=row["at"],
            action=row["action"],
            outcome=row["outcome"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            detail=row["detail"],
            actor_user_id=row["actor_user"],
            actor_name=users.get(row["actor_user"]),
            organisation_id=row["actor_organisation"],
            organisation_name=organisations.get(row["actor_organisation"]),
            device_id=row["device"],
            device_name=devices.get(row["device"]),
        )
        for row in rows
    ]
