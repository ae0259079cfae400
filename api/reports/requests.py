"""Asking for a report: the pending row and its job, written inside the change's transaction."""

from __future__ import annotations

import datetime as dt
import uuid

from api.jobs.outbox import enqueue
from api.lib.db import now
from api.reports.tables import VisitReport, report_id

RENDER_JOB = "render_report"


async def request_report(
    visit_id: uuid.UUID,
    organisation_id: uuid.UUID,
    data_sha256: str,
    kind: str,
    *,
    approved_by: uuid.UUID | None = None,
    approved_at: dt.datetime | None = None,
) -> uuid.UUID:
    """A pending report of this kind for the visit, once; the worker renders (and seals) it."""
    the_id = report_id(visit_id, kind)
    await (
        VisitReport.insert(
            VisitReport(
                id=the_id,
                visit=visit_id,
                organisation=organisation_id,
                kind=kind,
                state="pending",
                data_sha256=data_sha256,
                approved_by=approved_by,
                approved_at=approved_at,
                created_at=now(),
            )
        )
        .on_conflict(action="DO NOTHING")
        .run()
    )
    await enqueue(
        RENDER_JOB, f"report:{kind}:{visit_id}", {"visit_id": str(visit_id), "kind": kind}
    )
    return the_id
