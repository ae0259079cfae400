"""Turning visit rows into wire types."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from api.cases.schemas import PersonRef
from api.cases.tables import HouseholdCase
from api.cases.views import References
from api.covenant.policy import VisitFacts
from api.lib.prepared import Param, Prepared
from api.reports.tables import VisitReport
from api.visits.schemas import (
    AttachmentState,
    ReportInfo,
    ReviewInfo,
    Suggestion,
    VisitDetail,
    VisitSummary,
)
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
        .run()
    )
    for row in by_name(rows):
        found[row["visit"]].append(row)
    return found


def by_name(files: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Attachments in the order of their names, by code point: the same on both databases
    whatever their collation, and for a visit answered from memory."""
    return sorted(files, key=lambda file: file["name"])


def missing(attachments: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in attachments if row["received_at"] is None]


_STORED_VISIT = Prepared(
    lambda: Visit.select(*VISIT_COLUMNS).where(Visit.id == Param("id")).output(load_json=True)
)


async def stored_visit(visit_id: uuid.UUID) -> dict[str, Any] | None:
    """A visit row without its raw body (the answers as the engine kept them are there)."""
    return await _STORED_VISIT.first(id=visit_id)


def visit_facts(row: dict[str, Any] | None) -> VisitFacts | None:
    """What the access policy needs to know of a visit row."""
    if row is None:
        return None
    return VisitFacts(row["id"], row["household_case"], row["worker"], row["organisation"])


def address_line(row: dict[str, Any]) -> str:
    postcode = row["postcode"]
    return f"{row['street']} {row['house_number']}, {postcode[:4]} {postcode[4:]} {row['city']}"


@dataclass(slots=True)
class _Loaded:
    people: References
    files: dict[uuid.UUID, list[dict[str, Any]]]
    addresses: dict[uuid.UUID, str]
    reports: dict[uuid.UUID, ReportInfo]


async def _load(rows: list[dict[str, Any]]) -> _Loaded:
    """Workers, reviewers, attachments, addresses and reports for a whole list in five queries."""
    user_ids = {row["worker"] for row in rows} | {row["reviewed_by"] for row in rows} - {None}
    case_ids = sorted({row["household_case"] for row in rows})
    cases = (
        await HouseholdCase.select(
            HouseholdCase.id,
            HouseholdCase.street,
            HouseholdCase.house_number,
            HouseholdCase.postcode,
            HouseholdCase.city,
        )
        .where(HouseholdCase.id.is_in(case_ids))
        .run()
        if case_ids
        else []
    )
    return _Loaded(
        people=await References.load([], user_ids=user_ids),
        files=await attachments_of([row["id"] for row in rows]),
        addresses={case["id"]: address_line(case) for case in cases},
        reports=await _reports_of([row["id"] for row in rows]),
    )


async def _reports_of(visit_ids: list[uuid.UUID]) -> dict[uuid.UUID, ReportInfo]:
    """Each visit's newest report: the final one once it exists, else the draft."""
    if not visit_ids:
        return {}
    rows = await (
        VisitReport.select(
            VisitReport.id,
            VisitReport.visit,
            VisitReport.kind,
            VisitReport.state,
            VisitReport.failure,
            VisitReport.sha256,
        )
        .where(VisitReport.visit.is_in(visit_ids))
        .run()
    )
    found: dict[uuid.UUID, ReportInfo] = {}
    for row in sorted(rows, key=lambda row: row["kind"] == "final"):
        found[row["visit"]] = ReportInfo(
            id=row["id"],
            kind=row["kind"],
            state=row["state"],
            failure=row["failure"] or None,
            sha256=row["sha256"],
        )
    return found


def _review(row: dict[str, Any], people: References) -> ReviewInfo | None:
    reviewer = people.person(row["reviewed_by"])
    if row["review_decision"] is None or reviewer is None:
        return None
    return ReviewInfo(
        decision=row["review_decision"],
        comment=row["review_comment"],
        reviewer=reviewer,
        decided_at=row["reviewed_at"],
    )


def detail(
    row: dict[str, Any],
    files: list[dict[str, Any]],
    worker: PersonRef,
    address: str | None,
    review: ReviewInfo | None,
    report: ReportInfo | None,
) -> VisitDetail:
    """A visit row (and its attachment rows) as the wire shows it."""
    return VisitDetail(
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
        address=address,
        review=review,
        report=report,
    )


async def details(rows: list[dict[str, Any]]) -> list[VisitDetail]:
    loaded = await _load(rows)
    result = []
    for row in rows:
        worker = loaded.people.person(row["worker"])
        assert worker is not None
        result.append(
            detail(
                row,
                loaded.files[row["id"]],
                worker,
                loaded.addresses.get(row["household_case"]),
                _review(row, loaded.people),
                loaded.reports.get(row["id"]),
            )
        )
    return result


_CASE_ADDRESS = Prepared(
    lambda: HouseholdCase.select(
        HouseholdCase.street, HouseholdCase.house_number, HouseholdCase.postcode, HouseholdCase.city
    ).where(HouseholdCase.id == Param("id"))
)


async def case_address(case_id: uuid.UUID) -> str | None:
    row = await _CASE_ADDRESS.first(id=case_id)
    return address_line(row) if row else None


async def summaries(rows: list[dict[str, Any]]) -> list[VisitSummary]:
    loaded = await _load(rows)
    result = []
    for row in rows:
        worker = loaded.people.person(row["worker"])
        assert worker is not None
        result.append(
            VisitSummary(
                id=row["id"],
                case_id=row["household_case"],
                form_key=row["form_key"],
                form_version=row["form_version"],
                visited_on=row["visited_on"],
                worker=worker,
                state=row["state"],
                missing_attachments=missing(loaded.files[row["id"]]),
                replaces=row["replaces"],
                received_at=row["received_at"],
                address=loaded.addresses.get(row["household_case"]),
                review_comment=row["review_comment"] or None,
            )
        )
    return result
