"""The supervisor's review: approve (the sealed report follows) or return with a comment.

Only a submitted visit is reviewed. Two supervisors deciding at once get one winner; the other
gets `visit_not_reviewable`. The same decision sent again by the same supervisor (a lost
response) answers as the first time did.
"""

from __future__ import annotations

import uuid
from typing import Any

from api.audit import services as audit
from api.covenant.policy import get_policy
from api.lib.actor import Actor
from api.lib.db import now, write_transaction
from api.lib.errors import CommentRequired, Forbidden, VisitNotFound, VisitNotReviewable
from api.notifications.services import notify
from api.reports.requests import request_report
from api.sync.protocol import next_seq
from api.visits import views
from api.visits.schemas import ReviewWrite, VisitDetail
from api.visits.tables import Visit

DECIDED = {"approve": "approved", "return": "returned"}
# What the worker whose visit it is hears of the decision.
NOTIFICATION_KIND = {"approve": "visit_approved", "return": "visit_returned"}


async def review_visit(actor: Actor, visit_id: uuid.UUID, body: ReviewWrite) -> VisitDetail:
    row = await views.stored_visit(visit_id)
    policy = get_policy()
    facts = views.visit_facts(row)
    if row is None or facts is None or not policy.may_view_visit(actor, facts):
        await audit.record_refusal(actor, "review", "visit", visit_id, "no access to the visit")
        raise VisitNotFound()
    decision = policy.may_review_visit(actor, facts)
    if not decision:
        await audit.record_refusal(actor, "review", "visit", visit_id, decision.reason)
        raise Forbidden(decision.reason)
    comment = body.comment.strip()
    if _same_decision_again(row, actor, body.decision, comment):
        return (await views.details([row]))[0]
    if row["state"] != "submitted":
        raise VisitNotReviewable(
            f"This visit is {row['state']}; only a submitted visit is reviewed.",
            state=row["state"],
        )
    if body.decision == "return" and not comment:
        raise CommentRequired("Say what the worker should correct.")
    await _decide(actor, row, body.decision, comment)
    stored = await views.stored_visit(visit_id)
    assert stored is not None
    return (await views.details([stored]))[0]


def _same_decision_again(row: dict[str, Any], actor: Actor, decision: str, comment: str) -> bool:
    return (
        row["reviewed_by"] == actor.user_id
        and row["review_decision"] == decision
        and row["review_comment"] == comment
        and row["state"] == DECIDED[decision]
    )


async def _decide(actor: Actor, row: dict[str, Any], decision: str, comment: str) -> None:
    at = now()
    async with write_transaction():
        updated = await (
            Visit.update(
                {
                    Visit.state: DECIDED[decision],
                    Visit.review_decision: decision,
                    Visit.review_comment: comment,
                    Visit.reviewed_by: actor.user_id,
                    Visit.reviewed_at: at,
                    Visit.change_seq: await next_seq(),
                }
            )
            .where((Visit.id == row["id"]) & (Visit.state == "submitted"))
            .returning(Visit.id)
            .run()
        )
        if not updated:
            raise VisitNotReviewable("Another supervisor decided on this visit meanwhile.")
        if decision == "approve":
            await request_report(
                row["id"],
                row["organisation"],
                row["body_sha256"],
                "final",
                approved_by=actor.user_id,
                approved_at=at,
            )
        await notify([row["worker"]], NOTIFICATION_KIND[decision], "visit", row["id"])
        await audit.record(actor, "review", "visit", [row["id"]], detail=decision)
