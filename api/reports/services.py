"""Handing out reports and answering whether a PDF is one of ours, intact.

A report stays inside the worker's organisation: the worker and their supervisors (the same
rule as the visit). The household receives it on paper or by mail from the worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import uuid
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils.reader import PdfFileReader

from api.accounts.tables import Organisation, UserAccount
from api.audit import services as audit
from api.covenant.policy import Decision, get_policy
from api.lib.actor import Actor
from api.lib.errors import NotAPdf, ReportNotReady, VisitNotFound
from api.reports.content import SUBJECT_PREFIX
from api.reports.schemas import VerifyResult
from api.reports.sealing import trusted_certificates
from api.reports.tables import VisitReport
from api.reports.verification import SignatureCheck, check_signature
from api.settings import get_settings
from api.visits.tables import Visit
from api.visits.views import visit_facts

CLAIMED_ID = re.compile(re.escape(SUBJECT_PREFIX).encode() + rb"([0-9a-f-]{36})")
BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


@dataclass(frozen=True, slots=True)
class ReportFile:
    content: bytes
    kind: str
    report_id: uuid.UUID


async def report_file(actor: Actor, visit_id: uuid.UUID) -> ReportFile:
    """The sealed final report once it exists, the draft before; audited as a print."""
    facts = visit_facts(
        await Visit.select(Visit.id, Visit.household_case, Visit.worker, Visit.organisation)
        .where(Visit.id == visit_id)
        .first()
        .run()
    )
    decision = (
        get_policy().may_view_visit(actor, facts) if facts else Decision(False, "no such visit")
    )
    if not decision:
        await audit.record_refusal(actor, "print", "visit_report", visit_id, decision.reason)
        raise VisitNotFound()
    rows = await (
        VisitReport.select(VisitReport.id, VisitReport.kind, VisitReport.state, VisitReport.failure)
        .where(VisitReport.visit == visit_id)
        .run()
    )
    ready = {row["kind"]: row for row in rows if row["state"] == "ready"}
    chosen = ready.get("final") or ready.get("draft")
    if chosen is None:
        failed = [row["failure"] for row in rows if row["state"] == "failed"]
        raise ReportNotReady(
            "The report is being made; ask again in a moment.",
            state="failed" if failed else "pending",
            failure=failed[0] if failed else None,
        )
    content = await (
        VisitReport.select(VisitReport.content).where(VisitReport.id == chosen["id"]).first().run()
    )
    assert content is not None
    await audit.record(actor, "print", "visit_report", [chosen["id"]], detail=chosen["kind"])
    return ReportFile(bytes(content["content"]), chosen["kind"], chosen["id"])


# Verification ---------------------------------------------------------------------------------
async def verify(pdf: bytes) -> VerifyResult:
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise NotAPdf("Send the report as a PDF file (application/pdf).")
    check = await check_signature(pdf, trusted_certificates(get_settings().seals_dir))
    stored = await _sealed_copy(hashlib.sha256(pdf).hexdigest())
    if stored is not None:
        reasons = _signature_reasons(check)
        result = await _result("intact" if not reasons else "altered", stored, check, reasons)
    elif (prefix := await _signed_revision(pdf)) is not None:
        reasons = ["incremental_update_after_signature", *_signature_reasons(check)]
        result = await _result("changed_after_sealing", prefix, check, sorted(set(reasons)))
    elif (claimed := await _claimed_report(pdf)) is not None:
        reasons = ["not_the_sealed_copy", *_signature_reasons(check)]
        result = await _result("altered", claimed, check, sorted(set(reasons)))
    else:
        reasons = ["unknown_report", *_signature_reasons(check)]
        result = await _result("not_ours", None, check, sorted(set(reasons)))
    await audit.record(
        None,
        "verify",
        "visit_report",
        [result.report_id or "unknown"],
        detail=f"{result.verdict}: {', '.join(result.reasons)}",
    )
    return result


def _signature_reasons(check: SignatureCheck) -> list[str]:
    """Why the seal itself does not vouch for this exact file (empty when it does)."""
    reasons = list(check.problems)
    if check.signed and not check.valid and "signature_invalid" not in reasons:
        reasons.append("signature_invalid")
    if check.signed and not check.trusted and "untrusted_signer" not in reasons:
        reasons.append("untrusted_signer")
    if check.signed and not check.covers_entire_file and "not_entire_file" not in reasons:
        reasons.append("not_entire_file")
    return sorted(set(reasons))


async def _sealed_copy(sha256: str) -> dict[str, Any] | None:
    return await (
        VisitReport.select(*_REPORT_COLUMNS)
        .where(
            (VisitReport.sha256 == sha256)
            & (VisitReport.kind == "final")
            & (VisitReport.state == "ready")
        )
        .first()
        .run()
    )


async def _signed_revision(pdf: bytes) -> dict[str, Any] | None:
    """Our sealed copy with bytes appended: the revision the seal signed is a stored report."""
    found = BYTE_RANGE.search(pdf)
    if found is None:
        return None
    end = int(found.group(3)) + int(found.group(4))
    if end >= len(pdf):
        return None
    return await _sealed_copy(hashlib.sha256(pdf[:end]).hexdigest())


def _claimed_id(pdf: bytes) -> uuid.UUID | None:
    """The report id the file's /Subject names: found in the raw bytes where our renderer
    wrote it, else read through a PDF parser (a re-saved copy may compress or re-encode it)."""
    found = CLAIMED_ID.search(pdf)
    subject = found.group(0).decode() if found else _subject(pdf)
    if not subject or not subject.startswith(SUBJECT_PREFIX):
        return None
    try:
        return uuid.UUID(subject.removeprefix(SUBJECT_PREFIX)[:36])
    except ValueError:
        return None


def _subject(pdf: bytes) -> str | None:
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return str(reader.trailer_view["/Info"]["/Subject"])
    except Exception:  # any damage simply means no claim can be read
        return None


async def _claimed_report(pdf: bytes) -> dict[str, Any] | None:
    claimed = await asyncio.to_thread(_claimed_id, pdf)
    if claimed is None:
        return None
    return await (
        VisitReport.select(*_REPORT_COLUMNS)
        .where((VisitReport.id == claimed) & (VisitReport.kind == "final"))
        .first()
        .run()
    )


_REPORT_COLUMNS = [
    VisitReport.id,
    VisitReport.visit,
    VisitReport.organisation,
    VisitReport.approved_by,
    VisitReport.approved_at,
]


async def _result(
    verdict: str, report: dict[str, Any] | None, check: SignatureCheck, reasons: list[str]
) -> VerifyResult:
    organisation = approved_by = None
    if report is not None:
        org = await (
            Organisation.select(Organisation.name)
            .where(Organisation.id == report["organisation"])
            .first()
            .run()
        )
        person = await (
            UserAccount.select(UserAccount.display_name)
            .where(UserAccount.id == report["approved_by"])
            .first()
            .run()
        )
        organisation = org["name"] if org else None
        approved_by = person["display_name"] if person else None
    return VerifyResult(
        verdict=verdict,  # type: ignore[arg-type]
        ours=report is not None,
        intact=verdict == "intact",
        reasons=reasons,
        report_id=report["id"] if report else None,
        visit_id=report["visit"] if report else None,
        sealed_by=check.signer_organisation,
        sealed_at=check.signing_time,
        organisation=organisation,
        approved_by=approved_by,
        approved_at=report["approved_at"] if report else None,
    )
