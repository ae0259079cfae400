"""A supervisor reviews in the PWA: the draft report in the page, approve or return; the sealed
report that follows passes pdfsig and the verify endpoint, and a return reaches the tablet."""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser import flows
from tests.browser.conftest import ApiFactory, ContextFactory
from tests.browser.harness import ON_BOTH_DATABASES, LiveServer, assert_no_axe_violations
from tests.helpers import example_answers, kitchen_table_files, visit_body
from tests.unit.reports.pdf_tools import nss_database, pdfsig


def record_visit_through_the_api(api: ApiFactory) -> str:
    """A kitchen-table visit as a tablet sends it: the body, then both signatures."""
    worker = api("fieldworker")
    case = next(c for c in worker.json("GET", "/api/cases") if c["assigned_to_me"])
    files = kitchen_table_files()
    answers = example_answers("keukentafelgesprek")
    body = visit_body(uuid.UUID(case["id"]), "keukentafelgesprek", answers, files)
    visit_id = str(uuid.uuid4())
    worker.json("PUT", f"/api/visits/{visit_id}", json=body, expect=201)
    for name, data in files.items():
        worker.json(
            "PUT",
            f"/api/visits/{visit_id}/attachments/{name}",
            content=data,
            headers={"Content-Type": "image/png"},
            expect=201,
        )
    return visit_id


def wait_for_final_report(api: ApiFactory, visit_id: str, timeout: float = 60) -> dict:
    """The server's own worker renders and seals after approval; wait for it as a person would."""
    supervisor = api("supervisor")
    deadline = time.monotonic() + timeout
    while True:
        report = supervisor.json("GET", f"/api/visits/{visit_id}")["report"]
        if report["kind"] == "final" and report["state"] != "pending":
            return report
        assert time.monotonic() < deadline, f"no final report after {timeout} s: {report}"
        time.sleep(0.5)


def open_for_review(page: Page, visit_id: str) -> None:
    page.get_by_role("link", name="Beoordelen").click()
    item = page.locator(f'[data-testid="review-item"][data-id="{visit_id}"]')
    item.get_by_role("link").click()
    expect(page.get_by_test_id("review-detail")).to_have_attribute("data-id", visit_id)


@ON_BOTH_DATABASES
def test_a_supervisor_approves_in_the_app_and_the_sealed_report_is_valid(
    page: Page, api: ApiFactory, live_server: LiveServer, tmp_path: Path
) -> None:
    visit_id = record_visit_through_the_api(api)

    flows.log_in(page, "supervisor")
    open_for_review(page, visit_id)
    frame = page.get_by_test_id("report-frame")
    # The draft is fetched with the token and shown from memory, never by a URL with a token.
    expect(frame).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)
    assert_no_axe_violations(page, "review detail")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("review-done")).to_have_attribute("data-decision", "approve")
    item = page.locator(f'[data-testid="review-item"][data-id="{visit_id}"]')
    expect(item).to_have_count(0)

    report = wait_for_final_report(api, visit_id)
    assert report["state"] == "ready", report
    pdf = api("supervisor").get(f"/api/visits/{visit_id}/report.pdf")
    assert pdf.headers["x-report-kind"] == "final"
    verdict = api("fieldworker").json(
        "POST",
        "/api/reports/verify",
        content=pdf.content,
        headers={"Content-Type": "application/pdf"},
    )
    assert (verdict["verdict"], verdict["visit_id"]) == ("intact", visit_id)
    assert verdict["approved_by"] == "Ruud Kampstra"

    path = tmp_path / "verslag.pdf"
    path.write_bytes(pdf.content)
    certificates = sorted((Path(live_server.var_dir) / "keys" / "seals").glob("*.crt.pem"))
    [signature] = pdfsig(path, nss_database(tmp_path / "nss", certificates))
    assert signature["Signature Validation"] == "Signature is Valid."
    assert signature["Certificate Validation"] == "Certificate is Trusted."


def test_a_returned_visit_shows_the_supervisors_comment_on_the_tablet(
    page: Page, new_context: ContextFactory, api: ApiFactory
) -> None:
    flows.log_in(page)
    flows.wait_until_synced(page)
    flows.open_case(page, 1)
    visit_id = flows.start_kitchen_table_visit(page)
    flows.fill_kitchen_table(page)
    flows.finalize(page)
    card = page.get_by_test_id("visit-card")
    expect(card.get_by_test_id("visit-state")).to_have_text(
        "Ontvangen, wacht op beoordeling", timeout=20_000
    )

    desk: BrowserContext = new_context()
    supervisor = desk.new_page()
    flows.log_in(supervisor, "supervisor")
    open_for_review(supervisor, visit_id)
    comment = "De tweede afspraak heeft nog geen datum."
    supervisor.get_by_test_id("return-comment").fill(comment)
    supervisor.get_by_test_id("return").click()
    expect(supervisor.get_by_test_id("review-done")).to_have_attribute("data-decision", "return")

    page.get_by_role("button", name="Nu synchroniseren").click()
    card = page.locator(f'[data-testid="visit-card"][data-id="{visit_id}"]')
    expect(card.get_by_test_id("visit-state")).to_have_text("Teruggestuurd", timeout=20_000)
    expect(card.get_by_test_id("review-comment")).to_contain_text(comment)
