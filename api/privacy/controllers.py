"""HTTP layer of the access export: parse, call the service. Who may, and the audit, are there."""

from __future__ import annotations

import uuid

from litestar import Controller, Response, get
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath

from api.lib.actor import Actor
from api.lib.auth import provide_actor
from api.lib.openapi import BEARER, problems
from api.privacy import services
from api.privacy.schemas import HouseholdExport

NO_STORE = {"Cache-Control": "no-store"}


class AccessExportController(Controller):
    path = "/api/admin/cases/{case_id:str}"
    tags = ["administration"]
    dependencies = {"actor": Provide(provide_actor)}
    security = BEARER

    @get(
        "/access-export",
        operation_id="getHouseholdAccessExport",
        responses=problems(400, 401, 403, 404),
    )
    async def export_json(
        self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID]
    ) -> Response[HouseholdExport]:
        """Everything the administrator's organisation holds about the household (AVG art. 15):
        the case as the organisation sees it, its own visits with their answers, attachments
        (the cleaned copies, base64) and reports, the consent history, the follow-ups it sent
        or received, alerts to its people, and who accessed or received these parts. For the
        organisation's functional administrator (others: 403); a case the organisation does
        not hold is 404 like an unknown one. Audited as an export."""
        export = await services.export_json(actor, case_id)
        return Response(
            export,
            headers={
                **NO_STORE,
                "Content-Disposition": f'attachment; filename="inzage-{case_id}.json"',
            },
        )

    @get(
        "/access-export.pdf",
        operation_id="getHouseholdAccessExportPdf",
        media_type="application/pdf",
        responses=problems(400, 401, 403, 404),
    )
    async def export_pdf(
        self, actor: NamedDependency[Actor], case_id: FromPath[uuid.UUID]
    ) -> Response[bytes]:
        """The same export as a PDF in plain Dutch, for the household to read. Audited as an
        export."""
        pdf = await services.export_pdf(actor, case_id)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={
                **NO_STORE,
                "Content-Disposition": f'attachment; filename="inzage-{case_id}.pdf"',
            },
        )
