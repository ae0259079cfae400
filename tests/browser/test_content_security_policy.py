"""The app under its Content-Security-Policy (api/lib/security_headers.py), in Chromium: every
main screen, a visit with a photo and signatures, a reload from the service worker, logout, and
the supervisor's report PDF shown from a blob URL in a frame, all without one violation."""

from __future__ import annotations

import os
import re
import subprocess
import time
from dataclasses import dataclass, field

import httpx
from playwright.sync_api import BrowserContext, Page, Response, expect

from api.lib.security_headers import APP_POLICY, HSTS
from tests.browser import flows
from tests.browser.conftest import ApiFactory
from tests.browser.harness import (
    PWA_DIST,
    LiveServer,
    free_port,
    keukentafel_bin,
    wait_for_service_worker,
)
from tests.browser.test_review import open_for_review, record_visit_through_the_api

# Reports each `securitypolicyviolation` of every document (frames, the blob PDF frame too)
# to the test through a binding; console errors catch what no event reports.
WATCH_VIOLATIONS = """
(() => {
  const report = (event) => {
    const where = `${event.sourceFile || event.documentURI}:${event.lineNumber}`;
    const line = `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${where}`;
    try {
      window.__cspViolation(`${line} ${event.sample || ''}`.trim());
    } catch (error) {
      console.error(`Content Security Policy violation (unreported: ${error}): ${line}`);
    }
  };
  document.addEventListener('securitypolicyviolation', report, true);
})();
"""

# Chromium's built-in PDF viewer.
PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/"

POLICY_MESSAGES = re.compile(
    r"Content.Security.Policy|Refused to (load|execute|apply|frame|connect|create)|"
    r"Permissions.Policy|permissions policy",
    re.IGNORECASE,
)


@dataclass
class PolicyWatch:
    """Every CSP violation and policy console message of one browser context."""

    violations: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def assert_none(self, where: str) -> None:
        assert not self.violations and not self.console, (
            f"policy violations ({where}):\n" + "\n".join(self.violations + self.console)
        )


def watch(context: BrowserContext) -> PolicyWatch:
    seen = PolicyWatch()
    context.expose_binding("__cspViolation", lambda _source, line: seen.violations.append(line))
    context.add_init_script(WATCH_VIOLATIONS)

    def on_console(message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if POLICY_MESSAGES.search(text):
            seen.console.append(f"{message.type}: {text}")  # type: ignore[attr-defined]

    context.on("console", on_console)
    return seen


def test_the_app_runs_under_its_policy_through_a_visit_and_logout(
    page: Page, context: BrowserContext
) -> None:
    seen = watch(context)
    documents: list[Response] = []
    page.on(
        "response", lambda r: documents.append(r) if r.request.resource_type == "document" else None
    )

    flows.log_in(page)
    assert documents, "no document loaded"
    assert documents[0].header_value("content-security-policy") == APP_POLICY
    flows.wait_until_synced(page)
    seen.assert_none("login and the cases")
    wait_for_service_worker(page)

    # The last of my cases: other tests count the visits of the first two.
    cards = page.get_by_test_id("case-card")
    assert cards.count() > 2
    cards.last.click()
    expect(page).to_have_url(re.compile(r"/zaken/[0-9a-f-]{36}$"))
    flows.start_kitchen_table_visit(page)
    flows.fill_kitchen_table(page)  # a photo (blob thumbnail) and two drawn signatures
    seen.assert_none("the visit form")
    flows.finalize(page)
    expect(page.get_by_test_id("visit-card").first.get_by_test_id("visit-state")).to_have_text(
        re.compile("Ontvangen"), timeout=20_000
    )

    for link, path in (
        ("Mijn bezoeken", "/bezoeken"),
        ("Vervolgacties", "/vervolg"),
        ("Berichten", "/berichten"),
        ("Synchronisatie", "/sync"),
        ("Mijn zaken", "/zaken"),
    ):
        page.get_by_role("link", name=link).click()
        expect(page).to_have_url(re.compile(f"{path}$"))
        expect(page.locator("main h1")).to_be_visible()
    seen.assert_none("every screen of the menu")

    # A reload that the service worker answers from its precache: the policy came with it.
    reloaded = page.reload()
    assert reloaded is not None
    assert reloaded.from_service_worker
    assert reloaded.header_value("content-security-policy") == APP_POLICY
    flows.unlock(page)  # a page load starts locked: the data key lives in memory only
    expect(page.get_by_test_id("case-card").first).to_be_visible()

    with page.expect_response("**/api/auth/logout") as logout:
        page.get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/inloggen$"))
    assert logout.value.status == 204
    assert logout.value.header_value("clear-site-data") == '"cache"'
    # "cache" only: the device keeps its database (the outbox, the device id) and the service
    # worker that makes it work offline.
    kept = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((d) => d.name),
            workers: (await navigator.serviceWorker.getRegistrations()).length,
        })"""
    )
    assert "keukentafel" in kept["databases"], kept
    assert kept["workers"] == 1, kept
    seen.assert_none("logout")


def test_the_supervisor_sees_the_report_pdf_in_its_frame(
    page: Page, context: BrowserContext, api: ApiFactory
) -> None:
    seen = watch(context)
    visit_id = record_visit_through_the_api(api)
    flows.log_in(page, "supervisor")
    page.get_by_role("link", name="Beoordelen").click()
    seen.assert_none("the review list")
    open_for_review(page, visit_id)
    frame = page.get_by_test_id("report-frame")
    expect(frame).to_have_attribute("src", re.compile(r"^blob:"), timeout=30_000)
    # Chromium's PDF viewer shows it: the frame's document is the PDF, with the viewer (an
    # extension frame) inside. object-src 'none' does not stop it, though the blob's document
    # inherits the app's policy.
    report_frame = frame.element_handle().content_frame()
    assert report_frame is not None
    assert report_frame.evaluate("() => document.contentType") == "application/pdf"
    deadline = time.monotonic() + 10
    while not any(f.url.startswith(PDF_VIEWER) for f in page.frames):
        assert time.monotonic() < deadline, [f.url for f in page.frames]
        page.wait_for_timeout(100)
    seen.assert_none("the review screen with the report")


def test_the_docs_run_sandboxed_in_an_origin_of_their_own(
    page: Page, context: BrowserContext
) -> None:
    seen = watch(context)
    # No network in the tests: the viewers' CDN scripts and fonts fail, the page itself loads.
    context.route(re.compile(r"^https://"), lambda route: route.abort())
    response = page.goto("/schema")
    assert response is not None and response.ok
    assert "sandbox" in (response.header_value("content-security-policy") or "")
    # An opaque origin: no way into the app's IndexedDB, storage or service worker.
    assert page.evaluate("() => self.origin") == "null"
    assert (
        page.evaluate(
            """() => { try { indexedDB.open('keukentafel'); return 'opened'; }
                   catch (error) { return error.name; } }"""
        )
        == "SecurityError"
    )
    seen.assert_none("the docs")


def test_x_forwarded_proto_counts_only_from_a_trusted_proxy(live_server: LiveServer) -> None:
    """`keukentafel serve` leaves X-Forwarded-* to the app (uvicorn would believe 127.0.0.1 by
    default): the live server trusts no proxy, so the header changes nothing; a server that
    trusts the loopback sends HSTS when its proxy says https."""
    plain = httpx.get(f"{live_server.url}/api/health")
    assert "strict-transport-security" not in plain.headers
    forged = httpx.get(f"{live_server.url}/api/health", headers={"X-Forwarded-Proto": "https"})
    assert forged.status_code == 200
    assert "strict-transport-security" not in forged.headers

    port = free_port()
    env = {
        **{
            k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "KEUKENTAFEL_KEYS_DIR"}
        },
        "KEUKENTAFEL_VAR_DIR": str(live_server.var_dir),
        "KEUKENTAFEL_ENV": "test",
        "KEUKENTAFEL_PWA_DIST": str(PWA_DIST),
        "KEUKENTAFEL_EMBEDDED_WORKER": "0",
        "KEUKENTAFEL_TRUSTED_PROXIES": "127.0.0.1, ::1",
        "PICCOLO_CONF": "api.piccolo_conf",
    }
    log = live_server.root / f"proxied-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(keukentafel_bin()), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, log.read_text()
            try:
                httpx.get(f"{url}/api/health", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        proxied = httpx.get(f"{url}/zaken", headers={"X-Forwarded-Proto": "https"})
        assert proxied.status_code == 200
        assert proxied.headers["strict-transport-security"] == HSTS
        assert proxied.headers["content-security-policy"] == APP_POLICY
        behind_http = httpx.get(f"{url}/zaken", headers={"X-Forwarded-Proto": "http"})
        assert "strict-transport-security" not in behind_http.headers
    finally:
        server.terminate()
        server.wait(timeout=10)
