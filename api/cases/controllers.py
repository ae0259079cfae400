"""HTTP layer of cases: parse, guard, call the service. No rules here."""

from __future__ import annotations

import uuid
from typing import Annotated

from litestar import Controller, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from api.cases import conflicts, consent, services
from api.cases.conflicts import ConflictView, Resolution
from api.cases.schemas import (
    AssignmentWrite,
    CaseDetail,
    CaseSummary,
    CaseWrite,
    ConsentOverview,
    ConsentWrite,
    DirectorHandover,
)
from api.cases.steps import ProcessStep
from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.lib.wire import MAX_OFFSET

CASE_BODY = 64 * 1024


class CaseController(Controller):
    path = "/api/cases"
    tags = ["cases"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER
    request_max_body_size = CASE_BODY

    @get("/", operation_id="listCases", responses=problems(400, 401, 403))
    async def list_cases(
        self,
        actor: NamedDependency[Actor],
        mine: FromQuery[bool] = False,
        step: FromQuery[ProcessStep | None] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[CaseSummary]:
        """The cases I may see: my organisation's, where I am involved (`mine`: assigned)."""
        return await services.list_cases(actor, mine=mine, step=step, limit=limit, offset=offset)

    @get("/{case_id:str}", operation_id="getCase", responses=problems(400, 401, 403, 404))
    async def get_case(
        self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID]
    ) -> CaseDetail:
        """One case with its timeline."""
        return await services.get_case(actor, case_id)

    @put(
        "/{case_id:str}",
        operation_id="putCase",
        responses={
            201: ResponseSpec(CaseDetail, description="The case was made by this request"),
            **problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    async def put_case(
        self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID], data: JSONBody[CaseWrite]
    ) -> Response[CaseDetail]:
        """Create (201) or update (200) a case; the id is made on the device. A stale edit
        answers 409 `case_conflict` and is kept for a person to resolve."""
        detail, created = await services.put_case(actor, case_id, data)
        return Response(detail, status_code=201 if created else 200)

    @post(
        "/{case_id:str}/assignments",
        operation_id="assignWorker",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415, 422),
    )
    async def assign(
        self,
        actor: NamedDependency[Actor],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[AssignmentWrite],
    ) -> CaseDetail:
        """Assign a worker of my organisation to the case, or end the assignment."""
        return await services.set_assignment(actor, case_id, data)

    @post(
        "/{case_id:str}/director",
        operation_id="handOverDirection",
        status_code=200,
        responses=problems(400, 401, 403, 404, 413, 415, 422),
    )
    async def hand_over(
        self,
        actor: NamedDependency[Actor],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[DirectorHandover],
    ) -> CaseDetail:
        """Hand the case director role to another person, recorded on the timeline."""
        return await services.hand_over_direction(actor, case_id, data)

    @get(
        "/{case_id:str}/consent",
        operation_id="getConsent",
        responses=problems(400, 401, 403, 404),
    )
    async def get_consent(
        self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID]
    ) -> ConsentOverview:
        """The household's consent per information category and receiving organisation kind:
        the covenant's basis, the current decision (when, how, by whom), and the history."""
        return await consent.get_consent(actor, case_id)

    @put(
        "/{case_id:str}/consent",
        operation_id="putConsent",
        responses=problems(400, 401, 403, 404, 413, 415, 422),
    )
    async def put_consent(
        self,
        actor: NamedDependency[Actor],
        case_id: FromPath[uuid.UUID],
        data: JSONBody[ConsentWrite],
    ) -> ConsentOverview:
        """Record decisions the household made by phone or letter; a newer decision for a pair
        supersedes the current one. A pair the covenant never shares: 422
        `consent_not_possible`; an unknown code: 422 `unknown_code`."""
        return await consent.put_consent(actor, case_id, data)


class ConflictController(Controller):
    path = "/api/conflicts"
    tags = ["cases"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER
    request_max_body_size = CASE_BODY

    @get("/", operation_id="listConflicts", responses=problems(401, 403))
    async def list_conflicts(self, actor: NamedDependency[Actor]) -> list[ConflictView]:
        """Stale case edits, kept whole, on the cases I may edit."""
        return await conflicts.list_conflicts(actor)

    @post(
        "/{conflict_id:str}/resolve",
        operation_id="resolveConflict",
        status_code=200,
        responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    )
    async def resolve(
        self,
        actor: NamedDependency[Actor],
        conflict_id: FromPath[uuid.UUID],
        data: JSONBody[Resolution],
    ) -> CaseDetail:
        """Keep the current case, or apply the kept edit on top of it (recorded on the timeline)."""
        return await conflicts.resolve(actor, conflict_id, data)
