"""The Wgs legal duty on a case: which of the covenant's conditions are met, whether the tenant
objected, and so which legal duties (e.g. `wgs_signal`) currently carry the sharing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from api.cases.events import record_event
from api.cases.schemas import LegalDutyView
from api.covenant.policy import get_policy
from api.lib.actor import Actor
from api.lib.errors import UnknownCode


async def signal_facts(case_id: uuid.UUID) -> dict[str, Any]:
    """Who signalled the case, and the Wgs conditions and objection recorded so far."""
    from api.cases.tables import HouseholdCase

    row = await (
        HouseholdCase.select(
            HouseholdCase.signal_source,
            HouseholdCase.wgs_conditions,
            HouseholdCase.objected_to_sharing,
        )
        .where(HouseholdCase.id == case_id)
        .output(load_json=True)
        .first()
        .run()
    )
    assert row is not None, f"case {case_id} is gone"
    return row


def known_conditions() -> frozenset[str]:
    """Every legal-duty condition the covenant names (the `wgs.<condition>` a form may fill)."""
    duties = get_policy().covenant.legal_duty.values()
    return frozenset(condition for duty in duties for condition in duty.conditions)


def check_conditions(codes: Iterable[str], field: str) -> None:
    known = known_conditions()
    for index, code in enumerate(codes):
        if code not in known:
            raise UnknownCode(
                f"The covenant has no legal-duty condition {code!r}.", field=f"{field}[{index}]"
            )


def legal_duties_met(conditions: Iterable[str], objected: bool) -> frozenset[str]:
    """Duties whose conditions are all recorded; none at all once the tenant objected."""
    if objected:
        return frozenset()
    recorded = set(conditions)
    return frozenset(
        name
        for name, duty in get_policy().covenant.legal_duty.items()
        if set(duty.conditions) <= recorded
    )


def legal_duty_view(row: Mapping[str, Any]) -> LegalDutyView:
    """From a case row with `wgs_conditions` (loaded JSON) and `objected_to_sharing`."""
    conditions = sorted(row["wgs_conditions"])
    return LegalDutyView(
        conditions_met=conditions,
        objected_to_sharing=row["objected_to_sharing"],
        duties_met=sorted(legal_duties_met(conditions, row["objected_to_sharing"])),
    )


def merge_conditions(current: Iterable[str], answers: Mapping[str, bool]) -> list[str]:
    """The conditions met after a form answered some of them yes (met) or no (not met)."""
    met = set(current)
    for condition, answer in answers.items():
        if answer:
            met.add(condition)
        else:
            met.discard(condition)
    return sorted(met)


async def record_legal_duty_change(
    actor: Actor,
    case_id: uuid.UUID,
    before: Mapping[str, Any],
    conditions: list[str],
    objected: bool,
    visit_id: uuid.UUID | None = None,
) -> bool:
    """Put a change of the Wgs facts on the timeline (a dated, auditable event); False when
    nothing changed. The caller writes the columns in its own update of the case."""
    if sorted(before["wgs_conditions"]) == conditions and before["objected_to_sharing"] == objected:
        return False
    data: dict[str, Any] = {
        "conditions_met": conditions,
        "objected_to_sharing": objected,
        "duties_met": sorted(legal_duties_met(conditions, objected)),
    }
    if visit_id is not None:
        data["visit_id"] = str(visit_id)
    await record_event(actor, case_id, "legal_duty_recorded", data)
    return True
