"""HTTP layer of follow-ups: parse, guard, call the service."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter

from api.cases.schemas import OrganisationRef
from api.followups import actions, services
from api.followups.schemas import (
    ActionWrite,
    CasePlan,
    FollowupReceipt,
    FollowupState,
    FollowupView,
    FollowupWrite,
)
from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.lib.wire import MAX_OFFSET

ACTION_PROBLEMS = problems(400, 401, 403, 404, 409, 413, 415, 422)


class FollowupController(Controller):
    path = "/api/followups"
    tags = ["followups"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="listFollowups", responses=problems(400, 401, 403))
    async def list_followups(
        self,
        actor: NamedDependency[Actor],
        # `scope` is a reserved name in Litestar handlers; the query parameter keeps it.
        which: Annotated[
            Literal["received", "sent", "directed"], QueryParameter(name="scope")
        ] = "received",
        followup_state: Annotated[FollowupState | None, QueryParameter(name="state")] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[FollowupView]:
        """`received`: for my organisation (with the extract); `sent`: by my organisation;
        `directed`: of the households I direct. Soonest due first."""
        return await services.list_followups(actor, which, followup_state, limit, offset)

    @get("/recipients", operation_id="listRecipients", responses=problems(401, 403))
    async def recipients(self, actor: NamedDependency[Actor]) -> list[OrganisationRef]:
        """The organisations of the network a follow-up can go to (names and kinds only)."""
        return await services.recipients(actor)

    @get(
        "/{followup_id:str}",
        operation_id="getFollowup",
        responses=problems(400, 401, 403, 404),
    )
    async def get_followup(
        self, actor: NamedDependency[Actor], followup_id: FromPath[uuid.UUID]
    ) -> FollowupView:
        return await services.get_followup(actor, followup_id)

    @get(
        "/{followup_id:str}/extract.pdf",
        operation_id="getFollowupExtract",
        media_type="application/pdf",
        responses=problems(400, 401, 403, 404),
    )
    async def extract_pdf(
        self, actor: NamedDependency[Actor], followup_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The extract as a PDF sealed by the sending organisation (receiving organisation only);
        made at this request, under the consent of this moment."""
        pdf = await services.extract_pdf(actor, followup_id)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="vervolgactie-{followup_id}.pdf"',
                "Cache-Control": "no-store",
            },
        )

    @put(
        "/{followup_id:str}",
        operation_id="putFollowup",
        responses={
            201: ResponseSpec(FollowupReceipt, description="Handed over by this request"),
            **problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    async def put_followup(
        self,
        actor: NamedDependency[Actor],
        followup_id: FromPath[uuid.UUID],
        data: JSONBody[FollowupWrite],
    ) -> Response[FollowupReceipt]:
        """Hand work to another organisation: 201 the first time, 200 `duplicate` for the same
        body, 409 `followup_conflict` for another body under this id."""
        view, created = await services.record_followup(actor, followup_id, data)
        receipt = FollowupReceipt(outcome="created" if created else "duplicate", followup=view)
        return Response(receipt, status_code=201 if created else 200)

    @post(
        "/{followup_id:str}/claim",
        operation_id="claimFollowup",
        status_code=200,
        responses=ACTION_PROBLEMS,
    )
    async def claim(
        self,
        actor: NamedDependency[Actor],
        followup_id: FromPath[uuid.UUID],
        data: JSONBody[ActionWrite],
    ) -> FollowupView:
        """Take it on; two colleagues at once: one wins, the other gets 409
        `followup_already_claimed`."""
        return await actions.act(actor, followup_id, "claim", data)

    @post(
        "/{followup_id:str}/progress",
        operation_id="progressFollowup",
        status_code=200,
        responses=ACTION_PROBLEMS,
    )
    async def progress(
        self,
        actor: NamedDependency[Actor],
        followup_id: FromPath[uuid.UUID],
        data: JSONBody[ActionWrite],
    ) -> FollowupView:
        return await actions.act(actor, followup_id, "progress", data)

    @post(
        "/{followup_id:str}/decline",
        operation_id="declineFollowup",
        status_code=200,
        responses=ACTION_PROBLEMS,
    )
    async def decline(
        self,
        actor: NamedDependency[Actor],
        followup_id: FromPath[uuid.UUID],
        data: JSONBody[ActionWrite],
    ) -> FollowupView:
        """With a reason (`text`); the case director hears of it."""
        return await actions.act(actor, followup_id, "decline", data)

    @post(
        "/{followup_id:str}/complete",
        operation_id="completeFollowup",
        status_code=200,
        responses=ACTION_PROBLEMS,
    )
    async def complete(
        self,
        actor: NamedDependency[Actor],
        followup_id: FromPath[uuid.UUID],
        data: JSONBody[ActionWrite],
    ) -> FollowupView:
        """With a short outcome (`text`)."""
        return await actions.act(actor, followup_id, "complete", data)


class CasePlanController(Controller):
    path = "/api/cases"
    tags = ["cases"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get(
        "/{case_id:str}/plan",
        operation_id="getCasePlan",
        responses=problems(400, 401, 403, 404),
    )
    async def plan(self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID]) -> CasePlan:
        """The household's plan: its step, its director and every follow-up (no extracts)."""
        return await services.case_plan(actor, case_id)
