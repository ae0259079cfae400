"""HTTP layer of visits: parse, guard, call the service. No rules here."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from litestar import Controller, Request, Response, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.openapi import ResponseSpec
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter

from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems, raw_body
from api.lib.wire import MAX_OFFSET
from api.reports import services as reports
from api.visits import review, services
from api.visits.schemas import (
    ATTACHMENT_NAME_PATTERN,
    MAX_ATTACHMENT_BYTES,
    AttachmentReceipt,
    ReviewWrite,
    VisitDetail,
    VisitReceipt,
    VisitState,
    VisitSummary,
    VisitWrite,
)

# A kitchen-table visit with a few dozen repeat items stays far below this.
VISIT_BODY = 512 * 1024


class VisitController(Controller):
    path = "/api/visits"
    tags = ["visits"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get("/", operation_id="listVisits", responses=problems(400, 401, 403))
    async def list_visits(
        self,
        actor: NamedDependency[Actor],
        # `state` is a reserved name in Litestar handlers; the query parameter keeps it.
        visit_state: Annotated[VisitState | None, QueryParameter(name="state")] = None,
        order: Annotated[Literal["newest", "oldest"], QueryParameter()] = "newest",
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
        offset: Annotated[int, QueryParameter(ge=0, le=MAX_OFFSET)] = 0,
    ) -> list[VisitSummary]:
        """My visits; a supervisor's: my organisation's. `state=submitted&order=oldest` is the
        review queue, oldest first."""
        return await services.list_visits(actor, visit_state, order, limit, offset)

    @get("/{visit_id:str}", operation_id="getVisit", responses=problems(400, 401, 403, 404))
    async def get_visit(
        self, actor: NamedDependency[Actor], visit_id: FromPath[uuid.UUID]
    ) -> VisitDetail:
        """The visit with its state and which declared attachments are still missing."""
        return await services.get_visit(actor, visit_id)

    @put(
        "/{visit_id:str}",
        operation_id="putVisit",
        request_max_body_size=VISIT_BODY,
        responses={
            201: ResponseSpec(VisitReceipt, description="The visit was recorded by this request"),
            **problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    async def put_visit(
        self,
        actor: NamedDependency[Actor],
        visit_id: FromPath[uuid.UUID],
        data: JSONBody[VisitWrite],
    ) -> Response[VisitReceipt]:
        """Record a finalized visit: 201 the first time, 200 `duplicate` for the same body,
        409 `visit_conflict` for another body under this id, 422 `invalid_answers`."""
        visit, created = await services.record_visit(actor, visit_id, data)
        receipt = VisitReceipt(outcome="created" if created else "duplicate", visit=visit)
        return Response(receipt, status_code=201 if created else 200)

    @put(
        "/{visit_id:str}/attachments/{name:str}",
        operation_id="putVisitAttachment",
        request_max_body_size=MAX_ATTACHMENT_BYTES,
        opt={"body": "raw"},
        operation_class=raw_body(
            "image/png", "image/jpeg", description="The attachment's bytes, as declared."
        ),
        responses={
            201: ResponseSpec(AttachmentReceipt, description="Stored by this request"),
            **problems(400, 401, 403, 404, 409, 413, 415, 422),
        },
    )
    async def put_attachment(
        self,
        request: Request,
        actor: NamedDependency[Actor],
        visit_id: FromPath[uuid.UUID],
        # The pattern goes on the path parameter itself (a msgspec Meta on the type is not
        # applied to path parameters): a name that could be a path (`../`, `\`, NUL) is a 400.
        name: Annotated[str, PathParameter(pattern=ATTACHMENT_NAME_PATTERN)],
    ) -> Response[AttachmentReceipt]:
        """The bytes of a declared attachment (image/png or image/jpeg); a cleaned copy is kept.
        400 `invalid_parameter` for a name that is not a plain file name, 413 `body_too_large`
        over 8 MiB (from Content-Length), 415 for a compressed body, 422 `bad_image`."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        data = await request.body()
        receipt, created = await services.store_attachment(
            actor, visit_id, name, content_type, data
        )
        return Response(receipt, status_code=201 if created else 200)

    @post(
        "/{visit_id:str}/review",
        operation_id="reviewVisit",
        status_code=200,
        responses=problems(400, 401, 403, 404, 409, 413, 415, 422),
    )
    async def review_visit(
        self,
        actor: NamedDependency[Actor],
        visit_id: FromPath[uuid.UUID],
        data: JSONBody[ReviewWrite],
    ) -> VisitDetail:
        """A supervisor of the worker's organisation approves (the sealed report follows) or
        returns with a comment; 409 `visit_not_reviewable` once decided."""
        return await review.review_visit(actor, visit_id, data)

    @get(
        "/{visit_id:str}/report.pdf",
        operation_id="getVisitReport",
        media_type="application/pdf",
        responses=problems(400, 401, 403, 404, 409),
    )
    async def get_report(
        self, actor: NamedDependency[Actor], visit_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The draft report (CONCEPT) before approval, the sealed final after; 409
        `report_not_ready` while the worker is still making it."""
        report = await reports.report_file(actor, visit_id)
        return Response(
            report.content,
            media_type="application/pdf",
            headers={
                "Content-Disposition": (f'inline; filename="verslag-{visit_id}-{report.kind}.pdf"'),
                "Cache-Control": "no-store",
                "X-Report-Id": str(report.report_id),
                "X-Report-Kind": report.kind,
            },
        )
