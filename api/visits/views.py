"""Turning visit rows into wire types."""

from __future__ import annotations

import uuid
from typing import Any

from api.cases.schemas import PersonRef
from api.cases.views import References
from api.visits.schemas import AttachmentState, Suggestion, VisitDetail, VisitSummary
from api.visits.tables import Visit, VisitAttachment

VISIT_COLUMNS = [c for c in Visit.all_columns() if c._meta.name != "body"]
ATTACHMENT_COLUMNS = [c for c in VisitAttachment.all_columns() if c._meta.name != "content"]


async def attachments_of(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    found: dict[uuid.UUID, list[dict[str, Any]]] = {visit_id: [] for visit_id in visit_ids}
    if not visit_ids:
        return found
    rows = await (
        VisitAttachment.select(*ATTACHMENT_COLUMNS)
        .where(VisitAttachment.visit.is_in(visit_ids))
        .order_by(VisitAttachment.name)
        .run()
    )
    for row in rows:
        found[row["visit"]].append(row)
    return found


def missing(attachments: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in attachments if row["received_at"] is None]


async def _workers_and_files(
    rows: list[dict[str, Any]],
) -> list[tuple[dict[str, Any], PersonRef, list[dict[str, Any]]]]:
    """Each row with its worker and its attachments, in two queries for the whole list."""
    refs = await References.load([], user_ids={row["worker"] for row in rows})
    attachments = await attachments_of([row["id"] for row in rows])
    found = []
    for row in rows:
        worker = refs.person(row["worker"])
        assert worker is not None
        found.append((row, worker, attachments[row["id"]]))
    return found


async def details(rows: list[dict[str, Any]]) -> list[VisitDetail]:
    result = []
    for row, worker, files in await _workers_and_files(rows):
        result.append(
            VisitDetail(
                id=row["id"],
                case_id=row["household_case"],
                form_key=row["form_key"],
                form_version=row["form_version"],
                visited_on=row["visited_on"],
                finalized_at=row["finalized_at"],
                received_at=row["received_at"],
                worker=worker,
                state=row["state"],
                body_sha256=row["body_sha256"],
                attachments=[
                    AttachmentState(
                        name=file["name"],
                        content_type=file["declared_content_type"],
                        size=file["declared_size"],
                        received=file["received_at"] is not None,
                    )
                    for file in files
                ],
                missing_attachments=missing(files),
                complete=not missing(files),
                replaces=row["replaces"],
                answers=row["answers"],
                suggestions=[Suggestion(**item) for item in row["suggestions"]],
            )
        )
    return result


async def summaries(rows: list[dict[str, Any]]) -> list[VisitSummary]:
    result = []
    for row, worker, files in await _workers_and_files(rows):
        result.append(
            VisitSummary(
                id=row["id"],
                case_id=row["household_case"],
                form_key=row["form_key"],
                form_version=row["form_version"],
                visited_on=row["visited_on"],
                worker=worker,
                state=row["state"],
                missing_attachments=missing(files),
                replaces=row["replaces"],
            )
        )
    return result
