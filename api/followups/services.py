"""Creating and reading follow-ups: idempotent by the tablet's id, scoped by the one policy.

A follow-up names a receiving organisation, a need and a due date. What the receiving
organisation sees of the household is its extract (`api.followups.extract`), decided at every
read by the covenant and the consent of that moment, so a withdrawal applies at once.
"""

from __future__ import annotations

import uuid
from typing import Any

import msgspec

from api.accounts.tables import Organisation
from api.audit import services as audit
from api.cases.schemas import OrganisationRef
from api.cases.services import load_facts
from api.covenant.loader import load_covenant
from api.covenant.policy import CASE_ROLES, get_policy
from api.followups import views
from api.followups.schemas import CasePlan, FollowupView, FollowupWrite
from api.followups.tables import Followup
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import (
    CaseNotFound,
    FollowupConflict,
    FollowupNotFound,
    Forbidden,
    InvalidRecipient,
    UnknownCode,
)
from api.sync.protocol import body_sha256, next_seq
from api.visits.tables import Visit

OPEN_STATES = ("open", "claimed", "in_progress")


async def record_followup(
    actor: Actor, followup_id: uuid.UUID, body: FollowupWrite
) -> tuple[FollowupView, bool]:
    """Store a follow-up made on a tablet; True when new, False for the same body again."""
    digest = body_sha256(msgspec.to_builtins(body))
    existing = await views.stored(followup_id)
    if existing is not None:
        return await _replay(actor, existing, digest), False
    facts = (await load_facts([body.case_id])).get(body.case_id)
    policy = get_policy()
    if facts is None or not policy.may_view_case(actor, facts):
        await audit.record_refusal(actor, "create", "followup", body.case_id, "no case access")
        raise CaseNotFound()
    decision = policy.may_create_followup(actor, facts)
    if not decision:
        await audit.record_refusal(actor, "create", "followup", body.case_id, decision.reason)
        raise Forbidden(decision.reason)
    recipient = await _recipient(body)
    await _check_visit(actor, body)
    created = await _insert(actor, followup_id, body, recipient, digest)
    stored = await views.stored(followup_id)
    assert stored is not None
    if not created:
        return await _replay(actor, stored, digest), False
    return (await views.for_actor(actor, [stored]))[0], True


async def _replay(actor: Actor, row: dict[str, Any], digest: str) -> FollowupView:
    if row["created_by"] != actor.user_id or row["body_sha256"] != digest:
        await audit.record_refusal(actor, "create", "followup", row["id"], "different body")
        raise FollowupConflict("Another follow-up is stored under this id; it was left unchanged.")
    return (await views.for_actor(actor, [row]))[0]


async def _recipient(body: FollowupWrite) -> dict[str, Any]:
    covenant = load_covenant()
    for category in body.categories:
        if category not in covenant.information_categories:
            raise UnknownCode(f"{category!r} is not an information category of the covenant.")
    recipient = await (
        Organisation.select(Organisation.id, Organisation.kind)
        .where(Organisation.id == body.recipient_organisation_id)
        .first()
        .run()
    )
    if recipient is None:
        raise InvalidRecipient("There is no organisation with this id in the network.")
    return recipient


async def _check_visit(actor: Actor, body: FollowupWrite) -> None:
    """A follow-up that names a visit names one of this case, by this organisation."""
    if body.visit_id is None:
        return
    visit = await (
        Visit.select(Visit.household_case, Visit.organisation)
        .where(Visit.id == body.visit_id)
        .first()
        .run()
    )
    if (
        visit is None
        or visit["household_case"] != body.case_id
        or visit["organisation"] != actor.organisation_id
    ):
        raise InvalidRecipient("The visit named is not a visit of this case by your organisation.")


async def _insert(
    actor: Actor,
    followup_id: uuid.UUID,
    body: FollowupWrite,
    recipient: dict[str, Any],
    digest: str,
) -> bool:
    from api.notifications.services import notify

    at = now()
    async with write_transaction():
        inserted = await (
            Followup.insert(
                Followup(
                    id=followup_id,
                    household_case=body.case_id,
                    visit=body.visit_id,
                    suggestion_code=body.suggestion_code,
                    from_organisation=actor.organisation_id,
                    created_by=actor.user_id,
                    recipient_organisation=recipient["id"],
                    recipient_kind=recipient["kind"],
                    need=body.need,
                    categories=sorted(set(body.categories)),
                    due_on=body.due_on,
                    state="open",
                    body_sha256=digest,
                    created_at=at,
                    updated_at=at,
                    change_seq=await next_seq(),
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(Followup.id)
            .run()
        )
        if not inserted:
            return False
        await notify(
            await views.colleagues_of(recipient["id"]), "followup_new", "followup", followup_id
        )
        await audit.record(actor, "create", "followup", [followup_id], detail=recipient["kind"])
    return True


async def recipients(actor: Actor) -> list[OrganisationRef]:
    if not actor.roles & CASE_ROLES:
        await audit.record_refusal(actor, "list", "organisation", "*", "no case role")
        raise Forbidden("Only people who work on cases hand over follow-ups.")
    rows = await (
        Organisation.select(Organisation.id, Organisation.name, Organisation.kind)
        .order_by(Organisation.name)
        .run()
    )
    return [OrganisationRef(**row) for row in rows]


# Reading ------------------------------------------------------------------------------------
async def get_followup(actor: Actor, followup_id: uuid.UUID) -> FollowupView:
    row = await views.stored(followup_id)
    if row is None or not await views.may_view(actor, row):
        await audit.record_refusal(actor, "read", "followup", followup_id, "not visible")
        raise FollowupNotFound()
    await audit.record(actor, "read", "followup", [followup_id])
    return (await views.for_actor(actor, [row]))[0]


async def extract_pdf(actor: Actor, followup_id: uuid.UUID) -> bytes:
    """The sealed extract, for the receiving organisation only (the extract is theirs)."""
    from api.followups.extract_pdf import sealed_extract

    view = await get_followup(actor, followup_id)
    if view.extract is None:
        await audit.record_refusal(actor, "print", "followup", followup_id, "not the recipient")
        raise FollowupNotFound()
    pdf = await sealed_extract(view)
    await audit.record(actor, "print", "followup", [followup_id], detail="extract")
    return pdf


async def list_followups(
    actor: Actor, scope: str, state: str | None, limit: int, offset: int
) -> list[FollowupView]:
    """`received`: addressed to my organisation; `sent`: made by me (or my organisation, for a
    supervisor); `directed`: of the cases I direct."""
    if not actor.roles & CASE_ROLES:
        await audit.record_refusal(actor, "list", "followup", "*", "no case role")
        raise Forbidden("Administrators manage people and devices, never case data.")
    query = Followup.select(*Followup.all_columns()).output(load_json=True)
    if scope == "received":
        query = query.where(Followup.recipient_organisation == actor.organisation_id)
    elif scope == "sent":
        query = query.where(Followup.from_organisation == actor.organisation_id)
    else:
        query = query.where(Followup.household_case.director_user == actor.user_id)
    if state is not None:
        query = query.where(Followup.state == state)
    rows = await query.order_by(Followup.due_on).limit(limit).offset(offset).run()
    visible = await views.visible(actor, rows)
    await audit.record(actor, "read", "followup", [row["id"] for row in visible], detail=scope)
    return await views.for_actor(actor, visible)


async def case_plan(actor: Actor, case_id: uuid.UUID) -> CasePlan:
    """The plan of a household: its step, its director and every follow-up, without extracts
    (the plan says who does what; the data stays with whoever may see it)."""
    from api.cases.tables import HouseholdCase
    from api.cases.views import References

    facts = (await load_facts([case_id])).get(case_id)
    if facts is None or not get_policy().may_view_case(actor, facts):
        await audit.record_refusal(actor, "read", "case_plan", case_id, "no case access")
        raise CaseNotFound()
    case = await (
        HouseholdCase.select(HouseholdCase.process_step, HouseholdCase.director_user)
        .where(HouseholdCase.id == case_id)
        .first()
        .run()
    )
    assert case is not None
    rows = await (
        Followup.select(*Followup.all_columns())
        .where(Followup.household_case == case_id)
        .order_by(Followup.created_at)
        .output(load_json=True)
        .run()
    )
    refs = await References.load([], user_ids={case["director_user"]} - {None})
    await audit.record(actor, "read", "case_plan", [case_id])
    return CasePlan(
        case_id=case_id,
        process_step=case["process_step"],
        director=refs.person(case["director_user"]),
        followups=await views.for_actor(actor, rows, with_extract=False),
    )


async def retract_replaced(visit_id: uuid.UUID) -> list[uuid.UUID]:
    """A corrected visit takes back what its earlier revision asked and nobody took up yet;
    call inside the transaction that stores the correction."""
    rows = await (
        Followup.update(
            {
                Followup.state: "retracted",
                Followup.updated_at: now(),
                Followup.change_seq: await next_seq(),
            }
        )
        .where((Followup.visit == visit_id) & (Followup.state == "open"))
        .returning(Followup.id)
        .run()
    )
    return [row["id"] for row in rows]
