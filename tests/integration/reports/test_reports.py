"""Visit reports through the API: the draft while waiting, the sealed final after approval,
and the verify endpoint that tells an intact copy from every altered one."""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

from tests.helpers import audit_rows, headers_for
from tests.integration.reports.flows import approved_report, run_jobs, submitted_visit


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page in reading order (-raw: the diagonal CONCEPT stays one word)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", handle.name, "-"], capture_output=True, check=True, text=True
        ).stdout
    return [page for page in out.split("\f") if page.strip()]


async def verify(client, pdf: bytes, content_type: str = "application/pdf"):
    return await client.post(
        "/api/reports/verify", content=pdf, headers={"Content-Type": content_type}
    )


def seals_dir() -> Path:
    from api.settings import get_settings

    return get_settings().seals_dir


async def test_the_report_is_not_ready_until_the_worker_made_it_then_a_draft(client):
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)

    early = await client.get(f"/api/visits/{visit_id}/report.pdf", headers=worker)
    assert early.status_code == 409
    assert early.json()["code"] == "report_not_ready"
    assert early.json()["state"] == "pending"

    await run_jobs(client)
    draft = await client.get(f"/api/visits/{visit_id}/report.pdf", headers=worker)
    assert draft.status_code == 200
    assert draft.headers["content-type"] == "application/pdf"
    assert draft.headers["cache-control"] == "no-store"
    pages = pdf_text(draft.content)
    # The diagonal watermark may come out with spaces between its letters.
    assert all("CONCEPT" in "".join(page.split()) for page in pages)
    assert "Sanne Veldhoven" in pages[0]
    assert str(visit_id) in pages[0]


async def test_the_final_report_is_sealed_without_concept_and_names_the_approver(client):
    visit_id, pdf = await approved_report(client)

    pages = pdf_text(pdf)
    assert not any("CONCEPT" in "".join(page.split()) for page in pages)
    assert "Ruud Kampstra" in "".join(pages)
    answer = (await verify(client, pdf)).json()
    assert answer["verdict"] == "intact"
    assert answer["intact"] is True
    assert answer["reasons"] == []
    assert answer["visit_id"] == str(visit_id)
    assert answer["organisation"] == "Woonstichting Thuisbasis"
    assert answer["sealed_by"] == "Woonstichting Thuisbasis"
    assert answer["approved_by"] == "Ruud Kampstra"


async def test_pdfsig_trusts_the_sealed_report_through_the_development_certificate(
    client, tmp_path
):
    from tests.unit.reports.pdf_tools import nss_database, pdfsig

    _, pdf = await approved_report(client)
    path = tmp_path / "verslag.pdf"
    path.write_bytes(pdf)
    nssdir = nss_database(tmp_path / "nss", sorted(seals_dir().glob("*.crt.pem")))

    [signature] = pdfsig(path, nssdir)

    assert signature["Signature Validation"] == "Signature is Valid."
    assert signature["Certificate Validation"] == "Certificate is Trusted."
    assert "Woonstichting Thuisbasis" in signature["Signer Certificate Common Name"]


async def test_a_byte_changed_inside_the_signed_range_is_refused_with_the_reason(client):
    _, pdf = await approved_report(client)
    changed = bytearray(pdf)
    at = pdf.index(b"/Producer")  # inside the first revision, which the seal covers
    changed[at + 2] ^= 0x01

    answer = (await verify(client, bytes(changed))).json()

    assert answer["verdict"] == "altered"
    assert answer["intact"] is False
    assert "signature_invalid" in answer["reasons"]
    assert "not_the_sealed_copy" in answer["reasons"]


async def test_an_incremental_update_after_sealing_is_named_as_such(client):
    from tests.unit.reports.pdf_tools import append_retitling_update

    visit_id, pdf = await approved_report(client)

    answer = (await verify(client, append_retitling_update(pdf))).json()

    assert answer["verdict"] == "changed_after_sealing"
    assert answer["visit_id"] == str(visit_id)
    assert "incremental_update_after_signature" in answer["reasons"]
    assert answer["intact"] is False


async def test_a_re_saved_copy_is_not_intact(client):
    from tests.unit.reports.pdf_tools import resave

    _, pdf = await approved_report(client)

    answer = (await verify(client, resave(pdf))).json()

    assert answer["intact"] is False
    assert answer["verdict"] == "altered"
    assert "not_the_sealed_copy" in answer["reasons"]


async def test_a_report_sealed_with_another_key_is_not_ours(client, tmp_path):
    import uuid

    from api.keys import ensure_seal
    from api.reports.sealing import load_seal, seal_pdf

    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)
    await run_jobs(client)
    draft = (await client.get(f"/api/visits/{visit_id}/report.pdf", headers=worker)).content
    stranger = uuid.uuid4()
    ensure_seal(tmp_path, stranger, "Woonstichting Thuisbasis")
    forged = await seal_pdf(
        draft, load_seal(tmp_path, stranger, ""), reason="nagemaakt", location="elders"
    )

    answer = (await verify(client, forged)).json()

    assert answer["intact"] is False
    assert "untrusted_signer" in answer["reasons"]
    assert answer["verdict"] in ("altered", "not_ours")


async def test_verify_refuses_what_is_not_a_pdf_and_audits_each_answer(client):
    not_pdf = await verify(client, b"<html>verslag</html>")
    wrong_type = await verify(client, b"%PDF-1.4 ...", content_type="text/plain")
    unknown = (await verify(client, b"%PDF-1.4\n%%EOF\n")).json()

    assert (not_pdf.status_code, not_pdf.json()["code"]) == (422, "not_a_pdf")
    assert wrong_type.status_code == 415
    assert unknown["verdict"] == "not_ours"
    assert await audit_rows(action="verify", object_id="unknown")


async def test_the_report_stays_inside_the_workers_organisation(client):
    worker = await headers_for(client, "fieldworker")
    visit_id, _ = await submitted_visit(client, worker)
    await run_jobs(client)

    for username in ("municipality-supervisor", "ggd", "police"):
        response = await client.get(
            f"/api/visits/{visit_id}/report.pdf", headers=await headers_for(client, username)
        )
        assert (response.status_code, response.json()["code"]) == (404, "visit_not_found")
    supervisor = await client.get(
        f"/api/visits/{visit_id}/report.pdf", headers=await headers_for(client, "supervisor")
    )
    assert supervisor.status_code == 200
    prints = await audit_rows(action="print", outcome="allowed")
    assert any(row["detail"] == "draft" for row in prints)


async def test_running_the_final_job_twice_seals_once(client):
    from api.jobs.tables import Job
    from api.reports.tables import VisitReport

    visit_id, pdf = await approved_report(client)
    await (
        Job.update({Job.state: "pending", Job.run_after: Job.created_at})
        .where(Job.dedupe_key == f"report:final:{visit_id}")
        .run(in_pool=False)
    )

    assert await run_jobs(client) >= 1
    rows = (
        await VisitReport.select(VisitReport.sha256)
        .where((VisitReport.visit == visit_id) & (VisitReport.kind == "final"))
        .run(in_pool=False)
    )
    assert [row["sha256"] for row in rows] == [hashlib.sha256(pdf).hexdigest()]
