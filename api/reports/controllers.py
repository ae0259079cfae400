"""HTTP layer of reports: verifying a PDF. (A visit's report is served under /api/visits.)"""

from __future__ import annotations

from litestar import Controller, Request, post

from api.lib.errors import UnsupportedMediaType
from api.lib.openapi import problems, raw_body
from api.reports import services
from api.reports.schemas import VerifyResult

# A sealed three-page report with two signatures and a few photos is far below this.
MAX_PDF_BYTES = 20 * 1024 * 1024


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]

    @post(
        "/verify",
        operation_id="verifyReport",
        status_code=200,
        request_max_body_size=MAX_PDF_BYTES,
        opt={"body": "raw"},
        operation_class=raw_body("application/pdf", description="The report, as a PDF file."),
        responses=problems(400, 413, 415, 422),
    )
    async def verify(self, request: Request) -> VerifyResult:
        """Is this PDF one of our reports, unaltered? Open to anyone holding the file (a
        household, a court): the answer names only what the sealed report itself shows."""
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != "application/pdf":
            raise UnsupportedMediaType("Send the report as application/pdf.")
        return await services.verify(await request.body())
