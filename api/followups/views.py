"""Turning follow-up rows into wire types, each for the actor who reads them."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from api.accounts.roles import Role
from api.accounts.tables import UserAccount
from api.cases.services import load_facts
from api.cases.views import References
from api.covenant.policy import FollowupFacts, get_policy
from api.followups.extract import extracts_for
from api.followups.schemas import FollowupView
from api.followups.tables import Followup
from api.lib.actor import Actor


async def stored(followup_id: uuid.UUID) -> dict[str, Any] | None:
    return await (
        Followup.select(*Followup.all_columns())
        .where(Followup.id == followup_id)
        .output(load_json=True)
        .first()
        .run()
    )


def facts_of(row: dict[str, Any]) -> FollowupFacts:
    return FollowupFacts(
        followup_id=row["id"],
        case_id=row["household_case"],
        from_organisation_id=row["from_organisation"],
        created_by=row["created_by"],
        recipient_organisation_id=row["recipient_organisation"],
        claimed_by=row["claimed_by"],
    )


async def may_view(actor: Actor, row: dict[str, Any]) -> bool:
    return bool(await visible(actor, [row]))


async def visible(actor: Actor, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows this actor may see, with the cases' facts loaded once for the whole list."""
    cases = await load_facts(sorted({row["household_case"] for row in rows}))
    policy = get_policy()
    return [
        row
        for row in rows
        if policy.may_view_followup(actor, facts_of(row), cases.get(row["household_case"]))
    ]


async def colleagues_of(organisation_id: uuid.UUID, *, supervisors_only: bool = False) -> list:
    """The active people of an organisation who work on cases: who hears of a new follow-up."""
    rows = await (
        UserAccount.select(UserAccount.id, UserAccount.roles)
        .where((UserAccount.organisation == organisation_id) & (UserAccount.active == True))  # noqa: E712
        .output(load_json=True)
        .run()
    )
    wanted = {Role.SUPERVISOR.value} if supervisors_only else {r.value for r in CASE_ROLE_VALUES}
    return sorted(row["id"] for row in rows if wanted & set(row["roles"]))


CASE_ROLE_VALUES = (Role.FIELD_WORKER, Role.SUPERVISOR)


def is_overdue(row: dict[str, Any], today: dt.date) -> bool:
    return row["state"] in ("open", "claimed", "in_progress") and row["due_on"] < today


async def for_actor(
    actor: Actor, rows: list[dict[str, Any]], *, with_extract: bool = True
) -> list[FollowupView]:
    policy = get_policy()
    refs = await References.load(
        [],
        organisation_ids={row["from_organisation"] for row in rows}
        | {row["recipient_organisation"] for row in rows},
        user_ids={row["created_by"] for row in rows} | {row["claimed_by"] for row in rows} - {None},
    )
    # Only the receiving organisation gets the extract; it is made now, under today's consent.
    receiving = [
        row for row in rows if with_extract and policy.receives_followup(actor, facts_of(row))
    ]
    extracts = await extracts_for(receiving)
    today = dt.date.today()
    views = []
    for row in rows:
        from_org = refs.organisation(row["from_organisation"])
        to_org = refs.organisation(row["recipient_organisation"])
        creator = refs.person(row["created_by"])
        assert from_org is not None and to_org is not None and creator is not None
        views.append(
            FollowupView(
                id=row["id"],
                case_id=row["household_case"],
                visit_id=row["visit"],
                suggestion_code=row["suggestion_code"],
                from_organisation=from_org,
                created_by=creator,
                recipient_organisation=to_org,
                need=row["need"],
                categories=row["categories"],
                due_on=row["due_on"],
                state=row["state"],
                claimed_by=refs.person(row["claimed_by"]),
                claimed_at=row["claimed_at"],
                outcome=row["outcome"],
                decline_reason=row["decline_reason"],
                created_at=row["created_at"],
                updated_at=row["updated_at"],
                overdue=is_overdue(row, today),
                extract=extracts.get(row["id"]),
            )
        )
    return views
