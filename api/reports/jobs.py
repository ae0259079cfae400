"""The worker's report job: render the draft, or render and seal the final report.

Safe to run twice: a report that is ready is left alone, so a worker that dies after sealing
but before marking its job done seals nothing a second time.
"""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from typing import Any

from api.jobs.worker import handles
from api.lib.db import now
from api.reports.gather import gather
from api.reports.render import render_report
from api.reports.requests import RENDER_JOB
from api.reports.sealing import load_seal, seal_pdf
from api.reports.tables import VisitReport, report_id
from api.settings import get_settings

SEAL_REASON = "Goedgekeurd verslag keukentafelgesprek"


@handles(RENDER_JOB)
async def render_report_job(payload: dict[str, Any]) -> None:
    visit_id = uuid.UUID(payload["visit_id"])
    kind = payload["kind"]
    the_id = report_id(visit_id, kind)
    row = (
        await VisitReport.select(VisitReport.state, VisitReport.organisation)
        .where(VisitReport.id == the_id)
        .first()
    )
    if row is None or row["state"] == "ready":
        return
    try:
        content = await gather(visit_id, kind)
        pdf = await asyncio.to_thread(render_report, content)
        certificate_sha256 = None
        if kind == "final":
            settings = get_settings()
            seal = load_seal(settings.seals_dir, row["organisation"], settings.seal_passphrase)
            pdf = await seal_pdf(
                pdf,
                seal,
                reason=SEAL_REASON,
                location=content.organisation_name,
                tsa_url=settings.tsa_url,
            )
            certificate_sha256 = seal.certificate_sha256
    except Exception as error:
        # Shown in GET /api/visits/{id} while the job retries with backoff.
        await (
            VisitReport.update({VisitReport.state: "failed", VisitReport.failure: str(error)[:500]})
            .where((VisitReport.id == the_id) & (VisitReport.state != "ready"))
            .run()
        )
        raise
    await (
        VisitReport.update(
            {
                VisitReport.state: "ready",
                VisitReport.failure: "",
                VisitReport.content: pdf,
                VisitReport.sha256: hashlib.sha256(pdf).hexdigest(),
                VisitReport.certificate_sha256: certificate_sha256,
                VisitReport.rendered_at: now(),
            }
        )
        .where((VisitReport.id == the_id) & (VisitReport.state != "ready"))
        .run()
    )
