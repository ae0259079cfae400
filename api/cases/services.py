"""Case rules and transactions: list and read (audited, through the policy, showing each reader
what the covenant lets them see), create and update with versions (stale edits kept as
conflicts), assignment and the case director handover."""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from api.accounts.roles import Role
from api.accounts.tables import Organisation
from api.audit import services as audit
from api.cases import legal_duty, views
from api.cases.access import facts_or_refuse as facts_or_refuse
from api.cases.access import load_facts as load_facts
from api.cases.access import load_person as load_person
from api.cases.access import refuse as refuse
from api.cases.events import record_event
from api.cases.schemas import (
    AssignmentWrite,
    CaseDetail,
    CaseSummary,
    CaseWrite,
    DirectorHandover,
)
from api.cases.steps import ProcessStep
from api.cases.tables import (
    CaseAssignment,
    CaseConflict,
    CaseParticipant,
    HouseholdCase,
)
from api.covenant.policy import get_policy
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import AddressRequired, Forbidden, NotFound
from api.lib.errors import CaseConflict as CaseConflictError
from api.sync.protocol import next_seq


# Reading --------------------------------------------------------------------------------------
async def list_cases(
    actor: Actor, *, mine: bool, step: ProcessStep | None, limit: int, offset: int
) -> list[CaseSummary]:
    policy = get_policy()
    organisation_id = policy.case_organisation_scope(actor)
    if organisation_id is None:
        await audit.record_refusal(actor, "list", "case", "*", "no case role")
        raise Forbidden("This account has no access to cases.")
    candidate_rows = await (
        CaseParticipant.select(CaseParticipant.household_case)
        .where(CaseParticipant.organisation == organisation_id)
        .run()
    )
    directed = await (
        HouseholdCase.select(HouseholdCase.id)
        .where(HouseholdCase.director_user == actor.user_id)
        .run()
    )
    candidates = {row["household_case"] for row in candidate_rows} | {r["id"] for r in directed}
    facts = await load_facts(sorted(candidates))
    visible = [
        case_id
        for case_id, case in facts.items()
        if policy.may_view_case(actor, case)
        and (not mine or actor.user_id in case.assigned_user_ids)
    ]
    if not visible:
        return []
    query = HouseholdCase.select().where(HouseholdCase.id.is_in(visible)).output(load_json=True)
    if step is not None:
        query = query.where(HouseholdCase.process_step == step.value)
    page = await (
        query.order_by(HouseholdCase.updated_at, ascending=False)
        .order_by(HouseholdCase.id)
        .limit(limit)
        .offset(offset)
        .run()
    )
    refs = await views.References.load(page)
    withheld = await views.withheld_for(actor, page)
    await audit.record(actor, "read", "case", [row["id"] for row in page], detail="list")
    return [views.summary(row, refs, actor, facts[row["id"]], withheld[row["id"]]) for row in page]


async def get_case(actor: Actor, case_id: uuid.UUID) -> CaseDetail:
    facts = await facts_or_refuse(actor, case_id, "read")
    detail = await views.detail(case_id, actor, facts)
    await audit.record(actor, "read", "case", [case_id])
    return detail


# Writing --------------------------------------------------------------------------------------
def _columns(body: CaseWrite, withheld: frozenset[str] = frozenset()) -> dict[Any, Any]:
    """The columns this edit sets. What it leaves out, and what its author may not see, stays as
    it is: a device cannot send back what it was never given (api.cases.views)."""
    columns: dict[Any, Any] = {
        HouseholdCase.signal_date: body.signal.signal_date,
        HouseholdCase.process_step: body.process_step.value,
    }
    if body.signal.source_organisation_id is not None:
        columns[HouseholdCase.signal_source] = body.signal.source_organisation_id
    if body.address is not None and views.CONTACT_DETAILS not in withheld:
        columns |= {
            HouseholdCase.street: body.address.street,
            HouseholdCase.house_number: body.address.house_number,
            HouseholdCase.postcode: body.address.postcode.replace(" ", ""),
            HouseholdCase.city: body.address.city,
        }
    if not withheld & views.MEMBER_CATEGORIES:
        columns[HouseholdCase.members] = msgspec.to_builtins(body.members)
    if views.ARREARS_AMOUNT not in withheld:
        columns |= {
            HouseholdCase.arrears_cents: body.signal.arrears_cents,
            HouseholdCase.arrears_months: body.signal.arrears_months,
        }
    if body.wgs is not None:
        columns |= {
            HouseholdCase.wgs_conditions: sorted(set(body.wgs.conditions_met)),
            HouseholdCase.objected_to_sharing: body.wgs.objected_to_sharing,
        }
    return columns


def _same_state(row: dict[str, Any], columns: dict[Any, Any]) -> bool:
    """Does the stored case already say what this edit says? (A retried request.)"""
    return all(row[column._meta.name] == value for column, value in columns.items())


async def _event(
    actor: Actor, case_id: uuid.UUID, kind: str, data: dict[str, Any], note: str = ""
) -> None:
    await record_event(actor, case_id, kind, data, note)


async def _refuse_signal_changes(actor: Actor, case_id: uuid.UUID, body: CaseWrite) -> None:
    """The signal's source and the Wgs facts change only as the policy allows (a refusal is
    audited, so it is asked before the write transaction). Repeating them is no change."""
    row = await legal_duty.signal_facts(case_id)
    source = body.signal.source_organisation_id
    changes = source not in (None, row["signal_source"]) or (
        body.wgs is not None
        and (
            sorted(set(body.wgs.conditions_met)) != sorted(row["wgs_conditions"])
            or body.wgs.objected_to_sharing != row["objected_to_sharing"]
        )
    )
    if changes:
        decision = get_policy().may_change_signal_facts(actor, row["signal_source"])
        if not decision:
            await refuse(actor, "update", case_id, decision)


async def _touch(case_id: uuid.UUID) -> None:
    """Number the change so that the devices holding the case pull it (api.sync.protocol)."""
    await (
        HouseholdCase.update({HouseholdCase.change_seq: await next_seq()})
        .where(HouseholdCase.id == case_id)
        .run()
    )


async def _add_participant(actor: Actor, case_id: uuid.UUID, organisation_id: uuid.UUID) -> None:
    inserted = await (
        CaseParticipant.insert(
            CaseParticipant(
                household_case=case_id,
                organisation=organisation_id,
                joined_at=now(),
                added_by=actor.user_id,
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(CaseParticipant.id)
        .run()
    )
    if inserted:
        await _event(actor, case_id, "participant_added", {"organisation_id": str(organisation_id)})


async def put_case(
    actor: Actor,
    case_id: uuid.UUID,
    body: CaseWrite,
    *,
    author_withheld: frozenset[str] = frozenset(),
) -> tuple[CaseDetail, bool]:
    """Create or update. Returns the case and whether it was created. `author_withheld`: what
    the edit's author could not see, for a kept edit applied later by someone else."""
    if body.wgs is not None:
        legal_duty.check_conditions(body.wgs.conditions_met, "wgs.conditions_met")
    source = body.signal.source_organisation_id
    if (
        source is not None
        and not await Organisation.exists().where(Organisation.id == source).run()
    ):
        raise NotFound("No such organisation.", field="signal.source_organisation_id")
    existing = await HouseholdCase.exists().where(HouseholdCase.id == case_id).run()
    if not existing and body.base_version is None:
        decision = get_policy().may_create_case(actor)
        if not decision:
            await refuse(actor, "create", case_id, decision)
        if body.address is None:
            raise AddressRequired(field="address")
        if body.wgs is not None:
            decision = get_policy().may_change_signal_facts(actor, source or actor.organisation_id)
            if not decision:
                await refuse(actor, "create", case_id, decision)
        if await _create(actor, case_id, body):
            facts = (await load_facts([case_id]))[case_id]
            return await views.detail(case_id, actor, facts), True
    facts = await facts_or_refuse(actor, case_id, "update")
    decision = get_policy().may_edit_case(actor, facts)
    if not decision:
        await refuse(actor, "update", case_id, decision)
    await _refuse_signal_changes(actor, case_id, body)
    await _update(actor, case_id, body, author_withheld)
    facts = (await load_facts([case_id]))[case_id]
    return await views.detail(case_id, actor, facts), False


async def _create(actor: Actor, case_id: uuid.UUID, body: CaseWrite) -> bool:
    """Insert the case; False when another request created it first (then it is an update)."""
    at = now()
    columns = {column._meta.name: value for column, value in _columns(body).items()}
    columns.setdefault("signal_source", actor.organisation_id)
    async with write_transaction():
        inserted = await (
            HouseholdCase.insert(
                HouseholdCase(
                    id=case_id,
                    version=1,
                    created_at=at,
                    updated_at=at,
                    created_by=actor.user_id,
                    director_organisation=actor.organisation_id,
                    director_user=actor.user_id,
                    **columns,
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(HouseholdCase.id)
            .run()
        )
        if not inserted:
            return False
        await _event(actor, case_id, "created", {"process_step": body.process_step.value})
        await _event(actor, case_id, "director_set", {"to_user_id": str(actor.user_id)})
        if body.wgs is not None:
            await legal_duty.record_legal_duty_change(
                actor,
                case_id,
                {"wgs_conditions": [], "objected_to_sharing": False},
                columns["wgs_conditions"],
                columns["objected_to_sharing"],
            )
        for organisation_id in {actor.organisation_id, columns["signal_source"]}:
            await _add_participant(actor, case_id, organisation_id)
        if actor.has(Role.FIELD_WORKER):
            await _assign(actor, case_id, actor.user_id)
        await audit.record(actor, "create", "case", [case_id])
        await _touch(case_id)
    return True


async def _update(
    actor: Actor, case_id: uuid.UUID, body: CaseWrite, author_withheld: frozenset[str]
) -> None:
    async with write_transaction():
        row = (
            await HouseholdCase.select()
            .where(HouseholdCase.id == case_id)
            .output(load_json=True)
            .first()
            .run()
        )
        assert row is not None
        current = row["version"]
        withheld = (await views.withheld_for(actor, [row]))[case_id] | author_withheld
        columns = _columns(body, withheld)
        if _same_state(row, columns):
            # Nothing to change: a retried request whose first answer got lost, or an edit
            # that agrees with what is stored. Either way nothing is lost.
            return
        applied = body.base_version == current and await _apply_update(
            actor, case_id, row, body, columns
        )
        conflict = None if applied else await _keep_conflict(actor, case_id, body, withheld)
    # Raised after the transaction committed: the conflict is kept, the answer is still 409.
    if conflict is not None:
        raise conflict


async def _keep_conflict(
    actor: Actor, case_id: uuid.UUID, body: CaseWrite, withheld: frozenset[str]
) -> CaseConflictError:
    """Keep a stale edit whole for a person to resolve; a resend of it keeps nothing twice."""
    current = await current_version(case_id)
    submitted = msgspec.to_builtins(body)
    conflict_id = await _kept_conflict(actor, case_id, submitted)
    if conflict_id is None:
        conflict_id = uuid.uuid4()
        await CaseConflict.insert(
            CaseConflict(
                id=conflict_id,
                household_case=case_id,
                submitted_by=actor.user_id,
                device=actor.device_id,
                base_version=body.base_version or 0,
                current_version=current,
                body=submitted,
                withheld_categories=sorted(withheld),
                submitted_at=now(),
            )
        ).run()
        await _event(actor, case_id, "conflict_kept", {"conflict_id": str(conflict_id)})
        await audit.record(actor, "update", "case", [case_id], detail="stale, kept as conflict")
    return CaseConflictError(
        f"The case is at version {current}; this edit was based on "
        f"{body.base_version}. It was kept for a person to resolve.",
        conflict_id=str(conflict_id),
        current_version=current,
    )


async def _kept_conflict(
    actor: Actor, case_id: uuid.UUID, submitted: dict[str, Any]
) -> uuid.UUID | None:
    """The unresolved conflict this very edit already made: a resend after a lost 409."""
    rows = (
        await CaseConflict.select(CaseConflict.id, CaseConflict.body)
        .where(
            (CaseConflict.household_case == case_id)
            & (CaseConflict.submitted_by == actor.user_id)
            & CaseConflict.resolved_at.is_null()
        )
        .output(load_json=True)
        .run()
    )
    return next((row["id"] for row in rows if row["body"] == submitted), None)


async def current_version(case_id: uuid.UUID) -> int:
    row = (
        await HouseholdCase.select(HouseholdCase.version)
        .where(HouseholdCase.id == case_id)
        .first()
        .run()
    )
    assert row is not None
    return int(row["version"])


async def _apply_update(
    actor: Actor,
    case_id: uuid.UUID,
    row: dict[str, Any],
    body: CaseWrite,
    columns: dict[Any, Any] | None = None,
) -> bool:
    """Apply an edit based on the version just read; False when another edit committed first
    (the version check is in the UPDATE itself, so two concurrent edits cannot both win).
    `columns`: what the edit sets, as `_columns` gives it for the author (all by default)."""
    if columns is None:
        columns = _columns(body)
    updated = await (
        HouseholdCase.update(
            {
                **columns,
                HouseholdCase.version: row["version"] + 1,
                HouseholdCase.updated_at: now(),
            }
        )
        .where((HouseholdCase.id == case_id) & (HouseholdCase.version == row["version"]))
        .returning(HouseholdCase.id)
        .run()
    )
    if not updated:
        return False
    if row["process_step"] != body.process_step.value:
        await _event(
            actor,
            case_id,
            "step_changed",
            {"from": row["process_step"], "to": body.process_step.value},
            body.step_note,
        )
    if body.signal.source_organisation_id:
        await _add_participant(actor, case_id, body.signal.source_organisation_id)
    if body.wgs is not None:
        await legal_duty.record_legal_duty_change(
            actor,
            case_id,
            row,
            columns[HouseholdCase.wgs_conditions],
            columns[HouseholdCase.objected_to_sharing],
        )
    await audit.record(actor, "update", "case", [case_id])
    await _touch(case_id)
    return True


async def _assign(actor: Actor, case_id: uuid.UUID, user_id: uuid.UUID) -> None:
    inserted = await (
        CaseAssignment.insert(
            CaseAssignment(
                household_case=case_id,
                user=user_id,
                assigned_at=now(),
                assigned_by=actor.user_id,
            )
        )
        .on_conflict(action="DO NOTHING")
        .returning(CaseAssignment.id)
        .run()
    )
    if inserted:
        await _event(actor, case_id, "assigned", {"user_id": str(user_id)})
        await (
            CaseAssignment.update({CaseAssignment.change_seq: await next_seq()})
            .where(CaseAssignment.id == inserted[0]["id"])
            .run()
        )


async def set_assignment(actor: Actor, case_id: uuid.UUID, body: AssignmentWrite) -> CaseDetail:
    facts = await facts_or_refuse(actor, case_id, "assign")
    worker = await load_person(body.user_id)
    if worker is None:
        raise NotFound("No such user.", field="user_id")
    decision = get_policy().may_assign(actor, facts, worker)
    if not decision:
        await refuse(actor, "assign", case_id, decision)
    async with write_transaction():
        if body.assigned:
            await _add_participant(actor, case_id, worker.organisation_id)
            await _assign(actor, case_id, worker.user_id)
        else:
            ended = await (
                CaseAssignment.update(
                    {
                        CaseAssignment.ended_at: now(),
                        CaseAssignment.ended_by: actor.user_id,
                        CaseAssignment.change_seq: await next_seq(),
                    }
                )
                .where(
                    (CaseAssignment.household_case == case_id)
                    & (CaseAssignment.user == worker.user_id)
                    & CaseAssignment.ended_at.is_null()
                )
                .returning(CaseAssignment.id)
                .run()
            )
            if ended:
                await _event(actor, case_id, "unassigned", {"user_id": str(worker.user_id)})
        await audit.record(actor, "assign" if body.assigned else "unassign", "case", [case_id])
    facts = (await load_facts([case_id]))[case_id]
    return await views.detail(case_id, actor, facts)


async def hand_over_direction(
    actor: Actor, case_id: uuid.UUID, body: DirectorHandover
) -> CaseDetail:
    """The explicit, recorded handover of the case director role ("1 gezin, 1 regisseur")."""
    facts = await facts_or_refuse(actor, case_id, "handover")
    new_director = await load_person(body.user_id)
    if new_director is None:
        raise NotFound("No such user.", field="user_id")
    decision = get_policy().may_hand_over_direction(actor, facts, new_director)
    if not decision:
        await refuse(actor, "handover", case_id, decision)
    async with write_transaction():
        await (
            HouseholdCase.update(
                {
                    HouseholdCase.director_user: new_director.user_id,
                    HouseholdCase.director_organisation: new_director.organisation_id,
                    HouseholdCase.updated_at: now(),
                }
            )
            .where(HouseholdCase.id == case_id)
            .run()
        )
        await _add_participant(actor, case_id, new_director.organisation_id)
        await _event(
            actor,
            case_id,
            "director_handover",
            {
                "from_user_id": str(facts.director_user_id) if facts.director_user_id else None,
                "from_organisation_id": str(facts.director_organisation_id)
                if facts.director_organisation_id
                else None,
                "to_user_id": str(new_director.user_id),
                "to_organisation_id": str(new_director.organisation_id),
            },
            body.note,
        )
        await audit.record(actor, "handover", "case", [case_id])
        await _touch(case_id)
    facts = (await load_facts([case_id]))[case_id]
    return await views.detail(case_id, actor, facts)
