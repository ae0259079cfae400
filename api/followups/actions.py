"""What the receiving organisation does with a follow-up: claim, progress, decline, complete.

Each action carries a UUID made on the device (it may be done offline and sent later, or sent
twice when a response is lost): the same action id again answers as the first time. The state
change is one conditional UPDATE, so two colleagues claiming at once get one winner and a 409.
"""

from __future__ import annotations

import uuid
from typing import Any

from api.audit import services as audit
from api.covenant.policy import get_policy
from api.followups import views
from api.followups.schemas import ActionWrite, FollowupView
from api.followups.tables import Followup, FollowupAction
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import (
    ActionConflict,
    FollowupAlreadyClaimed,
    FollowupNotFound,
    FollowupWrongState,
    Forbidden,
    TextRequired,
)
from api.sync.protocol import next_seq

# action: (states it may start from, the state it leaves)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "claim": (("open",), "claimed"),
    "progress": (("claimed", "in_progress"), "in_progress"),
    "complete": (("claimed", "in_progress"), "done"),
    "decline": (("open", "claimed", "in_progress"), "declined"),
}
NEEDS_TEXT = {"complete": "Say what came of it.", "decline": "Say why it is declined."}


async def act(actor: Actor, followup_id: uuid.UUID, action: str, body: ActionWrite) -> FollowupView:
    done_before = await (
        FollowupAction.select().where(FollowupAction.id == body.action_id).first().run()
    )
    row = await views.stored(followup_id)
    if row is None or not await views.may_view(actor, row):
        await audit.record_refusal(actor, action, "followup", followup_id, "not visible")
        raise FollowupNotFound()
    if done_before is not None:
        return await _replay(actor, row, done_before, action)
    allowed_from, _ = TRANSITIONS[action]
    if row["state"] not in allowed_from:
        # Said before who may act: "claim it first" helps more than "not yours".
        if action == "claim" and row["state"] in ("claimed", "in_progress", "done"):
            raise FollowupAlreadyClaimed("A colleague claimed it first.", state=row["state"])
        raise FollowupWrongState(
            f"Not possible for a follow-up that is {row['state']}.", state=row["state"]
        )
    decision = get_policy().may_act_on_followup(actor, views.facts_of(row), action)
    if not decision:
        await audit.record_refusal(actor, action, "followup", followup_id, decision.reason)
        raise Forbidden(decision.reason)
    text = body.text.strip()
    if action in NEEDS_TEXT and not text:
        raise TextRequired(NEEDS_TEXT[action])
    await _apply(actor, row, action, body.action_id, text)
    stored = await views.stored(followup_id)
    assert stored is not None
    return (await views.for_actor(actor, [stored]))[0]


async def _replay(
    actor: Actor, row: dict[str, Any], done: dict[str, Any], action: str
) -> FollowupView:
    if done["followup"] != row["id"] or done["actor"] != actor.user_id or done["action"] != action:
        raise ActionConflict("This action id was used for another action.")
    return (await views.for_actor(actor, [row]))[0]


async def _apply(
    actor: Actor, row: dict[str, Any], action: str, action_id: uuid.UUID, text: str
) -> None:
    from api.notifications.services import notify

    allowed_from, target = TRANSITIONS[action]
    at = now()
    changes: dict[Any, Any] = {Followup.state: target, Followup.updated_at: at}
    if action == "claim":
        changes[Followup.claimed_by] = actor.user_id
        changes[Followup.claimed_at] = at
    elif action == "complete":
        changes[Followup.outcome] = text
    elif action == "decline":
        changes[Followup.decline_reason] = text
    async with write_transaction():
        # Numbered so that the devices holding it pull the new state.
        changes[Followup.change_seq] = await next_seq()
        updated = await (
            Followup.update(changes)
            .where((Followup.id == row["id"]) & Followup.state.is_in(list(allowed_from)))
            .returning(Followup.id)
            .run()
        )
        if not updated:
            current = await Followup.select(Followup.state).where(Followup.id == row["id"]).first()
            state = current["state"] if current else "gone"
            if action == "claim" and state in ("claimed", "in_progress", "done"):
                raise FollowupAlreadyClaimed(
                    "A colleague claimed this follow-up first.", state=state
                )
            raise FollowupWrongState(
                f"A follow-up that is {state} cannot be {action}ed.", state=state
            )
        inserted = await (
            FollowupAction.insert(
                FollowupAction(
                    id=action_id,
                    followup=row["id"],
                    action=action,
                    actor=actor.user_id,
                    at=at,
                    text=text,
                    state_after=target,
                )
            )
            .on_conflict(action="DO NOTHING")
            .returning(FollowupAction.id)
            .run()
        )
        if not inserted:
            # The same action id arrived twice at once and the other one won: undo ours.
            raise ActionConflict("This action id was just used.")
        if action == "decline":
            # Back to the case director, who finds another way.
            director = await _director_of(row["household_case"])
            if director is not None:
                await notify([director], "followup_declined", "followup", row["id"])
        await audit.record(actor, action, "followup", [row["id"]], detail=target)


async def _director_of(case_id: uuid.UUID) -> uuid.UUID | None:
    from api.cases.tables import HouseholdCase

    case = await (
        HouseholdCase.select(HouseholdCase.director_user)
        .where(HouseholdCase.id == case_id)
        .first()
        .run()
    )
    return case["director_user"] if case else None
