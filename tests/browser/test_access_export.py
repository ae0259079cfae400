"""A household's right of access in the app: the functional administrator downloads the access
export of a case by its reference, as PDF and as JSON, through the token-carrying fetch."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.helpers import demo_case_id


def test_an_administrator_downloads_a_households_access_export(
    page: Page, api: ApiFactory, tmp_path: Path
) -> None:
    # The municipality directs this household; `admin` is the municipality's administrator.
    case_id = str(demo_case_id("Familie Tjoeng-Aarts"))
    flows.log_in(page, "admin")
    page.get_by_role("link", name="Beheer").click()
    export = page.get_by_test_id("access-export")

    export.get_by_label("Dossiernummer (casus)").fill("geen-nummer")
    export.get_by_role("button", name="Inzage-export (PDF)").click()
    expect(page.get_by_test_id("export-message")).to_contain_text("geen geldig dossiernummer")

    export.get_by_label("Dossiernummer (casus)").fill(case_id)
    with page.expect_download() as pdf_download:
        export.get_by_role("button", name="Inzage-export (PDF)").click()
    pdf = pdf_download.value
    assert pdf.suggested_filename == f"inzage-{case_id}.pdf"
    pdf.save_as(tmp_path / "inzage.pdf")
    assert (tmp_path / "inzage.pdf").read_bytes().startswith(b"%PDF-")

    with page.expect_download() as json_download:
        export.get_by_role("button", name="Inzage-export (JSON)").click()
    json_download.value.save_as(tmp_path / "inzage.json")
    held = json.loads((tmp_path / "inzage.json").read_text())
    assert held["case_id"] == case_id
    assert held["organisation"]["name"] == "Gemeente Rivierstad"
    expect(page.get_by_test_id("export-message")).to_contain_text("is gedownload")

    # Both downloads were audited as exports of the case (the supervisors' access log says so).
    log = api("municipality-supervisor").json("GET", f"/api/cases/{case_id}/access-log")
    exports = [entry for entry in log if entry["action"] == "export"]
    assert {entry["detail"] for entry in exports} >= {
        "access export (pdf)",
        "access export (json)",
    }
