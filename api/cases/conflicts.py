"""Stale case edits kept for a person: list them, and resolve each by keeping the current case
or applying the kept edit on top of it. Nothing a device sent is ever silently dropped."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

import msgspec

from api.audit import services as audit
from api.cases import services, views
from api.cases.schemas import CaseDetail, CaseWrite
from api.cases.tables import CaseConflict, CaseEvent, HouseholdCase
from api.covenant.policy import get_policy
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import ConflictNotFound, ConflictResolved, Forbidden
from api.lib.wire import Note, Wire


class ConflictView(Wire):
    id: uuid.UUID
    case_id: uuid.UUID
    submitted_by: uuid.UUID
    submitted_at: dt.datetime
    base_version: int
    current_version: int
    body: dict[str, Any]


class Resolution(Wire):
    decision: Literal["keep_current", "apply_mine"]
    note: Note = ""


async def list_conflicts(actor: Actor) -> list[ConflictView]:
    """Unresolved conflicts on the cases I may edit, oldest first."""
    if get_policy().case_organisation_scope(actor) is None:
        await audit.record_refusal(actor, "list", "case_conflict", "*", "no case role")
        raise Forbidden("This account has no access to cases.")
    rows = await (
        CaseConflict.select(*CaseConflict.all_columns())
        .where(CaseConflict.resolved_at.is_null())
        .order_by(CaseConflict.submitted_at)
        .output(load_json=True)
        .run()
    )
    facts = await services.load_facts(sorted({row["household_case"] for row in rows}))
    policy = get_policy()
    visible = [
        row
        for row in rows
        if row["household_case"] in facts
        and policy.may_edit_case(actor, facts[row["household_case"]])
    ]
    await audit.record(
        actor, "read", "case", [row["household_case"] for row in visible], detail="conflicts"
    )
    withheld = await _withheld(actor, {row["household_case"] for row in visible})
    return [
        ConflictView(
            id=row["id"],
            case_id=row["household_case"],
            submitted_by=row["submitted_by"],
            submitted_at=row["submitted_at"],
            base_version=row["base_version"],
            current_version=row["current_version"],
            # A kept edit shows only what the reader may see of the household.
            body=views.mask_case_write(row["body"], withheld[row["household_case"]]),
        )
        for row in visible
    ]


async def _withheld(actor: Actor, case_ids: set[uuid.UUID]) -> dict[uuid.UUID, frozenset[str]]:
    if not case_ids:
        return {}
    cases = await (
        HouseholdCase.select(HouseholdCase.id, HouseholdCase.signal_source)
        .where(HouseholdCase.id.is_in(sorted(case_ids)))
        .run()
    )
    return await views.withheld_for(actor, cases)


async def resolve(actor: Actor, conflict_id: uuid.UUID, resolution: Resolution) -> CaseDetail:
    row = await (
        CaseConflict.select(*CaseConflict.all_columns())
        .where(CaseConflict.id == conflict_id)
        .output(load_json=True)
        .first()
        .run()
    )
    if row is None:
        raise ConflictNotFound()
    case_id = row["household_case"]
    facts = await services.facts_or_refuse(actor, case_id, "resolve_conflict")
    decision = get_policy().may_edit_case(actor, facts)
    if not decision:
        await services.refuse(actor, "resolve_conflict", case_id, decision)
    async with write_transaction():
        marked = await (
            CaseConflict.update(
                {CaseConflict.resolved_at: now(), CaseConflict.resolved_by: actor.user_id}
            )
            .where((CaseConflict.id == conflict_id) & CaseConflict.resolved_at.is_null())
            .returning(CaseConflict.id)
            .run()
        )
        if not marked:
            raise ConflictResolved()
        await CaseEvent.insert(
            CaseEvent(
                household_case=case_id,
                kind="conflict_resolved",
                at=now(),
                actor_user=actor.user_id,
                actor_organisation=actor.organisation_id,
                device=actor.device_id,
                data={"conflict_id": str(conflict_id), "decision": resolution.decision},
                note=resolution.note,
            )
        ).run()
        await audit.record(actor, "resolve_conflict", "case", [case_id], detail=resolution.decision)
    if resolution.decision == "apply_mine":
        current = await services.current_version(case_id)
        kept = msgspec.convert({**row["body"], "base_version": current}, CaseWrite)
        # A further edit racing this one is kept as a new conflict, never lost. What its author
        # could not see stays as it is, whoever applies it.
        detail, _ = await services.put_case(
            actor, case_id, kept, author_withheld=frozenset(row["withheld_categories"])
        )
        return detail
    return await services.get_case(actor, case_id)
